/**
 * Entry of the JPEG coefficient thread (bundled to jpeg-worker.cjs beside analysis-worker.cjs): the
 * compression history and the splice and shifted-grid maps of a JPEG still (jpegForensics) — 1–2 s of
 * pure JavaScript on a 12 MP photo — run here, beside the analysis thread's hashing, decoding, models
 * and copy-move check, instead of before them. Requests are answered one at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import { safeJpegForensics, type JpegThreadReply, type JpegThreadRequest } from './jpeg-thread';

const port = parentPort;
if (!port) throw new Error('jpeg-worker must run as a worker thread');

port.on('message', (m: JpegThreadRequest) => {
  const reply: JpegThreadReply = { id: m.id, forensics: safeJpegForensics({ buf: Buffer.from(m.buf.buffer, m.buf.byteOffset, m.buf.byteLength), whole: m.whole }) };
  port.postMessage(reply);
});
