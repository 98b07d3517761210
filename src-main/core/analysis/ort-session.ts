/**
 * onnxruntime-node sessions: accelerator when one is present, CPU otherwise, with the
 * provider that actually ran recorded. Thread counts are sized to the machine so that a
 * laptop stays responsive while a job runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as ort from 'onnxruntime-node';
import { onnxruntime } from '../native';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

/** A loaded session and what it runs on. */
export interface OrtModel {
  session: ort.InferenceSession;
  provider: ProviderName;
  inputNames: readonly string[];
  outputNames: readonly string[];
  /** Declared input shapes by name (symbolic dims as strings). */
  inputShapes: Record<string, (number | string)[]>;
}

/** Intra-op threads per session: half the cores (at least 1, at most 8) leaves room for decoding and the UI. */
export function defaultThreads(cpus = os.availableParallelism?.() ?? os.cpus().length): number {
  return Math.max(1, Math.min(8, Math.floor(cpus / 2)));
}

const failedAccelerators = new Set<ProviderName>();

/** Whether the CUDA provider library ships beside onnxruntime-node (it is not bundled on npm). */
function cudaLibraryPresent(): boolean {
  try {
    const req = createRequire(__filename);
    const pkgDir = path.dirname(req.resolve('onnxruntime-node/package.json'));
    const dir = path.join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch);
    return fs.existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/**
 * Accelerators worth trying on this platform, best first. MEDIAGUARD_EXECUTION_PROVIDER
 * forces one ('cpu' turns acceleration off, e.g. for reproducible benchmarks).
 */
export function candidateProviders(env: NodeJS.ProcessEnv = process.env, platform = process.platform): ProviderName[] {
  const forced = env.MEDIAGUARD_EXECUTION_PROVIDER?.toLowerCase();
  if (forced === 'cpu' || forced === 'cuda' || forced === 'dml' || forced === 'coreml') return forced === 'cpu' ? ['cpu'] : [forced, 'cpu'];
  const list: ProviderName[] = [];
  if (platform === 'win32') list.push('dml');
  else if (platform === 'darwin') list.push('coreml');
  else if (platform === 'linux' && cudaLibraryPresent()) list.push('cuda');
  list.push('cpu');
  return list.filter((p) => p === 'cpu' || !failedAccelerators.has(p));
}

/** Create a session from ONNX bytes, trying accelerators first and falling back to CPU. */
export async function createOrtModel(bytes: Uint8Array, opts: { threads?: number } = {}): Promise<OrtModel> {
  const threads = opts.threads ?? defaultThreads();
  let lastError: unknown = null;
  for (const provider of candidateProviders()) {
    try {
      const session = await onnxruntime().InferenceSession.create(bytes, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      const inputShapes: Record<string, (number | string)[]> = {};
      for (const meta of session.inputMetadata) {
        if (meta.isTensor) inputShapes[meta.name] = [...meta.shape] as (number | string)[];
      }
      return { session, provider, inputNames: session.inputNames, outputNames: session.outputNames, inputShapes };
    } catch (e) {
      lastError = e;
      // An accelerator that failed once will fail again: do not pay for it on every model.
      if (provider !== 'cpu') failedAccelerators.add(provider);
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** A float32 tensor. */
export function floatTensor(data: Float32Array, dims: number[]): ort.Tensor {
  const { Tensor } = onnxruntime();
  return new Tensor('float32', data, dims);
}

/** Output data as float32 plus its dims (throws when the output is missing or not numeric). */
export function readOutput(out: ort.InferenceSession.OnnxValueMapType, name: string): { data: Float32Array; dims: readonly number[] } {
  const t = out[name];
  if (!t) throw new Error(`model produced no output named '${name}'`);
  const d = t.data;
  if (d instanceof Float32Array) return { data: d, dims: t.dims };
  if (typeof d === 'object' && d !== null && 'length' in d && !(d instanceof Array && typeof d[0] === 'string')) {
    return { data: Float32Array.from(d as ArrayLike<number | bigint>, Number), dims: t.dims };
  }
  throw new Error(`output '${name}' is not numeric`);
}
