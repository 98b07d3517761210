/**
 * Analysis runners. The worker runner keeps one worker thread (models stay loaded in it)
 * and rebuilds it after a crash or a cancel it did not honour; the in-process runner runs
 * the same JobHost on this thread (tests, and the fallback when no worker file exists).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../src-shared/result';
import type { Logger } from '../log/logger';
import type { AnalysisOutput } from './analyze-file';
import { JobHost } from './job-host';
import type { StageName } from './types';
import type { AnalysisRunner, FromWorker, RunRequest, ToWorker, WorkerInit } from './worker-protocol';

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
  reloadModels(): void {
    this.host.reloadModels();
  }
  close(): Promise<void> {
    return this.host.close();
  }
}

/** Where the worker script is: the bundle beside this file, or the TypeScript source (run through tsx). */
export function findWorkerScript(dir = __dirname): WorkerScript | null {
  const bundled = path.join(dir, 'analysis-worker.cjs');
  // Packaged app: the worker runs from inside app.asar (Electron >= 17 gives worker threads
  // asar support). It must not run from app.asar.unpacked: from there `require('sharp')`
  // finds the unpacked native package but not its pure-JS dependencies (detect-libc,
  // onnxruntime-common…), which stay in the archive. Native addons required through the
  // archive path are loaded from the unpacked copy by Electron itself.
  if (fs.existsSync(bundled)) return { file: bundled, eval: false };
  const source = path.join(dir, 'worker-entry.ts');
  // Source checkouts (tests, tsx): a tiny CommonJS bootstrap registers tsx inside the thread,
  // since loader flags of the parent process do not reach worker threads.
  if (fs.existsSync(source)) {
    let tsx: string;
    try {
      tsx = createRequire(path.join(dir, 'runner.ts')).resolve('tsx/cjs/api');
    } catch {
      return null; // no tsx (a production install from source): run in-process
    }
    return { file: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`, eval: true };
  }
  return null;
}

/** A worker script: a file to run, or CommonJS source evaluated in the thread. */
export interface WorkerScript {
  file: string;
  eval: boolean;
}

interface Pending {
  resolve: (o: AnalysisOutput) => void;
  reject: (e: AppError) => void;
  onProgress: Progress;
  killTimer?: NodeJS.Timeout;
}

/** Output buffers arrive as Uint8Array after structured cloning; make them Buffers again. */
function reviveBuffers(o: AnalysisOutput): AnalysisOutput {
  for (const a of o.result.artifacts) if (!Buffer.isBuffer(a.data)) a.data = Buffer.from(a.data as Uint8Array);
  return o;
}

/** Runs jobs in a worker thread. */
export class WorkerRunner implements AnalysisRunner {
  readonly mode = 'worker' as const;
  private worker: Worker | null = null;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly init: WorkerInit,
    private readonly script: WorkerScript,
    private readonly log: Logger,
    /** How long a cancelled job may take to stop before the worker is terminated. */
    private readonly cancelGraceMs = 10_000,
  ) {}

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script.file, { eval: this.script.eval });
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e) => this.worker === w && this.onDeath(`the analysis worker crashed: ${e.message}`));
    w.on('exit', (code) => this.worker === w && this.onDeath(`the analysis worker exited (code ${code})`));
    w.postMessage({ type: 'init', init: this.init } satisfies ToWorker);
    this.worker = w;
    return w;
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending.get(m.jobId);
    if (!p) return;
    switch (m.type) {
      case 'progress':
        p.onProgress(m.stage, m.fraction, m.message);
        return;
      case 'result':
        this.settle(m.jobId);
        p.resolve(reviveBuffers(m.output));
        return;
      case 'error':
        this.settle(m.jobId);
        if (m.bug) this.log.error('analysis worker bug', { jobId: m.jobId, error: m.error.message });
        p.reject(m.bug ? new AppError('INTERNAL', 'Internal error in the analysis engine. It has been logged.') : new AppError(m.error.code, m.error.message, m.error.details));
        return;
    }
  }

  private settle(jobId: string): void {
    const p = this.pending.get(jobId);
    if (p?.killTimer) clearTimeout(p.killTimer);
    this.pending.delete(jobId);
  }

  private onDeath(why: string): void {
    if (!this.worker) return;
    this.worker = null;
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(p.killTimer ? new AppError('CANCELLED', 'The analysis was cancelled.') : new AppError('INTERNAL', `The analysis stopped: ${why}.`));
    }
  }

  run(req: RunRequest, onProgress: Progress): Promise<AnalysisOutput> {
    const w = this.spawn();
    return new Promise((resolve, reject) => {
      this.pending.set(req.jobId, { resolve, reject, onProgress });
      w.postMessage({ type: 'run', req } satisfies ToWorker);
    });
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
