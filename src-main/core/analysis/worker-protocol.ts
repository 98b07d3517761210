/**
 * The typed protocol between the main thread and an analysis worker, plus the runner
 * interface both the worker-thread and the in-process implementations satisfy. The same
 * protocol serves the file-analysis worker (run / cancel) and the live-monitor worker
 * (live-models / live-frame); both threads run worker-entry.ts.
 */
import type { AppSettings } from '../../../src-shared/domain/settings';
import type { AppErrorShape } from '../../../src-shared/result';
import type { AnalysisOutput, JobOptions } from './analyze-file';
import type { LiveFrameScore, LiveModelSet } from './live-frame';
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
  /** The camera library's folder: still pictures are compared with its sensor-noise fingerprints (core/cameras). */
  camerasDir?: string;
}

/** One live-monitor frame to score; `jobId` is a request id (unique per call). */
export interface LiveFrameRequest {
  jobId: string;
  /** The frame as the IPC contract carries it (validated there: base64 text, at most ~6 MB). */
  jpegBase64: string;
}

export type ToWorker =
  | { type: 'init'; init: WorkerInit }
  | { type: 'run'; req: RunRequest }
  | { type: 'cancel'; jobId: string }
  | { type: 'reload-models' }
  | { type: 'live-models'; jobId: string }
  | { type: 'live-frame'; req: LiveFrameRequest };

export type FromWorker =
  | { type: 'progress'; jobId: string; stage: StageName; fraction: number; message?: string }
  | { type: 'result'; jobId: string; output: AnalysisOutput }
  | { type: 'live-models'; jobId: string; output: LiveModelSet }
  | { type: 'live-result'; jobId: string; output: LiveFrameScore }
  | { type: 'error'; jobId: string; error: AppErrorShape; bug?: boolean };

/** Runs analyses somewhere (a worker thread, or this thread in tests). */
export interface AnalysisRunner {
  readonly mode: 'worker' | 'in-process';
  run(req: RunRequest, onProgress: (stage: StageName, fraction: number, message?: string) => void): Promise<AnalysisOutput>;
  cancel(jobId: string): void;
  /** Load the live monitor's models (detector + face classifiers); MODEL_MISSING when there are none. */
  liveModels(): Promise<LiveModelSet>;
  /** Score one live frame (a frame that cannot be decoded: UNSUPPORTED_MEDIA). */
  liveFrame(req: LiveFrameRequest): Promise<LiveFrameScore>;
  /** Forget loaded models (after an import) so the next job, and the next live frame, reload them. */
  reloadModels(): void;
  close(): Promise<void>;
}
