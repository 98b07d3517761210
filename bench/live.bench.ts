/**
 * The live monitor's cost to the main thread (which also serves the window's IPC): the
 * main thread's event-loop delay (perf_hooks.monitorEventLoopDelay, max and p99) while N
 * live frames are scored one after another, as the Live screen sends them. Two ways, in the
 * same run on the same frames and models:
 * - in-process — the frames scored on the main thread (openCore({analysisInProcess: true}):
 *   the same JobHost/live-frame code on the calling thread; this is how every live frame ran
 *   before the live-monitor worker), the baseline;
 * - worker — the app's path: LiveService in main, frames scored in the live-monitor worker.
 * Input: a synthetic 640×480 JPEG (gradient + noise + a skin-toned ellipse; the detector may
 * find no face in it, which the detail says), and, when the dev media folder is beside the
 * checkout (../shared/datasets or $MEDIAGUARD_BENCH_DATA), a real face photo fitted into
 * 640×480, so the face classifiers run too. Models: the shipped models/ when they cover face
 * detection and face manipulation, tiny generated models otherwise (said in the detail).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { openCore } from '../src-main/core/core';
import { createLogger } from '../src-main/core/log/logger';
import { classifierGraph, detectorGraph, testManifest, writeModel } from '../tests/helpers/analysis-models';
import { signIn } from '../tests/helpers/core';
import type { BenchContext, Figure } from './types';

type Ctx = Pick<BenchContext, 'root' | 'cacheDir' | 'quick' | 'log'>;

const W = 640;
const H = 480;

/** The shipped models when they cover both live tasks, else tiny generated ones. */
function models(ctx: Ctx): { modelsDir: string | null; bundled: boolean; used: string } {
  const dir = path.join(ctx.root, 'models');
  const tasks = new Map<string, string>();
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith('.json')) : []) {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { id: string; task: string; sha256?: unknown; file?: string };
      if (typeof m.sha256 === 'string' && fs.existsSync(path.join(dir, m.file ?? f.replace(/\.json$/, '.onnx')))) tasks.set(m.task, m.id);
    } catch {
      /* not a manifest */
    }
  }
  if (tasks.has('face-detection') && tasks.has('face-manipulation')) {
    return { modelsDir: null, bundled: true, used: `shipped models/: ${tasks.get('face-detection')} + ${tasks.get('face-manipulation')}` };
  }
  const tiny = path.join(ctx.cacheDir, 'live-bench-models');
  fs.rmSync(tiny, { recursive: true, force: true });
  writeModel(tiny, detectorGraph(), testManifest('tiny-detector', 'face-detection'));
  writeModel(tiny, classifierGraph(), testManifest('tiny-face', 'face-manipulation'));
  return { modelsDir: tiny, bundled: false, used: 'TINY generated test models (models/ does not cover face detection + face manipulation)' };
}

