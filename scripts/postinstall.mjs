#!/usr/bin/env node
// Optional downloads for users whose install can reach the vendors' hosts. Neither ever
// fails the install, and both are skipped in CI:
// - the bundled ffmpeg/ffprobe (ffmpeg-static). MediaGuard falls back to an ffmpeg on PATH
//   (or the path in settings / MEDIAGUARD_FFMPEG). Off with MEDIAGUARD_SKIP_FFMPEG_DOWNLOAD=1.
// - onnxruntime-node's CUDA execution-provider libraries (too large for npm, fetched by the
//   package's own installer, which package.json keeps from running by itself because it
//   fails without a network). Only on Linux x64 with an NVIDIA driver (nvidia-smi answers)
//   or MEDIAGUARD_ORT_CUDA=1; off with MEDIAGUARD_ORT_CUDA=0. Without them the engine runs
//   on the CPU provider and says so (Models screen, result's provider).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.CI) process.exit(0);

function runInstaller(file, env, what, okLine, failLine) {
  if (!fs.existsSync(file)) return;
  const r = spawnSync(process.execPath, [file], { cwd: path.dirname(file), stdio: 'pipe', timeout: 300_000, encoding: 'utf8', env: { ...process.env, ...env } });
  console.log(r.status === 0 ? okLine : `${failLine}${r.error ? ` (${r.error.message})` : ''}`);
  if (r.status !== 0 && process.env.MEDIAGUARD_VERBOSE_INSTALL) console.log(`${what}:\n${r.stdout}\n${r.stderr}`);
}

if (process.env.MEDIAGUARD_SKIP_FFMPEG_DOWNLOAD !== '1') {
  runInstaller(
    path.join(root, 'node_modules', 'ffmpeg-static', 'install.js'),
    {},
    'ffmpeg-static',
    'mediaguard: bundled ffmpeg installed (ffmpeg-static).',
    'mediaguard: bundled ffmpeg could not be downloaded; an ffmpeg on PATH will be used (see README, "ffmpeg").',
  );
}

const cudaWanted = () => {
  if (process.env.MEDIAGUARD_ORT_CUDA === '0') return false;
  if (process.env.MEDIAGUARD_ORT_CUDA === '1') return true;
  if (process.platform !== 'linux' || process.arch !== 'x64') return false;
  return spawnSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
};
if (cudaWanted()) {
  runInstaller(
    path.join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js'),
    { ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
    'onnxruntime-node CUDA',
    'mediaguard: onnxruntime CUDA provider installed; models run on the GPU when CUDA 12 and cuDNN 9 are present.',
    'mediaguard: onnxruntime CUDA provider could not be downloaded; models will run on the CPU.',
  );
}
process.exit(0);
