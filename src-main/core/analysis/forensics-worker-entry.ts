/**
 * Entry of the forensic check threads (bundled to forensics-worker.cjs beside analysis-worker.cjs;
 * forensics-thread.ts starts one per kind of check): a JPEG's coefficient stage or a picture's
 * copy-move check, answered one request at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import { detectCopyMove } from './copy-move';
import { safeJpegForensics, type ForensicsReply, type ForensicsRequest } from './forensics-thread';

const port = parentPort;
if (!port) throw new Error('forensics-worker must run as a worker thread');

port.on('message', (m: ForensicsRequest) => {
  let reply: ForensicsReply;
  if (m.kind === 'jpeg') {
    reply = { id: m.id, jpeg: safeJpegForensics({ buf: Buffer.from(m.buf.buffer, m.buf.byteOffset, m.buf.byteLength), whole: m.whole }) };
  } else {
    try {
      reply = { id: m.id, copyMove: detectCopyMove(m.img) };
    } catch (e) {
      reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
    }
  }
  port.postMessage(reply);
});
