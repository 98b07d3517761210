/**
 * The typed protocol between the engine (main thread) and the analysis worker, plus the
 * runner interface both the worker-thread and the in-process implementations satisfy.
 */
import type { AppSettings } from '../../../src-shared/domain/settings';
import type { AppErrorShape } from '../../../src-shared/result';
import type { AnalysisOutput, JobOptions } from './analyze-file';
import type { ModelDir } from './registry';
import type { StageName } from './types';

/** How the worker builds its model registry (it owns the ONNX sessions). */
export interface WorkerInit {
  modelDirs: ModelDir[];
  importDir: string;
  threads?: number;
}

export interface RunRequest {
  jobId: string;
  path: string;
  options: JobOptions;
  settings: AppSettings;
  timeoutMs?: number;
}

export type ToWorker = { type: 'init'; init: WorkerInit } | { type: 'run'; req: RunRequest } | { type: 'cancel'; jobId: string } | { type: 'reload-models' };

export type FromWorker =
  | { type: 'progress'; jobId: string; stage: StageName; fraction: number; message?: string }
  | { type: 'result'; jobId: string; output: AnalysisOutput }
  | { type: 'error'; jobId: string; error: AppErrorShape; bug?: boolean };

/** Runs analyses somewhere (a worker thread, or this thread in tests). */
export interface AnalysisRunner {
  readonly mode: 'worker' | 'in-process';
  run(req: RunRequest, onProgress: (stage: StageName, fraction: number, message?: string) => void): Promise<AnalysisOutput>;
  cancel(jobId: string): void;
  /** Forget loaded models (after an import) so the next job reloads them. */
  reloadModels(): void;
  close(): Promise<void>;
}
