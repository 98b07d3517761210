/**
 * Analysis runners. The worker runner keeps one worker thread (models stay loaded in it)
 * and rebuilds it after a crash or a cancel it did not honour; the in-process runner runs
 * the same JobHost on this thread (tests, and the fallback when no worker file exists).
 * File analyses and live-monitor frames each get their own worker thread, started from the
 * same entry (createRunner, createLiveRunner).
 */
import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../src-shared/result';
import type { Logger } from '../log/logger';
import type { AnalysisOutput } from './analyze-file';
import { JobHost } from './job-host';
import type { LiveFrameScore, LiveModelSet } from './live-frame';
import type { StageName } from './types';
import type { AnalysisRunner, FromWorker, LiveFrameRequest, RunRequest, ToWorker, WorkerInit } from './worker-protocol';
import { findWorkerScript, type WorkerScript } from './worker-script';

export { findWorkerScript, type WorkerScript };

type Progress = (stage: StageName, fraction: number, message?: string) => void;

/** Runs jobs on the calling thread. */
export class InProcessRunner implements AnalysisRunner {
  readonly mode = 'in-process' as const;
  private readonly host: JobHost;
  constructor(init: WorkerInit) {
    this.host = new JobHost(init);
  }
  run(req: RunRequest, onProgress: Progress): Promise<AnalysisOutput> {
    return this.host.run(req, onProgress);
  }
  cancel(jobId: string): void {
    this.host.cancel(jobId);
  }
  liveModels(): Promise<LiveModelSet> {
    return this.host.liveModels();
  }
  liveFrame(req: LiveFrameRequest): Promise<LiveFrameScore> {
    return this.host.liveFrame(req);
  }
  reloadModels(): void {
    this.host.reloadModels();
  }
  close(): Promise<void> {
    return this.host.close();
  }
}

interface Pending {
  resolve: (o: never) => void;
  reject: (e: AppError) => void;
  onProgress?: Progress;
  killTimer?: NodeJS.Timeout;
  /** Live frames: the thread is restarted when the answer does not come in time. */
  timeoutTimer?: NodeJS.Timeout;
  /** The error this request gets when the thread dies under it. */
  lost: (why: string) => AppError;
}

/** Output buffers arrive as Uint8Array after structured cloning; make them Buffers again. */
function reviveBuffers(o: AnalysisOutput): AnalysisOutput {
  for (const a of o.result.artifacts) if (!Buffer.isBuffer(a.data)) a.data = Buffer.from(a.data as Uint8Array);
  return o;
}

export interface WorkerRunnerOptions {
  /** How the thread is named in errors ("the analysis worker exited (code 1)"). */
  name?: string;
  /**
   * A live frame not answered within this many ms fails with TIMEOUT and the thread is
   * restarted (native code stuck on a hostile frame must not wedge the session). Only for a
   * thread that runs nothing but live frames; off when unset.
   */
  liveFrameTimeoutMs?: number;
}

/** Runs jobs in a worker thread. */
export class WorkerRunner implements AnalysisRunner {
  readonly mode = 'worker' as const;
  private worker: Worker | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly name: string;

  constructor(
    private readonly init: WorkerInit,
    private readonly script: WorkerScript,
    private readonly log: Logger,
    /** How long a cancelled job may take to stop before the worker is terminated. */
    private readonly cancelGraceMs = 10_000,
    private readonly opts: WorkerRunnerOptions = {},
  ) {
    this.name = opts.name ?? 'analysis worker';
  }

