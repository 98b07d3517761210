/**
 * Entry of the analysis worker thread (bundled to analysis-worker.cjs). Decoding, model
 * inference and image work run here, so the window's main thread never stalls.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../src-shared/result';
import { JobHost } from './job-host';
import type { FromWorker, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('analysis-worker must run as a worker thread');

let host: JobHost | null = null;
const send = (m: FromWorker) => port.postMessage(m);

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
      const h = host;
      if (!h) {
        send({ type: 'error', jobId: msg.req.jobId, error: { code: 'INTERNAL', message: 'analysis worker was not initialised' }, bug: true });
        return;
      }
      const jobId = msg.req.jobId;
      h.run(msg.req, (stage, fraction, message) => send({ type: 'progress', jobId, stage, fraction, ...(message ? { message } : {}) })).then(
        (output) => send({ type: 'result', jobId, output }),
        (e: unknown) => {
          if (e instanceof AppError) send({ type: 'error', jobId, error: e.toShape() });
          else send({ type: 'error', jobId, error: { code: 'INTERNAL', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }, bug: true });
        },
      );
      return;
    }
  }
});
