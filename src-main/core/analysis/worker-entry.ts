/**
 * Entry of the analysis worker threads (bundled to analysis-worker.cjs). Decoding, model
 * inference and image work run here, so the window's main thread never stalls. The app
 * starts two threads from this entry: one for file analyses and one for the live monitor's
 * frames (runner.ts, createLiveRunner, says why they are separate).
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../src-shared/result';
import { JobHost } from './job-host';
import type { FromWorker, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('analysis-worker must run as a worker thread');

let host: JobHost | null = null;
const send = (m: FromWorker) => port.postMessage(m);

/** Answer one request: its result, or its error (an unexpected one is flagged as a bug, with its stack). */
function answer<T>(jobId: string, work: (h: JobHost) => Promise<T>, ok: (output: T) => FromWorker): void {
  const h = host;
  if (!h) {
    send({ type: 'error', jobId, error: { code: 'INTERNAL', message: 'analysis worker was not initialised' }, bug: true });
    return;
  }
  work(h).then(
    (output) => send(ok(output)),
    (e: unknown) => {
      if (e instanceof AppError) send({ type: 'error', jobId, error: e.toShape() });
      else send({ type: 'error', jobId, error: { code: 'INTERNAL', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }, bug: true });
    },
  );
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'init':
      host = new JobHost(msg.init);
      return;
    case 'cancel':
      host?.cancel(msg.jobId);
      return;
    case 'reload-models':
      host?.reloadModels();
      return;
    case 'run': {
      const jobId = msg.req.jobId;
      answer(
        jobId,
        (h) => h.run(msg.req, (stage, fraction, message) => send({ type: 'progress', jobId, stage, fraction, ...(message ? { message } : {}) })),
        (output) => ({ type: 'result', jobId, output }),
      );
      return;
    }
    case 'live-models':
      answer(msg.jobId, (h) => h.liveModels(), (output) => ({ type: 'live-models', jobId: msg.jobId, output }));
      return;
    case 'live-frame':
      answer(msg.req.jobId, (h) => h.liveFrame(msg.req), (output) => ({ type: 'live-result', jobId: msg.req.jobId, output }));
      return;
  }
});
