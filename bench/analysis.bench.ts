/**
 * The analysis engine end to end (the app's path: openCore, worker thread, stored record)
 * next to baselines measured in the same run: `ffmpeg -i clip -f null -` for videos, sharp's
 * decode for the 12 MP photo, and decode-the-sampled-frames + a bare ONNX loop for overhead.
 * Also: clip-length and queue-length scaling, peak RSS, RSS drift over 50 analyses, and the
 * reference pipeline (YuNet + MesoNet from ../shared/reference-models) when it is present.
 * Models: the project's models/ for every task they cover, tiny generated models otherwise
 * (printed). `--long` adds a 10-minute clip (`--long-secs N` to change its length; 60 s with
 * --quick).
 *
 * Video input: when the dev media folder is there (`--data <dir>`, else $MEDIAGUARD_BENCH_DATA,
 * else ../shared/datasets; read through its MANIFEST.tsv), the clips are a real FF++ original
 * video with a face, looped to length and scaled to 720p, so face detection and the face
 * classifiers run as they would on real footage. Without it they fall back to a synthetic
 * clip with no face (said in the output). Clips are cached in bench/results/.cache.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openCore, type Core } from '../src-main/core/core';
import { createLogger } from '../src-main/core/log/logger';
import { extractFrames, probe, resolveTools } from '../src-main/core/media';
import { samplingFor } from '../src-main/core/analysis/analyze-file';
import { detectCopyMove } from '../src-main/core/analysis/copy-move';
import { decodeHeif } from '../src-main/core/media/heif';
import { jpegHistoryOfFile } from '../src-main/core/media/jpeg-history';
import { jpegForensicsOfFile } from '../src-main/core/media/jpeg-splice';
import { jpegGridOfBuffer } from '../src-main/core/media/jpeg-grid';
import { floatTensor } from '../src-main/core/analysis/ort-session';
import { DEFAULT_SETTINGS } from '../src-shared/domain/settings';
import type { Detection } from '../src-shared/domain/detection';
import { classifierGraph, detectorGraph, testManifest, writeModel } from '../tests/helpers/analysis-models';
import { texture } from '../tests/helpers/textures';
import { signIn } from '../tests/helpers/core';
import type { BenchContext, Figure } from './types';

type Ctx = Pick<BenchContext, 'root' | 'cacheDir' | 'quick' | 'runs' | 'log' | 'time'>;

const REFERENCE = path.resolve(__dirname, '..', '..', 'shared', 'reference-models');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (b: number) => Math.round(b / 1024 ** 2);

/** Tiny models for the tasks models/ does not cover yet; returns the folder and what was used. */
function modelSetup(ctx: Ctx): { extraDir: string; used: string } {
  const tasks = new Map<string, string>();
  const dir = path.join(ctx.root, 'models');
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith('.json')) : []) {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { id: string; task: string; sha256?: unknown };
      // A manifest the registry would skip (no hash yet) does not count as covering its task.
      if (m.task && typeof m.sha256 === 'string' && fs.existsSync(path.join(dir, f.replace(/\.json$/, '.onnx')))) tasks.set(m.task, m.id);
    } catch {
      /* not a manifest */
    }
  }
  const extraDir = path.join(ctx.cacheDir, 'bench-models');
  fs.rmSync(extraDir, { recursive: true, force: true });
  const parts: string[] = [];
  if (tasks.has('face-detection')) parts.push(`detector ${tasks.get('face-detection')} (models/)`);
  else {
    writeModel(extraDir, detectorGraph(), testManifest('tiny-detector', 'face-detection'));
    parts.push('detector tiny-detector (generated)');
  }
  if (tasks.has('face-manipulation')) parts.push(`face classifier ${tasks.get('face-manipulation')} (models/)`);
  else {
    writeModel(extraDir, classifierGraph(), testManifest('tiny-face', 'face-manipulation'));
    parts.push('face classifier tiny-face (generated, 32×32, heatmap output)');
  }
  if (tasks.has('generated-image')) parts.push(`image model ${tasks.get('generated-image')} (models/)`);
  else {
    writeModel(extraDir, classifierGraph([0, 8, 0], -4, false), testManifest('tiny-image', 'generated-image', { outputs: { logit: { name: 'logit' } } }));
    parts.push('image model tiny-image (generated)');
  }
  fs.mkdirSync(extraDir, { recursive: true });
  return { extraDir, used: parts.join('; ') };
}

