/**
 * Entry of a camera-library thread (bundled to camera-worker.cjs beside main and the CLI;
 * camera-thread.ts starts one per request): estimates a fingerprint or compares a picture,
 * posting progress, then the result or the error, once.
 */
import { parentPort } from 'node:worker_threads';
import { comparePicture, estimateFingerprint } from './camera-compute';
import { errorShape, type CameraWorkerReply, type CameraWorkerRequest } from './camera-thread';

const port = parentPort;
if (!port) throw new Error('camera-worker must run as a worker thread');

port.once('message', (m: CameraWorkerRequest) => {
  const reply = (r: CameraWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  const work =
    m.op === 'estimate'
      ? estimateFingerprint({ files: m.files, limits: m.limits }, (done, total, name) => reply({ type: 'progress', done, total, name })).then((value) => reply({ type: 'result', value }, [value.estimate.data.buffer as ArrayBuffer]))
      : comparePicture({ path: m.path, dir: m.dir, limits: m.limits }).then((value) => reply({ type: 'result', value }));
  work.catch((e: unknown) => reply({ type: 'error', error: errorShape(e) }));
});