  /** Another runner on its own thread, from the same script and model folders. */
  sibling(opts: WorkerRunnerOptions): WorkerRunner {
    return new WorkerRunner(this.init, this.script, this.log, this.cancelGraceMs, opts);
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script.file, { eval: this.script.eval });
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e) => this.worker === w && this.onDeath(`the ${this.name} crashed: ${e.message}`));
    w.on('exit', (code) => this.worker === w && this.onDeath(`the ${this.name} exited (code ${code})`));
    w.postMessage({ type: 'init', init: this.init } satisfies ToWorker);
    this.worker = w;
    return w;
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending.get(m.jobId);
    if (!p) return;
    switch (m.type) {
      case 'progress':
        p.onProgress?.(m.stage, m.fraction, m.message);
        return;
      case 'result':
        this.settle(m.jobId);
        (p.resolve as (o: AnalysisOutput) => void)(reviveBuffers(m.output));
        return;
      case 'live-models':
        this.settle(m.jobId);
        (p.resolve as (o: LiveModelSet) => void)(m.output);
        return;
      case 'live-result':
        this.settle(m.jobId);
        (p.resolve as (o: LiveFrameScore) => void)(m.output);
        return;
      case 'error':
        this.settle(m.jobId);
        if (m.bug) this.log.error(`${this.name} bug`, { jobId: m.jobId, error: m.error.message });
        p.reject(m.bug ? new AppError('INTERNAL', 'Internal error in the analysis engine. It has been logged.') : new AppError(m.error.code, m.error.message, m.error.details));
        return;
    }
  }

  private settle(jobId: string): void {
    const p = this.pending.get(jobId);
    if (p?.killTimer) clearTimeout(p.killTimer);
    if (p?.timeoutTimer) clearTimeout(p.timeoutTimer);
    this.pending.delete(jobId);
  }

  private onDeath(why: string): void {
    if (!this.worker) return;
    this.worker = null;
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(p.killTimer ? new AppError('CANCELLED', 'The analysis was cancelled.') : p.lost(why));
    }
  }

  /** Send one request to the thread (started if needed) and wait for its answer. */
  private request<T>(jobId: string, msg: ToWorker, p: Omit<Pending, 'resolve' | 'reject'>): Promise<T> {
    const w = this.spawn();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(jobId, { ...p, resolve: resolve as (o: never) => void, reject });
      w.postMessage(msg);
    });
  }

  run(req: RunRequest, onProgress: Progress): Promise<AnalysisOutput> {
    return this.request(req.jobId, { type: 'run', req }, { onProgress, lost: (why) => new AppError('INTERNAL', `The analysis stopped: ${why}.`) });
  }

  liveModels(): Promise<LiveModelSet> {
    const jobId = crypto.randomUUID();
    return this.request(jobId, { type: 'live-models', jobId }, { lost: (why) => new AppError('INTERNAL', `Live monitoring could not load its models: ${why}.`) });
  }

  liveFrame(req: LiveFrameRequest): Promise<LiveFrameScore> {
    const promise = this.request<LiveFrameScore>(req.jobId, { type: 'live-frame', req }, { lost: (why) => new AppError('INTERNAL', `The frame was not analysed: ${why}. The session goes on with the next frame.`) });
    const limit = this.opts.liveFrameTimeoutMs;
    const p = this.pending.get(req.jobId);
    if (limit && p) {
      const w = this.worker;
      p.timeoutTimer = setTimeout(() => {
        if (this.pending.get(req.jobId) !== p) return;
        this.settle(req.jobId);
        p.reject(new AppError('TIMEOUT', `The frame took longer than ${Math.round(limit / 1000)} s to analyse and was dropped; the live monitor's worker was restarted.`));
        // Whatever held the thread (native code stuck on a frame) is ended; the next frame gets a new thread.
        if (w && this.worker === w) {
          this.onDeath(`the ${this.name} was restarted after a frame took longer than ${Math.round(limit / 1000)} s`);
          void w.terminate();
        }
      }, limit);
    }
    return promise;
  }

  cancel(jobId: string): void {
    const p = this.pending.get(jobId);
    if (!p || !this.worker) return;
    this.worker.postMessage({ type: 'cancel', jobId } satisfies ToWorker);
    // Native code (a long model run, a stuck decoder) may not notice the abort: end the thread.
    const w = this.worker;
    p.killTimer = setTimeout(() => {
      if (this.worker === w) void w.terminate();
    }, this.cancelGraceMs);
  }

  reloadModels(): void {
    this.worker?.postMessage({ type: 'reload-models' } satisfies ToWorker);
  }

  /**
   * End the thread while nothing is in flight, freeing its models' memory; the next request
   * starts a fresh one. False (and nothing done) while a request is pending.
   */
  async release(): Promise<boolean> {
    if (this.pending.size) return false;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    return true;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new AppError('CANCELLED', 'The application is closing.'));
    }
    if (w) await w.terminate();
  }
}

/** The runner for this build: a worker when its script exists (unless disabled), else in-process. */
export function createRunner(init: WorkerInit, log: Logger, env: NodeJS.ProcessEnv = process.env): AnalysisRunner {
  const script = env.MEDIAGUARD_ANALYSIS_INPROCESS === '1' ? null : findWorkerScript();
  return script ? new WorkerRunner(init, script, log) : new InProcessRunner(init);
}

/** How long a live frame may take in its worker before the thread is restarted. */
export const LIVE_FRAME_TIMEOUT_MS = 30_000;

/**
 * The runner for live-monitor frames. Beside a worker runner for files: a second worker
 * thread, started from the same entry and speaking the same protocol — not the file worker,
 * because
 * - onnxruntime-node's `session.run` holds its thread for the whole inference (measured: no
 *   timer fires during a 55 ms detector run), and a file analysis does long synchronous pixel
 *   work besides (fitting 1920-px frames, crops, occlusion maps of 25 inferences per crop). A
 *   live frame sharing that thread would wait behind every one of those steps, so the monitor
 *   would freeze for as long as a video is being analysed;
 * - a crash while scoring a live frame must not fail the file analysis running beside it,
 *   nor a crash in a file analysis every live session's frame;
 * - the price is one more copy of the detector and face models (tens of MB), the copy the
 *   main thread held itself when it scored live frames.
 * The thread starts with the first live session, is ended two minutes after the last one
 * (LiveService, WorkerRunner.release: never under a frame in flight), and is restarted after a crash (by the next
 * frame) or a frame that never answers (LIVE_FRAME_TIMEOUT_MS). In-process (tests, a build
 * without the worker file): the same runner as files, on the calling thread.
 */
export function createLiveRunner(files: AnalysisRunner, timeoutMs = LIVE_FRAME_TIMEOUT_MS): AnalysisRunner {
  return files instanceof WorkerRunner ? files.sibling({ name: 'live-monitor worker', liveFrameTimeoutMs: timeoutMs }) : files;
}
