/**
 * Where the camera library's sensor-noise work runs (camera-compute.ts): estimating a fingerprint
 * takes about a second a picture and a check a few seconds, which on the Electron main thread would
 * freeze every window and IPC answer meanwhile. So each request gets a thread of its own
 * (camera-worker-entry.ts, bundled to camera-worker.cjs beside main and the CLI; from a source
 * checkout the TypeScript entry through tsx), ended when it answers or is cancelled. Where no
 * script can run, the work runs on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { CameraCheck } from '../../../src-shared/domain/cameras';
import { AppError, type AppErrorShape } from '../../../src-shared/result';
import { findWorkerScript, type WorkerScript } from '../analysis/worker-script';
import { comparePicture, estimateFingerprint, type CameraProblem, type FingerprintEstimate, type Limits, type SkippedPicture } from './camera-compute';

export type EstimateRequest = { files: string[]; limits: Limits };
export type CompareRequest = { path: string; dir: string; limits: Limits };
export type EstimateResult = { estimate: FingerprintEstimate; skipped: SkippedPicture[] };
export type CompareResult = CameraCheck & { problems: CameraProblem[] };

export type CameraWorkerRequest = ({ op: 'estimate' } & EstimateRequest) | ({ op: 'compare' } & CompareRequest);
export type CameraWorkerReply =
  | { type: 'progress'; done: number; total: number; name: string }
  | { type: 'result'; value: EstimateResult | CompareResult }
  | { type: 'error'; error: AppErrorShape };

/** The camera library's work, wherever it runs. */
export interface CameraWork {
  readonly offThread: boolean;
  estimate(req: EstimateRequest, onProgress?: (done: number, total: number, name: string) => void, signal?: AbortSignal): Promise<EstimateResult>;
  compare(req: CompareRequest, signal?: AbortSignal): Promise<CompareResult>;
}

/** On the calling thread (no script can run; tests). */
export const inlineCameraWork: CameraWork = {
  offThread: false,
  estimate: (req, onProgress, signal) => estimateFingerprint(req, onProgress, signal),
  compare: (req, signal) => comparePicture(req, signal),
};

/** An error as it crosses the thread boundary. */
export function errorShape(e: unknown): AppErrorShape {
  if (e instanceof AppError) return e.toShape();
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/** One thread per request. */
export class CameraThreads implements CameraWork {
  readonly offThread = true;

  constructor(private readonly script: WorkerScript) {}

  private run<T>(req: CameraWorkerRequest, onProgress?: (done: number, total: number, name: string) => void, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new AppError('CANCELLED', 'The camera work was cancelled.'));
    return new Promise<T>((resolve, reject) => {
      const w = new Worker(this.script.file, { eval: this.script.eval });
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        void w.terminate();
        f();
      };
      const onAbort = () => finish(() => reject(new AppError('CANCELLED', 'The camera work was cancelled.')));
      signal?.addEventListener('abort', onAbort, { once: true });
      w.on('message', (m: CameraWorkerReply) => {
        if (m.type === 'progress') onProgress?.(m.done, m.total, m.name);
        else if (m.type === 'result') finish(() => resolve(m.value as T));
        else finish(() => reject(new AppError(m.error.code, m.error.message, m.error.details)));
      });
      w.on('error', (e) => finish(() => reject(new AppError('INTERNAL', `The camera thread crashed: ${e.message}`))));
      w.on('exit', (code) => finish(() => reject(new AppError('INTERNAL', `The camera thread exited (code ${code}) without an answer.`))));
      w.postMessage(req);
    });
  }

  estimate(req: EstimateRequest, onProgress?: (done: number, total: number, name: string) => void, signal?: AbortSignal): Promise<EstimateResult> {
    return this.run({ op: 'estimate', ...req }, onProgress, signal);
  }

  compare(req: CompareRequest, signal?: AbortSignal): Promise<CompareResult> {
    return this.run({ op: 'compare', ...req }, undefined, signal);
  }
}

/** The thread's script beside this file: the bundle (dist/main, dist/cli) or the source through tsx; null when neither can run. */
export function findCameraWorkerScript(dir = __dirname): WorkerScript | null {
  return findWorkerScript(dir, { bundle: 'camera-worker.cjs', source: 'camera-worker-entry.ts' });
}

/** Threads when their script can run, else the calling thread. */
export function createCameraWork(dir = __dirname): CameraWork {
  const script = findCameraWorkerScript(dir);
  return script ? new CameraThreads(script) : inlineCameraWork;
}
