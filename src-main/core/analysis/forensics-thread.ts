/**
 * The picture checks that are pure JavaScript and need no model — the JPEG coefficient stage
 * (jpegForensics: decode, compression history, splice and shifted-grid maps; 1–2 s on a 12 MP photo)
 * and the copy-move check (detectCopyMove; 1.5 s) — on threads of their own (forensics-worker-entry.ts),
 * so that they run beside the analysis thread's hashing, decoding and models rather than before or
 * after them. One thread per kind of check ("lane"), started by its first request and kept (it holds
 * no model), unref'd so it never keeps the process alive, ended with the analysis host. Requests on a
 * lane are answered one at a time, in order. A request whose job is cancelled is answered at once; when
 * every request on its lane is cancelled, the thread is ended (its work would only delay the next job's)
 * and the next request starts a fresh one. From a source checkout the threads run the TypeScript
 * entry through tsx, as the analysis worker does; where no script can run, the checks run on the
 * calling thread.
 */
import { Worker } from 'node:worker_threads';
import { jpegForensics, type JpegForensics } from '../media/jpeg-splice';
import { detectCopyMoveAsync, type CopyMoveResult } from './copy-move';
import type { RgbImage } from './types';
import { findWorkerScript, type WorkerScript } from './worker-script';

export type ForensicsRequest = { id: number; kind: 'jpeg'; buf: Uint8Array; whole: boolean } | { id: number; kind: 'copy-move'; img: RgbImage };
export type ForensicsReply = { id: number; jpeg: JpegForensics } | { id: number; copyMove: CopyMoveResult } | { id: number; error: string };

/** Where the checks run. */
export interface ForensicsRunner {
  /** True when they run on threads of their own (false: on the calling thread). */
  readonly offThread: boolean;
  /** jpegForensics of a file head; never rejects (a failure, or cancellation, is a `{ ok: false, reason }`). */
  jpeg(head: { buf: Buffer; whole: boolean }, signal?: AbortSignal): Promise<JpegForensics>;
  /** detectCopyMove of a picture (left untouched: the thread gets a copy); rejects when the check fails or is cancelled. */
  copyMove(img: RgbImage, signal?: AbortSignal): Promise<CopyMoveResult>;
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

/** On the calling thread (no script can run). */
export const inlineForensics: ForensicsRunner = {
  offThread: false,
  jpeg: async (head) => safeJpegForensics(head),
  copyMove: (img, signal) => detectCopyMoveAsync(img, {}, () => signal?.throwIfAborted()),
  close: async () => undefined,
};

/** The threads' script beside this file: the bundle (dist/main, dist/cli) or the source through tsx; null when neither can run. */
export function findForensicsWorkerScript(dir = __dirname): WorkerScript | null {
  return findWorkerScript(dir, { bundle: 'forensics-worker.cjs', source: 'forensics-worker-entry.ts' });
}

type Kind = ForensicsRequest['kind'];

/** One thread and the requests in flight on it. */
class Lane {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { done: (r: ForensicsReply) => void; signal?: AbortSignal }>();

  constructor(
    private readonly script: WorkerScript,
    private readonly name: string,
  ) {}

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script.file, { eval: this.script.eval });
    w.unref();
    w.on('message', (m: ForensicsReply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.done(m);
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.settleAll(`the ${this.name} thread ${why}`);
    };
    w.on('error', (e) => lost(`crashed: ${e.message}`));
    w.on('exit', (code) => lost(`exited (code ${code})`));
    this.worker = w;
    return w;
  }

  private settleAll(why: string): void {
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      p.done({ id, error: why });
    }
  }

  /** Whether the thread is up, and how many requests wait on it (tests). */
  get running(): boolean {
    return this.worker !== null;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  request(req: ForensicsRequest, transfer: ArrayBuffer[], signal?: AbortSignal): Promise<ForensicsReply> {
    if (signal?.aborted) return Promise.resolve({ id: req.id, error: 'cancelled' });
    const w = this.spawn();
    return new Promise((resolve) => {
      const onAbort = () => {
        if (!this.pending.delete(req.id)) return;
        resolve({ id: req.id, error: 'cancelled' });
        // Nothing left that anyone waits for: end the thread rather than let it finish cancelled work.
        if ([...this.pending.values()].every((p) => p.signal?.aborted)) {
          const busy = this.worker;
          this.worker = null;
          this.settleAll('cancelled');
          void busy?.terminate();
        }
      };
      this.pending.set(req.id, {
        done: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        ...(signal ? { signal } : {}),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      w.postMessage(req, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.settleAll('the analysis host is closing');
    if (w) await w.terminate();
  }
}

export class ForensicsThreads implements ForensicsRunner {
  readonly offThread = true;
  private nextId = 1;
  private readonly lanes = new Map<Kind, Lane>();

  constructor(private readonly script: WorkerScript) {}

  private lane(kind: Kind): Lane {
    let l = this.lanes.get(kind);
    if (!l) this.lanes.set(kind, (l = new Lane(this.script, kind === 'jpeg' ? 'JPEG coefficient' : 'copy-move')));
    return l;
  }

  async jpeg(head: { buf: Buffer; whole: boolean }, signal?: AbortSignal): Promise<JpegForensics> {
    // The head's memory moves to the thread (no copy) when it is a whole buffer of its own; nothing here reads it afterwards.
    const transfer = head.buf.byteOffset === 0 && head.buf.byteLength === head.buf.buffer.byteLength ? [head.buf.buffer as ArrayBuffer] : [];
    const r = await this.lane('jpeg').request({ id: this.nextId++, kind: 'jpeg', buf: head.buf, whole: head.whole }, transfer, signal);
    return 'jpeg' in r ? r.jpeg : { ok: false, reason: 'error' in r ? r.error : 'unexpected answer' };
  }

  async copyMove(img: RgbImage, signal?: AbortSignal): Promise<CopyMoveResult> {
    // One copy of exactly the picture's bytes (a view's whole buffer would be cloned otherwise), moved to the thread.
    const data = new Uint8Array(img.data);
    const r = await this.lane('copy-move').request({ id: this.nextId++, kind: 'copy-move', img: { width: img.width, height: img.height, data } }, [data.buffer], signal);
    if ('copyMove' in r) return r.copyMove;
    throw new Error(`the copy-move check failed: ${'error' in r ? r.error : 'unexpected answer'}`);
  }

  /** Whether a lane's thread is up, and how many requests wait on it (tests). */
  running(kind: Kind): boolean {
    return this.lanes.get(kind)?.running ?? false;
  }

  inFlight(kind: Kind): number {
    return this.lanes.get(kind)?.inFlight ?? 0;
  }

  async close(): Promise<void> {
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all(lanes.map((l) => l.close()));
  }
}

/** The threads when their script can run, else the calling thread. */
export function createForensicsRunner(dir = __dirname): ForensicsRunner {
  const script = findForensicsWorkerScript(dir);
  return script ? new ForensicsThreads(script) : inlineForensics;
}