/** `--name value` from the bench command line. */
function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The dev media folder (with MANIFEST.tsv) the face clips are made from, or null. */
function dataDir(ctx: Ctx): { dir: string | null; tried: string } {
  const dir = path.resolve(argValue('--data') ?? process.env.MEDIAGUARD_BENCH_DATA ?? path.join(ctx.root, '..', 'shared', 'datasets'));
  return { dir: fs.existsSync(path.join(dir, 'MANIFEST.tsv')) ? dir : null, tried: dir };
}

/**
 * The source of the face clips: the first real (original, unmanipulated) FF++ video listed in
 * MANIFEST.tsv, by path; null when the manifest lists none or the file is missing.
 */
function faceSource(dir: string): string | null {
  const rows = fs.readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  const videos = rows
    .map((r) => r.split('\t'))
    .filter(([rel, label]) => rel && label === 'real' && /^ffpp_[^/]*\/videos\/real\/.*\.mp4$/.test(rel))
    .map(([rel]) => rel!)
    .sort((a, b) => Number(!a.includes('/youtube/')) - Number(!b.includes('/youtube/')) || a.localeCompare(b));
  const found = videos.map((rel) => path.join(dir, rel)).find((f) => fs.existsSync(f));
  return found ?? null;
}

/** What the clips are made of, decided once per run. */
interface VideoInput {
  /** Source video with faces (looped), or null for the synthetic clip. */
  source: string | null;
  describe: string;
}

function videoInput(ctx: Ctx): VideoInput {
  const d = dataDir(ctx);
  const src = d.dir ? faceSource(d.dir) : null;
  if (src) {
    return { source: src, describe: `real video with a face: ${path.relative(d.dir!, src)} from ${d.dir} (looped to length, scaled and padded to 1280×720, H.264 veryfast CRF 23)` };
  }
  return {
    source: null,
    describe: `SYNTHETIC clip (testsrc2 + noise, no human face: a real detector finds none and the face classifiers idle on it) — ${d.dir ? `${d.dir}/MANIFEST.tsv lists no FF++ original video` : `no dataset at ${d.tried} (give --data <dir> or MEDIAGUARD_BENCH_DATA)`}`,
  };
}

