#!/usr/bin/env node
'use strict';
/**
 * ONNX Runtime bridge for the Python training/eval scripts: runs ONNX models with the same
 * runtime as the app (onnxruntime-node), over stdin/stdout.
 *
 * Usage: node scripts/models/ort-bridge.cjs [path/to/node_modules]
 * Protocol (one request at a time): a header line of JSON
 *   {"op":"load","key":"k","path":"m.onnx","threads":1}
 *   {"op":"run","key":"k","inputs":[{"name":"x","shape":[1,3,8,8],"bytes":N}]}  followed by N raw float32 bytes per input
 * Reply: a JSON line {"ok":true,"ms":..,"outputs":[{"name":..,"shape":..,"bytes":N}]} followed by the raw float32 bytes.
 */
const path = require('path');
const modRoot = process.argv[2];
const ort = require(modRoot ? path.join(path.resolve(modRoot), 'onnxruntime-node') : 'onnxruntime-node');

const sessions = new Map();
let buf = Buffer.alloc(0);
let pending = null;
let busy = false;

function send(obj, blobs) {
  process.stdout.write(JSON.stringify(obj) + '\n');
  for (const b of blobs || []) process.stdout.write(b);
}

async function handle(req, blobs) {
  try {
    if (req.op === 'load') {
      const opts = { intraOpNumThreads: req.threads || 1, interOpNumThreads: 1, logSeverityLevel: 3,
        graphOptimizationLevel: 'all' };
      const s = await ort.InferenceSession.create(req.path, opts);
      sessions.set(req.key, s);
      send({ ok: true, inputs: s.inputNames, outputs: s.outputNames });
      return;
    }
    const s = sessions.get(req.key);
    const feeds = {};
    req.inputs.forEach((inp, i) => {
      const b = blobs[i];
      const f = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      feeds[inp.name] = new ort.Tensor('float32', f, inp.shape);
    });
    const t0 = process.hrtime.bigint();
    const out = await s.run(feeds);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const metas = []; const outBlobs = [];
    for (const name of s.outputNames) {
      const t = out[name];
      const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data, Number);
      const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      metas.push({ name, shape: t.dims, bytes: b.byteLength }); outBlobs.push(b);
    }
    send({ ok: true, ms, outputs: metas }, outBlobs);
  } catch (e) {
    send({ ok: false, error: String(e && e.message || e) });
  }
}

async function pump() {
  if (busy) return;
  busy = true;
  for (;;) {
    if (!pending) {
      const nl = buf.indexOf(10);
      if (nl < 0) break;
      const req = JSON.parse(buf.subarray(0, nl).toString('utf8'));
      buf = buf.subarray(nl + 1);
      pending = { req, need: (req.inputs || []).reduce((a, x) => a + x.bytes, 0) };
    }
    if (buf.length < pending.need) break;
    const blobs = []; let off = 0;
    for (const inp of pending.req.inputs || []) { blobs.push(Buffer.from(buf.subarray(off, off + inp.bytes))); off += inp.bytes; }
    buf = buf.subarray(off);
    const req = pending.req; pending = null;
    await handle(req, blobs);
  }
  busy = false;
}

process.stdin.on('data', (d) => { buf = Buffer.concat([buf, d]); pump(); });
process.stdin.on('end', () => process.exit(0));
