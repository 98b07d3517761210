/**
 * Where a worker thread's script is, for the analysis worker (runner.ts) and the JPEG coefficient
 * check threads (forensics-thread.ts). A module of its own so that a thread's bundle imports nothing else.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where a worker script is: the bundle beside this file, or the TypeScript source (run through tsx).
 * `names`: the bundle's and the source's file names (default: the analysis worker's).
 */
export function findWorkerScript(dir = __dirname, names: { bundle: string; source: string } = { bundle: 'analysis-worker.cjs', source: 'worker-entry.ts' }): WorkerScript | null {
  const bundled = path.join(dir, names.bundle);
  // Packaged app: the worker runs from inside app.asar (Electron >= 17 gives worker threads
  // asar support). It must not run from app.asar.unpacked: from there `require('sharp')`
  // finds the unpacked native package but not its pure-JS dependencies (detect-libc,
  // onnxruntime-common…), which stay in the archive. Native addons required through the
  // archive path are loaded from the unpacked copy by Electron itself.
  if (fs.existsSync(bundled)) return { file: bundled, eval: false };
  const source = path.join(dir, names.source);
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