function clip(ctx: Ctx, ffmpeg: string, secs: number, input: VideoInput, w = 1280, h = 720): string {
  if (input.source) {
    const file = path.join(ctx.cacheDir, `faces-${path.basename(input.source, path.extname(input.source))}-${w}x${h}-${secs}s.mp4`);
    if (!fs.existsSync(file)) {
      ctx.log(`generating ${path.basename(file)} from ${path.basename(input.source)}`);
      // Decoded from the start and looped (the FF++ files do not seek cleanly); re-encoded with
      // a keyframe every 2 s, so the clip seeks like ordinary footage.
      execFileSync(ffmpeg, ['-v', 'error', '-y', '-stream_loop', '-1', '-i', `file:${input.source}`, '-t', String(secs), '-vf', `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1`, '-r', '30', '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '60', '-pix_fmt', 'yuv420p', `${file}.tmp.mp4`]);
      fs.renameSync(`${file}.tmp.mp4`, file);
    }
    return file;
  }
  const file = path.join(ctx.cacheDir, `analysis-${w}x${h}-${secs}s.mp4`);
  if (!fs.existsSync(file)) {
    ctx.log(`generating ${path.basename(file)}`);
    // testsrc2 plus moving noise: a realistic bit rate, so decoding is not trivially cheap.
    execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=30:duration=${secs}`, '-vf', 'noise=alls=12:allf=t', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '60', '-pix_fmt', 'yuv420p', `${file}.tmp.mp4`]);
    fs.renameSync(`${file}.tmp.mp4`, file);
  }
  return file;
}

async function photo12mp(ctx: Ctx): Promise<string> {
  const file = path.join(ctx.cacheDir, 'photo-4000x3000.jpg');
  if (!fs.existsSync(file)) {
    ctx.log('generating photo-4000x3000.jpg');
    const w = 4000;
    const h = 3000;
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([(x * 255) / w, (y * 255) / h, ((x ^ y) & 0xff) * 0.6], (y * w + x) * 3);
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
  }
  return file;
}

/** A core on a fresh data dir, with the worker thread as in the app. */
async function benchCore(ctx: Ctx, modelsDir: string, bundled: boolean): Promise<{ core: Core; session: Awaited<ReturnType<typeof signIn>>; close: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-'));
  const core = await openCore({ dataDir, appVersion: '0.0.0-bench', log: createLogger('bench', { level: 'error', sink: () => undefined }), bcryptCost: 4, compactEveryMs: null, modelsDir, bundledModels: bundled });
  const session = await signIn(core, 'user', 'bench');
  return {
    core,
    session,
    close: async () => {
      await core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function analyse(core: Core, session: { userId: string; username: string; role: 'user' | 'investigator' | 'admin' }, files: string[]): Promise<Detection[]> {
  const jobs = await core.analysis.engine.enqueue(files, { userId: session.userId, username: session.username, role: session.role }, { store: true, senderId: null });
  const out: Detection[] = [];
  for (const j of jobs) {
    const o = await core.analysis.engine.wait(j.jobId);
    if (o.job.state !== 'done' || !o.detection) throw new Error(`${j.fileName}: ${o.job.state} ${o.job.error?.code}: ${o.job.error?.message}`);
    out.push(o.detection);
  }
  return out;
}

/** Sample RSS every 25 ms while fn runs (the worker is a thread of this process; ffmpeg children are not counted). */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
  try {
    return { result: await fn(), peak };
  } finally {
    clearInterval(t);
  }
}

const stages = (d: Detection) =>
  Object.entries(d.timingsMs)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');

export default {
  name: 'analysis',
  description: 'engine end to end vs decoding; overhead; image; scaling; memory; reference pipeline',
  async run(ctx: Ctx): Promise<Figure[]> {
    const long = process.argv.includes('--long');
    const tools = await resolveTools({ env: process.env });
    const ffmpeg = tools.ffmpeg.path;
    const { extraDir, used } = modelSetup(ctx);
    ctx.log(`models: ${used}`);
    const input = videoInput(ctx);
    ctx.log(`video input: ${input.describe}; face counts are printed per figure`);
    const figures: Figure[] = [];
    figures.push({ figure: 'video input', value: input.source ? 'faces' : 'synthetic', unit: '', detail: input.describe });
    const b = await benchCore(ctx, extraDir, true);
    try {
      const secs = ctx.quick ? 10 : 60;
      const video = clip(ctx, ffmpeg, secs, input);
      // Warm: first model load and worker start are measured under start-up, not here. A frame
      // of the clip (with its face) makes every model, the face classifiers too, run once.
      const warm = input.source ? warmFrame(ctx, ffmpeg, video) : await photoFace(ctx);
      await analyse(b.core, b.session, [warm]);

      const decode = await ctx.time(() => execFileSync(ffmpeg, ['-v', 'error', '-i', `file:${video}`, '-f', 'null', '-']));
      const run = await peakRss(() => ctx.time(() => analyse(b.core, b.session, [video])));
      const wall = run.result.medianMs;
      const det = run.result.result[0]!;
      figures.push({ figure: `ffmpeg -f null decode, ${secs} s 720p H.264 (baseline)`, value: decode.medianMs, unit: 'ms', detail: `${s(decode.medianMs)}; ${((fs.statSync(video).size * 8) / secs / 1e6).toFixed(2)} Mbit/s` });
      figures.push({ figure: `analysis of the same clip (default settings)`, value: wall, unit: 'ms', detail: `${(wall / decode.medianMs).toFixed(2)}× the decode (aim ≤ 1.0); ${det.frames.length} frames sampled (${det.sampling?.method ?? '?'}), ${det.faceTracks.length} face track(s); stages ms: ${stages(det)}`, compareTo: `ffmpeg -f null decode, ${secs} s 720p H.264 (baseline)` });
      figures.push({ figure: 'analysis ÷ decode', value: wall / decode.medianMs, unit: '×' });
      figures.push({ figure: 'real-time factor (clip seconds per wall second)', value: (secs * 1000) / wall, unit: '×' });
      figures.push({ figure: 'peak RSS during the video analysis', value: mb(run.peak), unit: 'MB', detail: 'main + worker thread; ffmpeg children not included' });

      // Overhead: decode just the sampled frames + the same models on them in a bare loop.
      const info = await probe(video, tools);
      const strategy = samplingFor({}, DEFAULT_SETTINGS);
      const frames = await ctx.time(() => extractFrames(video, info, tools, { strategy, maxSide: 1920 }));
      const loaded = await Promise.all(det.models.map((m) => b.core.analysis.registry.get(m.id)));
      // The same runs the analysis made, shape for shape: the detector once per sampled frame,
      // each face classifier once per frame with faces (all of that frame's faces in one batch
      // when the model takes batches, as classify() does), the whole-image models on every
      // imageEvery-th frame (pipeline default: 8 frames spread evenly). Evidence heatmaps
      // (occlusion) are engine work above this floor.
      const sampled = det.frames.length;
      const imageEvery = Math.max(1, Math.ceil(sampled / 8));
      const faceCounts = det.frames.map((f) => f.faceCount).filter((k) => k > 0);
      const bareRuns = new Map<string, number>();
      const bare = await ctx.time(async () => {
        for (const m of loaded) {
          const dims = m.ort.inputShapes[m.manifest.input.name] ?? m.manifest.input.shape;
          const batchable = typeof dims[0] !== 'number' || dims[0] < 0;
          const shape = m.manifest.input.shape.map((x) => (typeof x === 'number' && x > 0 ? x : 1));
          const per = shape.slice(1).reduce((a, x) => a * x, 1);
          const batches: number[] =
            m.manifest.task === 'face-detection'
              ? Array.from({ length: sampled }, () => 1)
              : m.manifest.task === 'generated-image'
                ? Array.from({ length: Math.ceil(sampled / imageEvery) }, () => 1)
                : faceCounts.flatMap((k) => (batchable ? Array.from({ length: Math.ceil(k / 16) }, (_, i) => Math.min(16, k - i * 16)) : Array.from({ length: k }, () => 1)));
          bareRuns.set(m.manifest.id, batches.length);
          for (const n of batches) await m.ort.session.run({ [m.manifest.input.name]: floatTensor(new Float32Array(n * per).fill(0.5), [n, ...shape.slice(1)]) });
        }
      });
      const floor = frames.medianMs + bare.medianMs;
      figures.push({ figure: 'decode sampled frames + bare model loop (floor)', value: floor, unit: 'ms', detail: `frames ${Math.round(frames.medianMs)} + models ${Math.round(bare.medianMs)} (${loaded.map((m) => `${m.manifest.id} ×${bareRuns.get(m.manifest.id) ?? 0}`).join(', ')} runs; ${faceCounts.reduce((a, k) => a + k, 0)} faces in ${faceCounts.length} of ${sampled} frames)` });
      figures.push({ figure: 'overhead: analysis ÷ floor', value: wall / floor, unit: '×', detail: 'aim ≤ 1.3; the rest is probe, hashing, metadata, crops, evidence images, store', compareTo: 'decode sampled frames + bare model loop (floor)' });

      // 12 MP photo, heatmaps included, next to sharp's decode.
      const photo = await photoFace(ctx, true);
      const sharpDecode = await ctx.time(() => sharp(photo).raw().toBuffer());
      const img = await ctx.time(() => analyse(b.core, b.session, [photo]));
      const pd = img.result[0]!;
      figures.push({ figure: "sharp decode of a 12 MP JPEG (baseline)", value: sharpDecode.medianMs, unit: 'ms' });
      figures.push({ figure: '12 MP JPEG end to end', value: img.medianMs, unit: 'ms', detail: `${(img.medianMs / sharpDecode.medianMs).toFixed(1)}× the decode; ${pd.faceTracks.length} face(s), ${pd.artifacts.filter((a) => a.key.startsWith('heatmap')).length} heatmap(s), ${pd.artifacts.length} artifacts; stages ms: ${stages(pd)}`, compareTo: "sharp decode of a 12 MP JPEG (baseline)" });
      // The copy-move check alone on the decoded photo (it shrinks the luma to 768 px first), next to the same decode.
      const decoded = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const still = { width: decoded.info.width, height: decoded.info.height, data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength) };
      const cm = await ctx.time(() => detectCopyMove(still));
      figures.push({ figure: 'copy-move check of a 12 MP picture', value: cm.medianMs, unit: 'ms', detail: `${(cm.medianMs / sharpDecode.medianMs).toFixed(1)}× the decode; analysed at ${cm.result.analysed.width}×${cm.result.analysed.height}, ${cm.result.regions.length} region pair(s) found`, compareTo: "sharp decode of a 12 MP JPEG (baseline)" });
      // The JPEG compression history (part of the metadata stage): its own entropy decode of the first
      // 65,536 luma blocks and the double-quantisation fit, next to libvips' decode of the whole photo.
      const hist = await ctx.time(() => jpegHistoryOfFile(photo));
      const h = hist.result.ok ? hist.result.history : null;
      figures.push({ figure: 'JPEG compression history of a 12 MP picture', value: hist.medianMs, unit: 'ms', detail: `${(hist.medianMs / sharpDecode.medianMs).toFixed(1)}× the decode; ${hist.result.ok ? (h ? `${h.finding}, ${h.votes} of ${h.fits.length} frequencies, ${h.blocks} blocks` : 'too few coefficients') : hist.result.reason}`, compareTo: "sharp decode of a 12 MP JPEG (baseline)" });

      // The shifted-grid map (part of the same JPEG coefficient stage, on every JPEG): the entropy decode of
      // the whole photo, its luma pixels, and the lattice test at 64 grid shifts × 21 steps.
      const photoBuf = fs.readFileSync(photo);
      const gm = await ctx.time(() => jpegGridOfBuffer(photoBuf));
      const g = gm.result.ok ? gm.result.grid : null;
      figures.push({ figure: 'shifted-grid map of a 12 MP picture', value: gm.medianMs, unit: 'ms', detail: `${(gm.medianMs / sharpDecode.medianMs).toFixed(1)}× the decode; ${gm.result.ok ? (g ? `${g.blocksWide}×${g.blocksHigh} blocks, ${g.regions.length} region(s)${g.pictureGrid ? ', whole-picture grid named' : ''}` : 'too small') : gm.result.reason}`, compareTo: "sharp decode of a 12 MP JPEG (baseline)" });

      // A textured 12 MP picture (the test texture tiled 4 × 4) saved at quality 60 and again at 90
      // with a 600-px square of another texture pasted in between: the history finds the earlier save,
      // so the decoder reads the whole picture (187,500 blocks) and the splice map runs.
      const twicePath = path.join(ctx.cacheDir, 'texture-4000x3000-spliced.jpg');
      if (!fs.existsSync(twicePath)) {
        const tile = texture(1000, 750, 3);
        const donor = texture(600, 600, 4);
        const big = Buffer.alloc(4000 * 3000 * 3);
        for (let y = 0; y < 3000; y++) for (let k = 0; k < 4; k++) big.set(tile.data.subarray((y % 750) * 3000, (y % 750) * 3000 + 3000), (y * 4000 + k * 1000) * 3);
        const raw = { raw: { width: 4000, height: 3000, channels: 3 as const } };
        const first = await sharp(await sharp(big, raw).jpeg({ quality: 60 }).toBuffer()).raw().toBuffer();
        for (let y = 0; y < 600; y++) first.set(donor.data.subarray(y * 1800, (y + 1) * 1800), ((1203 + y) * 4000 + 1701) * 3);
        await sharp(first, raw).jpeg({ quality: 90 }).toFile(twicePath);
      }
      const spl = await ctx.time(() => jpegForensicsOfFile(twicePath));
      const sr = spl.result;
      figures.push({
        figure: 'JPEG history + splice map + shifted-grid map of a 12 MP twice-saved picture (600-px paste)',
        value: spl.medianMs,
        unit: 'ms',
        detail: `${(spl.medianMs / sharpDecode.medianMs).toFixed(1)}× the decode; ${sr.ok ? `history ${sr.history?.finding ?? 'not judged'}, ${sr.splice ? `map of ${sr.splice.blocksWide}×${sr.splice.blocksHigh} blocks, ${sr.splice.regions.length} region(s)` : 'no map'}` : sr.reason}`,
        compareTo: "sharp decode of a 12 MP JPEG (baseline)",
      });

      // The same 12 MP photo as an iPhone-style HEIC (heif-enc q50): libheif's WebAssembly decode next
      // to sharp's JPEG decode, and the whole analysis next to the JPEG's.
      const heicPath = path.join(ctx.cacheDir, `photo-12mp${ctx.quick ? '-q' : ''}.heic`);
      const heifEnc = (args: string[]) => execFileSync(process.env.MEDIAGUARD_HEIF_ENC || 'heif-enc', args, { stdio: 'ignore' });
      let heicReady = fs.existsSync(heicPath);
      if (!heicReady) {
        try {
          heifEnc(['-q', '50', photo, '-o', heicPath]);
          heicReady = true;
        } catch {
          ctx.log('heif-enc not found (Debian: libheif-examples): the HEIC figures are left out');
        }
      }
      if (heicReady) {
        const heicBytes = fs.readFileSync(heicPath);
        const rssBefore = process.memoryUsage.rss();
        const hd = await ctx.time(async () => decodeHeif(heicBytes, 'photo.heic', DEFAULT_SETTINGS.limits.maxImagePixels));
        const rssAfter = process.memoryUsage.rss();
        figures.push({
          figure: 'HEIC decode of the 12 MP photo (libheif, WebAssembly)',
          value: hd.medianMs,
          unit: 'ms',
          detail: `${(hd.medianMs / sharpDecode.medianMs).toFixed(1)}× sharp's JPEG decode; ${hd.result.width}×${hd.result.height}, file ${(heicBytes.length / 1e6).toFixed(1)} MB; RSS +${mb(Math.max(0, rssAfter - rssBefore))} MB over the runs`,
          compareTo: "sharp decode of a 12 MP JPEG (baseline)",
        });
        const hi = await ctx.time(() => analyse(b.core, b.session, [heicPath]));
        const hp = hi.result[0]!;
        figures.push({ figure: '12 MP HEIC end to end', value: hi.medianMs, unit: 'ms', detail: `${(hi.medianMs / img.medianMs).toFixed(2)}× the JPEG; ${hp.faceTracks.length} face(s); stages ms: ${stages(hp)}`, compareTo: '12 MP JPEG end to end' });
        // As iPhones write it: with a thumbnail item beside the picture, which the metadata stage
        // compares with the whole decoded picture.
        const thumbPath = path.join(ctx.cacheDir, `photo-12mp-thumb${ctx.quick ? '-q' : ''}.heic`);
        if (!fs.existsSync(thumbPath)) heifEnc(['-q', '50', '-t', '320', photo, '-o', thumbPath]);
        const ht = await ctx.time(() => analyse(b.core, b.session, [thumbPath]));
        const htp = ht.result[0]!;
        figures.push({ figure: '12 MP HEIC with a thumbnail item end to end', value: ht.medianMs, unit: 'ms', detail: `${(ht.medianMs / hi.medianMs).toFixed(2)}× the HEIC without; thumbnail ${htp.metadata?.thumbnailDiffers === false ? 'compared: same picture' : `not compared (${String(htp.metadata?.thumbnailDiffers)})`}; stages ms: ${stages(htp)}`, compareTo: '12 MP HEIC end to end' });
      }

      // Scaling with clip length.
      const longSecs = Number(argValue('--long-secs') ?? (ctx.quick ? 60 : 600));
      if (long && !(Number.isInteger(longSecs) && longSecs > 0)) throw new Error(`--long-secs must be a whole number of seconds, not ${argValue('--long-secs')}`);
      for (const len of [...new Set([10, ...(ctx.quick ? [] : [60]), ...(long ? [longSecs] : [])])]) {
        const v = clip(ctx, ffmpeg, len, input);
        const dec = await ctx.time(() => execFileSync(ffmpeg, ['-v', 'error', '-i', `file:${v}`, '-f', 'null', '-']), { runs: 1 });
        const r = await peakRss(() => ctx.time(() => analyse(b.core, b.session, [v]), { runs: 1 }));
        const rd = r.result.result[0]!;
        figures.push({ figure: `scaling: ${len} s clip`, value: r.result.medianMs, unit: 'ms', detail: `decode ${Math.round(dec.medianMs)} ms; ratio ${(r.result.medianMs / dec.medianMs).toFixed(2)}; ${rd.frames.length} frames, ${rd.faceTracks.length} face track(s); peak RSS ${mb(r.peak)} MB` });
      }
      // Scaling with queue length (small pictures).
      const small = await smallPictures(ctx, ctx.quick ? 20 : 100);
      for (const n of [1, 10, ctx.quick ? 20 : 100]) {
        const r = await peakRss(() => ctx.time(() => analyse(b.core, b.session, small.slice(0, n)), { runs: 1 }));
        figures.push({ figure: `scaling: ${n} files queued`, value: r.result.medianMs, unit: 'ms', detail: `${Math.round(r.result.medianMs / n)} ms per file; peak RSS ${mb(r.peak)} MB` });
      }
      // Leak check: RSS after 50 analyses in a row vs after the first.
      if (global.gc) global.gc();
      await analyse(b.core, b.session, [small[0]!]);
      const rss1 = process.memoryUsage.rss();
      for (let i = 1; i < 50; i++) await analyse(b.core, b.session, [small[i % small.length]!]);
      if (global.gc) global.gc();
      const rss50 = process.memoryUsage.rss();
      figures.push({ figure: 'RSS after 1 analysis', value: mb(rss1), unit: 'MB' });
      figures.push({ figure: 'RSS after 50 analyses', value: mb(rss50), unit: 'MB', detail: `${mb(rss50 - rss1) >= 0 ? '+' : ''}${mb(rss50 - rss1)} MB (${global.gc ? 'after gc' : 'no --expose-gc'})`, compareTo: 'RSS after 1 analysis' });
    } finally {
      await b.close();
    }

    // The reference pipeline on the same files, side by side.
    if (fs.existsSync(path.join(REFERENCE, 'SHA256SUMS'))) {
      const r = await benchCore(ctx, REFERENCE, false);
      try {
        const secs = ctx.quick ? 10 : 60;
        const video = clip(ctx, tools.ffmpeg.path, secs, input);
        await analyse(r.core, r.session, [input.source ? warmFrame(ctx, tools.ffmpeg.path, video) : await photoFace(ctx)]);
        const v = await ctx.time(() => analyse(r.core, r.session, [video]));
        const big = await photoFace(ctx, true);
        const p = await ctx.time(() => analyse(r.core, r.session, [big]));
        const ids = v.result[0]!.models.map((m) => m.id).join(', ');
        figures.push({ figure: `reference pipeline: ${secs} s 720p clip`, value: v.medianMs, unit: 'ms', detail: `${ids}; ${v.result[0]!.faceTracks.length} face track(s); stages ms: ${stages(v.result[0]!)}`, compareTo: 'analysis of the same clip (default settings)' });
        figures.push({ figure: 'reference pipeline: 12 MP JPEG', value: p.medianMs, unit: 'ms', detail: `stages ms: ${stages(p.result[0]!)}`, compareTo: '12 MP JPEG end to end' });
      } finally {
        await r.close();
      }
    } else ctx.log('../shared/reference-models not present: no reference pipeline figures');
    return figures;
  },
};

