#!/usr/bin/env node
// `npm run test:training`: the training scripts' own tests (training/tests, Python unittest). They need
// Debian's python3-torch, python3-onnx, python3-opencv and python3-numpy (`.ci/run` installs them) and the
// pretrained weight packages pinned in training/package-lock.json, which this installs into
// training/node_modules when they are missing (npm registry only, no install scripts). Nothing from ../shared.
// Python: MEDIAGUARD_PYTHON, else /usr/bin/python3 (Debian's, where those packages live), else python3 on PATH.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.MEDIAGUARD_PYTHON || (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const probe = spawnSync(python, ['-c', 'import torch, onnx, cv2, numpy; print(torch.__version__)'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error(`test:training: ${python} cannot import torch, onnx, cv2 and numpy.`);
  console.error('On Debian: apt-get install python3-torch python3-onnx python3-opencv python3-numpy (or set MEDIAGUARD_PYTHON).');
  console.error((probe.stderr || probe.error?.message || '').trim().split('\n').slice(-3).join('\n'));
  process.exit(1);
}
console.log(`python: ${python}, torch ${probe.stdout.trim()}`);

const weights = process.env.MG_WEIGHTS_NODE_MODULES || path.join(root, 'training', 'node_modules');
if (!process.env.MG_WEIGHTS_NODE_MODULES && !fs.existsSync(path.join(weights, '@vladmandic', 'face-api', 'package.json'))) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--prefix', 'training', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const r = spawnSync(python, ['training/tests/run.py'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', MG_WEIGHTS_NODE_MODULES: weights },
});
process.exit(r.status ?? 1);