/** A synthetic 640×480 JPEG: gradient, deterministic noise and a skin-toned ellipse. */
async function syntheticFrame(): Promise<Buffer> {
  const data = Buffer.alloc(W * H * 3);
  let seed = 12345;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = (seed % 31) - 15;
      const inFace = ((x - 320) / 90) ** 2 + ((y - 220) / 120) ** 2 <= 1;
      const [r, g, b] = inFace ? [224, 172, 140] : [60 + (x * 120) / W, 80 + (y * 100) / H, 110];
      const i = (y * W + x) * 3;
      data[i] = Math.max(0, Math.min(255, r + n));
      data[i + 1] = Math.max(0, Math.min(255, g + n));
      data[i + 2] = Math.max(0, Math.min(255, b + n));
    }
  }
  return sharp(data, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

/** A real face photo from the dev media folder (MANIFEST.tsv, label real), fitted into 640×480; null without it. */
async function faceFrame(ctx: Ctx): Promise<{ jpeg: Buffer; from: string } | null> {
  const i = process.argv.indexOf('--data');
  const dir = path.resolve(i >= 0 ? process.argv[i + 1]! : (process.env.MEDIAGUARD_BENCH_DATA ?? path.join(ctx.root, '..', 'shared', 'datasets')));
  const manifest = path.join(dir, 'MANIFEST.tsv');
  if (!fs.existsSync(manifest)) return null;
  const rel = fs
    .readFileSync(manifest, 'utf8')
    .split('\n')
    .slice(1)
    .map((r) => r.split('\t'))
    .filter(([p, label]) => p && label === 'real' && /\.(jpe?g|png)$/i.test(p))
    .map(([p]) => p!)
    .sort()
    .find((p) => fs.existsSync(path.join(dir, p)));
  if (!rel) return null;
  const jpeg = await sharp(path.join(dir, rel)).resize(W, H, { fit: 'contain', background: { r: 0, g: 0, b: 0 } }).removeAlpha().jpeg({ quality: 85 }).toBuffer();
  return { jpeg, from: rel };
}

interface Run {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  fps: number;
  medianFrameMs: number;
  faces: number;
}

/** Score n frames one after another in a fresh core, watching the main thread's event loop. */
async function measure(ctx: Ctx, inProcess: boolean, m: ReturnType<typeof models>, jpegBase64: string, n: number): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-live-'));
  const core = await openCore({ dataDir, appVersion: '0.0.0-bench', log: createLogger('bench', { level: 'error', sink: () => undefined }), bcryptCost: 4, compactEveryMs: null, modelsDir: m.modelsDir, bundledModels: m.bundled, analysisInProcess: inProcess });
  try {
    const s = await signIn(core, 'user', 'bench-live');
    const owner = { userId: s.userId, username: s.username, role: s.role };
    const { liveId } = await core.analysis.live.start(owner, 'bench'); // models loaded here, not measured
    for (let i = 0; i < 3; i++) await core.analysis.live.frame(liveId, owner, i / 10, jpegBase64); // warm-up
    const h = monitorEventLoopDelay({ resolution: 1 });
    const frameMs: number[] = [];
    let faces = 0;
    h.enable();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const f = await core.analysis.live.frame(liveId, owner, 1 + i / 10, jpegBase64);
      frameMs.push(f.elapsedMs);
      faces = f.faces.length;
    }
    const wall = performance.now() - t0;
    h.disable();
    await core.analysis.live.stop(liveId, owner);
    frameMs.sort((a, b) => a - b);
    return { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, meanMs: h.mean / 1e6, fps: (n * 1000) / wall, medianFrameMs: frameMs[Math.floor(n / 2)]!, faces };
  } finally {
    await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export default {
  name: 'live',
  description: 'main-thread event-loop delay while live frames are scored: in-process (old) vs live-monitor worker',
  async run(ctx: Ctx): Promise<Figure[]> {
    const n = ctx.quick ? 15 : 40;
    const m = models(ctx);
    ctx.log(`models: ${m.used}`);
    const inputs: { name: string; jpeg: Buffer; what: string }[] = [{ name: 'synthetic', jpeg: await syntheticFrame(), what: `synthetic ${W}×${H} JPEG` }];
    const face = await faceFrame(ctx);
    if (face) inputs.push({ name: 'face photo', jpeg: face.jpeg, what: `${face.from} fitted into ${W}×${H}` });
    else ctx.log('no dev media folder: synthetic frame only (the face classifiers may not run on it)');
    const figures: Figure[] = [];
    for (const input of inputs) {
      const b64 = input.jpeg.toString('base64');
      const runs: Record<'in-process' | 'worker', Run> = {} as never;
      for (const mode of ['in-process', 'worker'] as const) {
        ctx.log(`${input.name}: ${n} frames, ${mode}`);
        runs[mode] = await measure(ctx, mode === 'in-process', m, b64, n);
      }
      const detail = (r: Run) => `${n} frames, ${input.what}, ${r.faces} face(s) found; ${m.used}; p99 ${r.p99Ms.toFixed(1)} ms, mean ${r.meanMs.toFixed(1)} ms; ${r.fps.toFixed(1)} frames/s, median frame ${r.medianFrameMs} ms`;
      const base = `live ${input.name}: main event-loop delay max, in-process (old)`;
      figures.push(
        { figure: base, value: runs['in-process'].maxMs, unit: 'ms', detail: detail(runs['in-process']) },
        { figure: `live ${input.name}: main event-loop delay p99, in-process (old)`, value: runs['in-process'].p99Ms, unit: 'ms' },
        { figure: `live ${input.name}: main event-loop delay max, worker`, value: runs.worker.maxMs, unit: 'ms', detail: detail(runs.worker), compareTo: base },
        { figure: `live ${input.name}: main event-loop delay p99, worker`, value: runs.worker.p99Ms, unit: 'ms', compareTo: `live ${input.name}: main event-loop delay p99, in-process (old)` },
        { figure: `live ${input.name}: frames/s, in-process (old)`, value: runs['in-process'].fps, unit: 'fps' },
        { figure: `live ${input.name}: frames/s, worker`, value: runs.worker.fps, unit: 'fps', compareTo: `live ${input.name}: frames/s, in-process (old)` },
      );
    }
    return figures;
  },
};
