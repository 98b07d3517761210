#!/usr/bin/env node
// One build for all four outputs: main (+ worker), preload (one CommonJS bundle), CLI, renderer (Vite).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const only = process.argv.slice(2);
// MEDIAGUARD_BUILD_OUT puts the esbuild outputs (main, preload, cli) elsewhere than dist/
// (tests/unit/cli/lazy-load.test.ts builds a private CLI copy); the renderer stays in dist/.
const out = process.env.MEDIAGUARD_BUILD_OUT ? path.resolve(process.env.MEDIAGUARD_BUILD_OUT) : path.join(root, 'dist');
const want = (name) => only.length === 0 || only.includes(name);

// Native or binary-carrying packages stay outside the bundles and load from node_modules.
const external = ['electron', 'sharp', 'libheif-js', 'onnxruntime-node', 'ffmpeg-static', 'ffprobe-static', 'pdfkit', 'fontkit', 'nedb-promises', '@seald-io/nedb'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __MG_VERSION__: JSON.stringify(pkg.version) },
  external,
};

/** The worker threads' entries, bundled beside main and the CLI (the analysis thread, its forensic check threads, the camera library's thread). */
function workerEntries() {
  const entries = {
    'analysis-worker': 'src-main/core/analysis/worker-entry.ts',
    'forensics-worker': 'src-main/core/analysis/forensics-worker-entry.ts',
    'camera-worker': 'src-main/core/cameras/camera-worker-entry.ts',
  };
  return Object.fromEntries(Object.entries(entries).filter(([, f]) => fs.existsSync(path.join(root, f))));
}

const t0 = Date.now();
const jobs = [];
if (want('main')) {
  const entryPoints = { main: 'src-main/electron/main.ts', ...workerEntries() };
  jobs.push(esbuild({ ...common, entryPoints, outdir: path.join(out, 'main'), outExtension: { '.js': '.cjs' } }).then(() => 'main'));
}
if (want('preload')) {
  // A sandboxed preload can require only 'electron' and a few built-ins: everything else is inlined.
  jobs.push(
    esbuild({ ...common, minify: true, external: ['electron'], entryPoints: { preload: 'src-preload/preload.ts' }, outdir: path.join(out, 'preload'), outExtension: { '.js': '.cjs' } }).then(() => 'preload'),
  );
}
if (want('cli')) {
  const entryPoints = { mediaguard: 'src-main/cli/entry.ts', ...workerEntries() };
  jobs.push(esbuild({ ...common, entryPoints, outdir: path.join(out, 'cli'), outExtension: { '.js': '.cjs' } }).then(() => 'cli'));
}
if (want('renderer')) {
  jobs.push(viteBuild({ configFile: path.join(root, 'vite.config.mts'), logLevel: 'warn' }).then(() => 'renderer'));
}

try {
  const done = await Promise.all(jobs);
  console.log(`built ${done.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)}s → ${path.relative(process.cwd(), out) || '.'}/`);
} catch (e) {
  console.error(`build failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
