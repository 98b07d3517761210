/**
 * The JPEG coefficient stage (jpegForensics) on a thread of its own, so that it runs beside the rest of
 * an analysis rather than before it (jpeg-worker-entry.ts). One thread per analysis host, started with
 * the first JPEG and kept (it holds no model); unref'd, so it never keeps the process alive. From a
 * source checkout the thread runs the TypeScript entry through tsx, as the analysis worker does; where
 * neither can run, the stage runs on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import { jpegForensics, type JpegForensics } from '../media/jpeg-splice';
import { findWorkerScript, type WorkerScript } from './worker-script';

export interface JpegThreadRequest {
  id: number;
  buf: Uint8Array;
  whole: boolean;
}

export interface JpegThreadReply {
  id: number;
  forensics: JpegForensics;
}

/** Runs jpegForensics of a file head; never rejects (a failure is a `{ ok: false, reason }`). */
export interface JpegForensicsRunner {
  run(head: { buf: Buffer; whole: boolean }): Promise<JpegForensics>;
  close(): Promise<void>;
}

/** jpegForensics with an unexpected failure turned into a `{ ok: false, reason }` (a picture is not refused for it). */
export function safeJpegForensics(head: { buf: Buffer; whole: boolean }): JpegForensics {
  try {
    return jpegForensics(head);
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** On the calling thread (no bundled script). */
export const inlineJpegForensics: JpegForensicsRunner = {
  run: async (head) => safeJpegForensics(head),
  close: async () => undefined,
};

/** The thread's script beside this file: the bundle (dist/main, dist/cli) or the source through tsx; null when neither can run. */
export function findJpegWorkerScript(dir = __dirname): WorkerScript | null {
  return findWorkerScript(dir, { bundle: 'jpeg-worker.cjs', source: 'jpeg-worker-entry.ts' });
}

export class JpegForensicsThread implements JpegForensicsRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (f: JpegForensics) => void>();

  constructor(private readonly script: WorkerScript) {}

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script.file, { eval: this.script.eval });
    w.unref();
    w.on('message', (m: JpegThreadReply) => {
      const done = this.pending.get(m.id);
      this.pending.delete(m.id);
      done?.(m.forensics);
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const [id, done] of [...this.pending]) {
        this.pending.delete(id);
        done({ ok: false, reason: `the JPEG coefficient thread ${why}` });
      }
    };
    w.on('error', (e) => lost(`crashed: ${e.message}`));
    w.on('exit', (code) => lost(`exited (code ${code})`));
    this.worker = w;
    return w;
  }

  run(head: { buf: Buffer; whole: boolean }): Promise<JpegForensics> {
    const w = this.spawn();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      // The head's memory moves to the thread (no copy); nothing here reads it afterwards.
      const transfer = head.buf.byteOffset === 0 && head.buf.byteLength === head.buf.buffer.byteLength ? [head.buf.buffer as ArrayBuffer] : [];
      w.postMessage({ id, buf: head.buf, whole: head.whole } satisfies JpegThreadRequest, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const [id, done] of [...this.pending]) {
      this.pending.delete(id);
      done({ ok: false, reason: 'the analysis host is closing' });
    }
    if (w) await w.terminate();
  }
}

/** The thread when its bundled script exists, else the calling thread. */
export function createJpegForensicsRunner(dir = __dirname): JpegForensicsRunner {
  const script = findJpegWorkerScript(dir);
  return script ? new JpegForensicsThread(script) : inlineJpegForensics;
}