/** A picture with a plain drawn "face" region (the tiny detector's bright box; real detectors may find none). */
async function photoFace(ctx: Ctx, big = false): Promise<string> {
  if (big) return photo12mp(ctx);
  const file = path.join(ctx.cacheDir, 'warm-320.png');
  if (!fs.existsSync(file)) await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 90, b: 90 } } }).png().toFile(file);
  return file;
}

/** One frame of a clip as PNG (cached beside it): the warm-up input when the clip has faces. */
function warmFrame(ctx: Ctx, ffmpeg: string, video: string): string {
  const file = path.join(ctx.cacheDir, `${path.basename(video, '.mp4')}-warm.png`);
  if (!fs.existsSync(file)) {
    execFileSync(ffmpeg, ['-v', 'error', '-y', '-ss', '1', '-i', `file:${video}`, '-frames:v', '1', `${file}.tmp.png`]);
    fs.renameSync(`${file}.tmp.png`, file);
  }
  return file;
}

async function smallPictures(ctx: Ctx, n: number): Promise<string[]> {
  const dir = path.join(ctx.cacheDir, 'small-pictures');
  fs.mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = path.join(dir, `p${String(i).padStart(3, '0')}.jpg`);
    if (!fs.existsSync(f)) await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: (i * 37) % 255, g: 120, b: 160 } } }).jpeg().toFile(f);
    out.push(f);
  }
  return out;
}
