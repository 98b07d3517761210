// Runs @vladmandic/human's faceres and antispoof graph models with the package's own TFJS (pure-JS CPU backend)
// on two fixed synthetic inputs and writes inputs and outputs as JSON, for training/human_models.py --check.
// Usage: node training/human_tfjs_check.mjs <node_modules dir holding @vladmandic/human and @tensorflow/tfjs> <out.json>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [nm, outPath] = process.argv.slice(2);
const require = createRequire(path.join(nm, 'x.js'));
const tf = require('@tensorflow/tfjs');
const models = path.join(nm, '@vladmandic/human/models');

async function load(name) {
  const j = JSON.parse(fs.readFileSync(path.join(models, name + '.json'), 'utf8'));
  const bufs = j.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(models, p))));
  const data = Buffer.concat(bufs);
  const weightSpecs = j.weightsManifest.flatMap((g) => g.weights);
  const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: j.modelTopology, weightSpecs, weightData: ab, format: j.format }));
}

function pattern(n) {
  const a = new Float32Array(n * n * 3);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) for (let c = 0; c < 3; c++) {
    a[(y * n + x) * 3 + c] = 0.5 + 0.25 * Math.sin((x * (c + 1)) / 7 + y / 11) + 0.2 * Math.cos((x * y) / 97 + c);
  }
  return a;
}

await tf.setBackend('cpu');
const faceres = await load('faceres');
const anti = await load('antispoof');
const in224 = pattern(224);
const in128 = pattern(128);
const t224 = tf.tensor4d(in224, [1, 224, 224, 3]).mul(255);
const outs = faceres.execute(t224, ['global_pooling/Mean', 'gender_pred/Sigmoid:0', 'age_pred/Softmax:0']);
const sp = anti.execute(tf.tensor4d(in128, [1, 128, 128, 3]));
const res = {
  input224: Array.from(in224), input128: Array.from(in128),
  descriptor: Array.from(outs[0].dataSync()), gender: Array.from(outs[1].dataSync()), age: Array.from(outs[2].dataSync()),
  antispoof: Array.from(sp.dataSync()),
};
fs.writeFileSync(outPath, JSON.stringify(res));
console.log('wrote', outPath, 'gender', res.gender[0], 'antispoof', res.antispoof[0]);
