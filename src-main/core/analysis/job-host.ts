/**
 * The side that actually runs jobs and live frames: one model registry (models stay loaded
 * between jobs) and one AbortController per job. Used by the worker entry and by the
 * in-process runner.
 *
 * Model reloads (after an import) swap in a fresh registry; the old one is released only once
 * the jobs and live frames that were using it have finished, so a reload never pulls a model
 * session out from under a running inference.
 */
import { AppError } from '../../../src-shared/result';
import { createLogger } from '../log/logger';
import { analyzeFile, type AnalysisOutput } from './analyze-file';
import { createForensicsRunner, type ForensicsRunner } from './forensics-thread';
import { resolveLiveModels, scoreLiveFrame, liveModelSet, type LiveFrameScore, type LiveModelSet } from './live-frame';
import type { PipelineModels } from './pipeline';
import { ModelRegistry } from './registry';
import type { LiveFrameRequest, RunRequest, WorkerInit } from './worker-protocol';
import type { StageName } from './types';

/** One registry and who is using it. */
interface Generation {
  registry: ModelRegistry;
  users: number;
  retired: boolean;
  /** The live monitor's models, resolved once per generation (a failed resolution is not kept). */
  live: Promise<PipelineModels> | null;
}

export class JobHost {
  private gen: Generation;
  private readonly retired = new Set<Generation>();
  private readonly controllers = new Map<string, AbortController>();
  /** The threads of the checks that need no model (forensics-thread.ts), shared by this host's jobs. */
  private readonly forensics: ForensicsRunner = createForensicsRunner();

  constructor(private readonly init: WorkerInit) {
    this.gen = this.makeGeneration();
  }

  private makeGeneration(): Generation {
    const registry = new ModelRegistry({ dirs: this.init.modelDirs, importDir: this.init.importDir, log: createLogger('analysis-worker'), ...(this.init.threads ? { threads: this.init.threads } : {}) });
    return { registry, users: 0, retired: false, live: null };
  }

  /** Run f with the current registry, holding it until f settles. */
  private async using<T>(f: (g: Generation) => Promise<T>): Promise<T> {
    const g = this.gen;
    g.users++;
    try {
      return await f(g);
    } finally {
      g.users--;
      if (g.retired && g.users === 0) this.release(g);
    }
  }

  private release(g: Generation): void {
    this.retired.delete(g);
    void g.registry.close();
  }

  /** Run one job; rejects with AppError for expected failures (CANCELLED, TIMEOUT, MODEL_MISSING, ...). */
  async run(req: RunRequest, onProgress: (stage: StageName, fraction: number, message?: string) => void): Promise<AnalysisOutput> {
    const ac = new AbortController();
    this.controllers.set(req.jobId, ac);
    const timer = req.timeoutMs
      ? setTimeout(() => ac.abort(new AppError('TIMEOUT', `The analysis took longer than ${Math.round(req.timeoutMs! / 1000)} s and was stopped.`)), req.timeoutMs)
      : null;
    try {
      return await this.using((g) =>
        analyzeFile(req.path, {
          registry: g.registry,
          settings: req.settings,
          options: req.options,
          ...(req.camerasDir ? { camerasDir: req.camerasDir } : {}),
          signal: ac.signal,
          ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
          progress: onProgress,
          forensics: this.forensics,
        }),
      );
    } catch (e) {
      // The media layer reports an abort in its own words; the reason the job stopped wins.
      if (ac.signal.aborted && ac.signal.reason instanceof AppError) throw ac.signal.reason;
      throw e;
    } finally {
      if (timer) clearTimeout(timer);
      this.controllers.delete(req.jobId);
    }
  }

  private liveModelsOf(g: Generation): Promise<PipelineModels> {
    if (!g.live) {
      const p = resolveLiveModels(g.registry);
      // Not kept when it fails: the admin may install the missing model and start again.
      p.catch(() => {
        if (g.live === p) g.live = null;
      });
      g.live = p;
    }
    return g.live;
  }

  /** Load the live monitor's models now (a session start reports a missing one at once). */
  liveModels(): Promise<LiveModelSet> {
    return this.using(async (g) => liveModelSet(await this.liveModelsOf(g)));
  }

  /** Score one live frame with the current models. */
  liveFrame(req: LiveFrameRequest): Promise<LiveFrameScore> {
    return this.using(async (g) => scoreLiveFrame(await this.liveModelsOf(g), req.jpegBase64));
  }

  cancel(jobId: string): void {
    this.controllers.get(jobId)?.abort(new AppError('CANCELLED', 'The analysis was cancelled.'));
  }

  reloadModels(): void {
    const old = this.gen;
    this.gen = this.makeGeneration();
    old.retired = true;
    if (old.users === 0) void old.registry.close();
    else this.retired.add(old);
  }

  async close(): Promise<void> {
    for (const c of this.controllers.values()) c.abort(new AppError('CANCELLED', 'The application is closing.'));
    const all = [this.gen, ...this.retired];
    this.retired.clear();
    for (const g of all) await g.registry.close();
    await this.forensics.close();
  }
}
