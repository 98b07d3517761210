/**
 * The side that actually runs jobs: one model registry (models stay loaded between jobs)
 * and one AbortController per job. Used by the worker entry and by the in-process runner.
 */
import { AppError } from '../../../src-shared/result';
import { createLogger } from '../log/logger';
import { analyzeFile, type AnalysisOutput } from './analyze-file';
import { ModelRegistry } from './registry';
import type { RunRequest, WorkerInit } from './worker-protocol';
import type { StageName } from './types';

export class JobHost {
  private registry: ModelRegistry;
  private readonly controllers = new Map<string, AbortController>();

  constructor(private readonly init: WorkerInit) {
    this.registry = this.makeRegistry();
  }

  private makeRegistry(): ModelRegistry {
    return new ModelRegistry({ dirs: this.init.modelDirs, importDir: this.init.importDir, log: createLogger('analysis-worker'), ...(this.init.threads ? { threads: this.init.threads } : {}) });
  }

  /** Run one job; rejects with AppError for expected failures (CANCELLED, TIMEOUT, MODEL_MISSING, ...). */
  async run(req: RunRequest, onProgress: (stage: StageName, fraction: number, message?: string) => void): Promise<AnalysisOutput> {
    const ac = new AbortController();
    this.controllers.set(req.jobId, ac);
    const timer = req.timeoutMs
      ? setTimeout(() => ac.abort(new AppError('TIMEOUT', `The analysis took longer than ${Math.round(req.timeoutMs! / 1000)} s and was stopped.`)), req.timeoutMs)
      : null;
    try {
      return await analyzeFile(req.path, {
        registry: this.registry,
        settings: req.settings,
        options: req.options,
        signal: ac.signal,
        ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
        progress: onProgress,
      });
    } catch (e) {
      // The media layer reports an abort in its own words; the reason the job stopped wins.
      if (ac.signal.aborted && ac.signal.reason instanceof AppError) throw ac.signal.reason;
      throw e;
    } finally {
      if (timer) clearTimeout(timer);
      this.controllers.delete(req.jobId);
    }
  }

  cancel(jobId: string): void {
    this.controllers.get(jobId)?.abort(new AppError('CANCELLED', 'The analysis was cancelled.'));
  }

  reloadModels(): void {
    const old = this.registry;
    this.registry = this.makeRegistry();
    void old.close();
  }

  async close(): Promise<void> {
    for (const c of this.controllers.values()) c.abort(new AppError('CANCELLED', 'The application is closing.'));
    await this.registry.close();
  }
}
