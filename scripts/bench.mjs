#!/usr/bin/env node
// Benchmark runner: `npm run bench [-- --only frames,hash] [--quick] [--runs N]`.
// analysis also takes `--long` (adds a 10-minute clip; `--long-secs N`) and `--data <dir>`
// (the media folder its face clips are made from; default $MEDIAGUARD_BENCH_DATA, then
// ../shared/datasets; without one it uses a synthetic clip and says so).
//
// ADDING A FIGURE: drop a module in bench/ named <topic>.bench.ts (or .mjs). TypeScript is
// loaded through tsx, so a module may import src-main/core directly. It default-exports
//
//   export default {
//     name: 'frames',                       // short id, used by --only
//     description: 'what it measures',
//     async run(ctx) {                      // ctx: see BenchContext below
//       const s = await ctx.time(() => work(), { runs: ctx.runs }); // median wall time
//       return [{ figure: 'thing per second', value: 123.4, unit: 'fps', detail: '…' }];
//     },
//   };
//
// BenchContext: { root, cacheDir (bench/results/.cache, for generated inputs; reuse across
// runs), quick (smaller inputs), runs (repetitions, median reported), log(msg), time(fn, {runs}) →
// {medianMs, runsMs}, ffmpeg (path to the ffmpeg to use: MEDIAGUARD_FFMPEG or PATH) }.
// A figure is { figure, value, unit, detail?, compareTo? }: put figures that must be read
// together (ours next to a baseline measured on the same input in the same run) in one module.
// Results are printed as a table and written to bench/results/<timestamp>.json and
// bench/results/latest.json (gitignored), with machine facts, so runs can be compared.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Bench modules are TypeScript importing src-main: run under tsx's loader (CJS and ESM alike).
if (!process.env.MEDIAGUARD_BENCH_CHILD) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MEDIAGUARD_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const resultsDir = path.join(benchDir, 'results');
const cacheDir = path.join(resultsDir, '.cache');
fs.mkdirSync(cacheDir, { recursive: true });

const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = argValue('--only')?.split(',').filter(Boolean) ?? null;
const runs = Number(argValue('--runs') ?? (quick ? 1 : 3));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const ctx = {
  root,
  cacheDir,
  quick,
  runs,
  ffmpeg: process.env.MEDIAGUARD_FFMPEG || 'ffmpeg',
  log: (msg) => console.log(`  · ${msg}`),
  async time(fn, opts = {}) {
    const n = Math.max(1, opts.runs ?? runs);
    const runsMs = [];
    let last;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      last = await fn();
      runsMs.push(performance.now() - t0);
    }
    return { medianMs: median(runsMs), runsMs, result: last };
  },
};

const files = fs
  .readdirSync(benchDir)
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f))
  .sort();
const modules = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(benchDir, f)).href)).default;
  if (!mod || typeof mod.run !== 'function' || typeof mod.name !== 'string') {
    console.error(`bench: ${f} does not default-export { name, run(ctx) }; skipped`);
    continue;
  }
  if (!only || only.includes(mod.name)) modules.push({ file: f, ...mod });
}
if (modules.length === 0) {
  console.error(`bench: no modules${only ? ` named ${only.join(', ')}` : ''} in bench/`);
  process.exit(1);
}

let ffmpegVersion = null;
try {
  ffmpegVersion = execFileSync(ctx.ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8' }).split('\n')[0];
} catch {
  /* modules that need it will say so */
}
const report = {
  startedAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, loadavg: os.loadavg(), memGiB: +(os.totalmem() / 1024 ** 3).toFixed(1), platform: `${process.platform}-${process.arch}`, node: process.version, ffmpeg: ffmpegVersion },
  options: { quick, runs, only },
  modules: [],
};

let failed = 0;
for (const m of modules) {
  console.log(`\n=== ${m.name}: ${m.description ?? ''}`);
  const t0 = performance.now();
  try {
    const figures = await m.run(ctx);
    report.modules.push({ name: m.name, file: m.file, seconds: +((performance.now() - t0) / 1000).toFixed(1), figures });
    const w = Math.max(...figures.map((f) => f.figure.length));
    for (const f of figures) {
      const v = typeof f.value === 'number' ? (Math.abs(f.value) >= 100 ? f.value.toFixed(0) : f.value.toFixed(2)) : String(f.value);
      console.log(`  ${f.figure.padEnd(w)}  ${v.padStart(9)} ${f.unit.padEnd(8)} ${f.detail ?? ''}`);
    }
  } catch (e) {
    failed++;
    report.modules.push({ name: m.name, file: m.file, error: e instanceof Error ? e.message : String(e) });
    console.error(`  FAILED: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const stamp = report.startedAt.replace(/[:.]/g, '-');
fs.writeFileSync(path.join(resultsDir, `${stamp}.json`), JSON.stringify(report, null, 2));
fs.writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2));
console.log(`\nresults → ${path.relative(root, path.join(resultsDir, `${stamp}.json`))} (load average at start ${report.machine.loadavg.map((x) => x.toFixed(1)).join(' ')})`);
process.exit(failed ? 1 : 0);
