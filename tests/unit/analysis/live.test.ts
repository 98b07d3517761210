/**
 * The live monitor's frames run in a worker thread of their own (runner.ts, createLiveRunner):
 * same faces and probabilities as the in-process path, one frame in flight per session, a
 * worker crash or hang mid-frame costs that frame only (the session goes on and still stops
 * with its summary), model reloads apply, and a long file analysis does not hold live frames.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import type { JobOwner } from '../../../src-main/core/analysis/engine';
import type * as LiveFrameModule from '../../../src-main/core/analysis/live-frame';
import { LiveService } from '../../../src-main/core/analysis/live';
import { findWorkerScript, WorkerRunner } from '../../../src-main/core/analysis/runner';
import { createLogger } from '../../../src-main/core/log/logger';
import type { GraphSpec } from '../../helpers/onnx-builder';
import { classifierGraph, solidFrame, testManifest, writeModel, writeStandardModels } from '../../helpers/analysis-models';
import { signIn, tempDir, testCore } from '../../helpers/core';

// Counts the frames scored on THIS thread (the worker thread loads its own, unmocked copy).
const onMain = vi.hoisted(() => ({ frames: 0 }));
vi.mock('../../../src-main/core/analysis/live-frame', async (importOriginal) => {
  const mod = await importOriginal<typeof LiveFrameModule>();
  return {
    ...mod,
    scoreLiveFrame: (...a: Parameters<typeof mod.scoreLiveFrame>) => {
      onMain.frames++;
      return mod.scoreLiveFrame(...a);
    },
  };
});

const ANALYSIS_DIR = path.join(__dirname, '../../../src-main/core/analysis');
const log = createLogger('test', { level: 'error', sink: () => undefined });

async function jpeg(w: number, h: number, color: [number, number, number], bg: [number, number, number] = [120, 120, 120]): Promise<string> {
  const raw = Buffer.from(solidFrame(w, h, bg, { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color }));
  return (await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()).toString('base64');
}

/**
 * A whole-image model that holds its thread for seconds: chained 2048² MatMuls on a matrix
 * made from the input (so nothing is constant-folded), entries 1/2048 so values stay at
 * 1/2048 (no overflow, no denormals); the logit follows greenness as t-image's does.
 */
function slowGraph(k = 8, side = 2048): GraphSpec {
  const chain = Array.from({ length: k }, (_, i) => ({ op: 'MatMul', inputs: [`x${i}`, 'x0'], outputs: [`x${i + 1}`] }));
  return {
    nodes: [
      { op: 'ReduceMean', inputs: ['input'], outputs: ['m'], attrs: { axes: [0, 1, 2, 3], keepdims: 0 } },
      { op: 'Mul', inputs: ['m', 'zero'], outputs: ['mz'] },
      { op: 'Add', inputs: ['mz', 'c'], outputs: ['v'] },
      { op: 'Expand', inputs: ['v', 'square'], outputs: ['x0'] },
      ...chain,
      { op: 'ReduceMean', inputs: [`x${k}`], outputs: ['r'], attrs: { axes: [0, 1], keepdims: 0 } },
      { op: 'Mul', inputs: ['r', 'zero'], outputs: ['rz'] },
      { op: 'ReduceMean', inputs: ['input'], outputs: ['cm'], attrs: { axes: [2, 3], keepdims: 0 } },
      { op: 'MatMul', inputs: ['cm', 'w'], outputs: ['lw'] },
      { op: 'Add', inputs: ['lw', 'b'], outputs: ['l0'] },
      { op: 'Add', inputs: ['l0', 'rz'], outputs: ['logit'] },
    ],
    initializers: [
      { name: 'zero', dims: [], data: [0] },
      { name: 'c', dims: [], data: [1 / side] },
      { name: 'square', dims: [2], data: [side, side], int64: true },
      { name: 'w', dims: [3, 1], data: [0, 8, 0] },
      { name: 'b', dims: [1], data: [-4] },
    ],
    inputs: [{ name: 'input', shape: ['N', 3, 32, 32] }],
    outputs: [{ name: 'logit', shape: ['N', 1] }],
  };
}

type Frame = { faces: { box: unknown; probability: number | null }[]; probability: number | null; elapsedMs: number };
const withoutTiming = ({ elapsedMs: _, ...rest }: Frame) => rest;

describe('live frames: worker thread vs in-process', () => {
  let t: { dir: string; cleanup: () => void };
  const cores: Record<'worker' | 'inproc', { core: Core; cleanup: () => Promise<void>; owner: JobOwner }> = {} as never;
  const frames: Record<string, string> = {};
  let models: string;

  beforeAll(async () => {
    t = tempDir('mg-live-');
    models = path.join(t.dir, 'models');
    writeStandardModels(models);
    writeModel(models, slowGraph(), testManifest('t-slow', 'generated-image', { outputs: { logit: { name: 'logit' } } }));
    frames.red = await jpeg(160, 120, [230, 40, 40]);
    frames.blue = await jpeg(320, 240, [40, 40, 230]);
    frames.vga = await jpeg(640, 480, [200, 60, 90]);
    frames.tiny = await jpeg(60, 45, [230, 40, 40]);
    frames.dark = await jpeg(160, 120, [10, 10, 10], [5, 5, 5]);
    for (const mode of ['worker', 'inproc'] as const) {
      const c = await testCore({ analysisInProcess: mode === 'inproc', bundledModels: false, modelsDir: models });
      const s = await signIn(c.core, 'user', 'w-user');
      cores[mode] = { core: c.core, cleanup: c.cleanup, owner: { userId: s.userId, username: s.username, role: s.role } };
    }
  });
  afterAll(async () => {
    for (const c of Object.values(cores)) await c.cleanup();
    t.cleanup();
  });

  it('scores in the worker (not on the main thread) with the same faces, probabilities and summary as in-process', async () => {
    const results: Record<string, { frames: Frame[]; record: unknown }> = {};
    for (const mode of ['inproc', 'worker'] as const) {
      const { core, owner } = cores[mode];
      const before = onMain.frames;
      const { liveId } = await core.analysis.live.start(owner, 'webcam');
      const got: Frame[] = [];
      for (const [i, name] of ['red', 'red', 'blue', 'vga', 'tiny', 'dark', 'red'].entries()) got.push(await core.analysis.live.frame(liveId, owner, i * 0.2, frames[name]!));
      expect(onMain.frames - before, mode).toBe(mode === 'inproc' ? 7 : 0);
      const { detectionId } = await core.analysis.live.stop(liveId, owner);
      const rec = (await core.detections.get(detectionId!))!;
      results[mode] = { frames: got, record: { verdict: rec.verdict, faceTracks: rec.faceTracks, frames: rec.frames, models: rec.models, warnings: rec.warnings, kind: rec.kind, provider: rec.tools.executionProvider } };
    }
    const w = results.worker!;
    expect(w.frames.map(withoutTiming)).toEqual(results.inproc!.frames.map(withoutTiming));
    expect(w.record).toEqual(results.inproc!.record);
    // and the numbers are the meaningful ones
    expect(w.frames[0]!.probability).toBeGreaterThan(0.7); // red face: manipulated for t-face
    expect(w.frames[2]!.probability).toBeLessThan(0.3); // blue face
    expect(w.frames[3]!.faces).toHaveLength(1);
    expect(w.frames[4]).toMatchObject({ faces: [{ probability: null }], probability: null }); // under minFacePx
    expect(w.frames[5]).toMatchObject({ faces: [], probability: null }); // dark: no face
    expect(w.record).toMatchObject({ kind: 'video', frames: { length: 7 }, models: [{ id: 't-detector' }, { id: 't-face' }] });
  });

  it('a bad frame gets the same clear error from the worker as in-process, and the session goes on', async () => {
    const big = (await sharp({ create: { width: 5000, height: 4000, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toBuffer()).toString('base64');
    const errors: Record<string, unknown[]> = {};
    for (const mode of ['inproc', 'worker'] as const) {
      const { core, owner } = cores[mode];
      const { liveId } = await core.analysis.live.start(owner, 'webcam');
      const bad = [Buffer.from('not a jpeg').toString('base64'), frames.red!.slice(0, 400), big, 'AAAA'];
      errors[mode] = [];
      for (const b64 of bad) errors[mode].push(await core.analysis.live.frame(liveId, owner, 0, b64).then(() => 'accepted', (e: { code: string; message: string }) => ({ code: e.code, message: e.message })));
      expect((await core.analysis.live.frame(liveId, owner, 1, frames.red!)).faces).toHaveLength(1);
      await core.analysis.live.stop(liveId, owner);
    }
    expect(errors.worker).toEqual(errors.inproc);
    expect(errors.worker).toEqual(Array(4).fill({ code: 'UNSUPPORTED_MEDIA', message: expect.stringMatching(/^The frame could not be decoded: /) }));
    expect(JSON.stringify(errors.worker)).toMatch(/pixel limit/);
  });

  it('one frame in flight per session: a faster caller gets CONFLICT (worker)', async () => {
    const { core, owner } = cores.worker;
    const { liveId } = await core.analysis.live.start(owner, 'webcam');
    const first = core.analysis.live.frame(liveId, owner, 0, frames.vga!);
    await expect(core.analysis.live.frame(liveId, owner, 0.1, frames.vga!)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await first).faces).toHaveLength(1);
    // the flag is cleared once the frame is back
    expect((await core.analysis.live.frame(liveId, owner, 0.2, frames.vga!)).faces).toHaveLength(1);
    const { detectionId } = await core.analysis.live.stop(liveId, owner);
    expect((await core.detections.get(detectionId!))!.frames).toHaveLength(2);
  });

  it.each(['worker', 'inproc'] as const)('a model reload (after an import) applies to the next live frame (%s)', async (mode) => {
    const { core, owner } = cores[mode];
    const { liveId } = await core.analysis.live.start(owner, 'webcam');
    const before = await core.analysis.live.frame(liveId, owner, 0, frames.red!);
    expect(before.probability).toBeGreaterThan(0.9);
    // A second face model that calls blue faces manipulated: the red face's mean drops to ~0.5.
    const src = path.join(t.dir, `incoming-${mode}`);
    const m = writeModel(src, classifierGraph([-8, 0, 8]), testManifest('t-face-blue', 'face-manipulation'));
    await core.analysis.registry.import(m.json);
    core.analysis.reloadModels();
    const after = await core.analysis.live.frame(liveId, owner, 0.2, frames.red!);
    expect(after.probability).toBeGreaterThan(0.3);
    expect(after.probability).toBeLessThan(0.7);
    const { detectionId } = await core.analysis.live.stop(liveId, owner);
    // the summary names every model that scored a frame of the session
    expect((await core.detections.get(detectionId!))!.models.map((x) => x.id)).toEqual(['t-detector', 't-face', 't-face-blue']);
    fs.rmSync(path.join(core.dataDir, 'models'), { recursive: true, force: true });
    core.analysis.reloadModels();
  });

  it('a reload while a frame is being scored does not release the models under it (in-process)', async () => {
    const { core, owner } = cores.inproc;
    const { liveId } = await core.analysis.live.start(owner, 'webcam');
    const f = core.analysis.live.frame(liveId, owner, 0, frames.vga!); // decoding: the models are used next
    core.analysis.reloadModels();
    expect((await f).faces).toMatchObject([{ probability: expect.any(Number) }]);
    expect((await core.analysis.live.frame(liveId, owner, 0.2, frames.vga!)).faces).toHaveLength(1);
    await core.analysis.live.stop(liveId, owner);
  });

  it('a live frame is not queued behind a running file analysis (worker)', async () => {
    const { core, owner } = cores.worker;
    const image = path.join(t.dir, 'face.png');
    await sharp(Buffer.from(solidFrame(200, 150, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [40, 40, 230] })), { raw: { width: 200, height: 150, channels: 3 } })
      .png()
      .toFile(image);
    const { liveId } = await core.analysis.live.start(owner, 'webcam');
    await core.analysis.live.frame(liveId, owner, 0, frames.vga!); // models loaded
    let decoding!: () => void;
    const reachedFrames = new Promise<void>((r) => (decoding = r));
    // t-slow holds the file worker's thread for seconds (onnxruntime's run is synchronous on its thread)
    const [job] = await core.analysis.engine.enqueue([image], null, { store: false, senderId: null, options: { models: { imageModels: ['t-slow'] } }, onProgress: (p) => p.stage === 'frames' && decoding() });
    let jobDone = false;
    const outcome = core.analysis.engine.wait(job!.jobId).then((o) => ((jobDone = true), o));
    await reachedFrames;
    // Frames back to back for as long as the file analysis runs: one of them is sent while t-slow holds
    // the file worker, and on a shared thread it would wait for the rest of that run.
    const latencies: number[] = [];
    for (let i = 1; !jobDone; i++) {
      const t0 = performance.now();
      const f = await core.analysis.live.frame(liveId, owner, i * 0.1, frames.vga!);
      latencies.push(performance.now() - t0);
      expect(f.faces).toHaveLength(1);
    }
    const o = await outcome;
    expect(o.job.state).toBe('done');
    expect(o.output!.result.imageScores).toMatchObject([{ modelId: 't-slow' }]);
    const slowMs = o.output!.result.timingsMs['image-model']!;
    const worst = Math.max(...latencies);
    const detail = `t-slow ran ${Math.round(slowMs)} ms; ${latencies.length} live frames meanwhile, worst ${Math.round(worst)} ms`;
    expect(latencies.length, detail).toBeGreaterThanOrEqual(3);
    expect(worst, detail).toBeLessThan(slowMs / 2);
    await core.analysis.live.stop(liveId, owner);
  });
});

describe('live frames while the app closes (worker)', () => {
  it('a frame in flight when the core closes is answered CANCELLED, later calls too; nothing is logged as internal', async () => {
    const t = tempDir('mg-live-close-w-');
    const logged: string[] = [];
    writeStandardModels(path.join(t.dir, 'models'));
    const c = await testCore({ bundledModels: false, modelsDir: path.join(t.dir, 'models'), log: createLogger('test', { level: 'warn', sink: (line) => logged.push(line) }) });
    try {
      const s = await signIn(c.core, 'user', 'w-user');
      const owner = { userId: s.userId, username: s.username, role: s.role };
      const red = await jpeg(160, 120, [230, 40, 40]);
      const { liveId } = await c.core.analysis.live.start(owner, 'webcam');
      expect((await c.core.analysis.live.frame(liveId, owner, 0, red)).faces).toHaveLength(1);
      const inFlight = c.core.analysis.live.frame(liveId, owner, 0.2, red).then(
        () => 'ok',
        (e: { code: string }) => e.code,
      );
      await c.core.close();
      expect(['ok', 'CANCELLED']).toContain(await inFlight);
      await expect(c.core.analysis.live.frame(liveId, owner, 0.4, red)).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringMatching(/closing/) });
      await expect(c.core.analysis.live.start(owner, 'webcam')).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(logged.filter((l) => /bug|internal|disposed/i.test(l))).toEqual([]);
    } finally {
      t.cleanup();
      fs.rmSync(c.dir, { recursive: true, force: true });
    }
  });
});

describe('live-monitor worker failures', () => {
  let t: { dir: string; cleanup: () => void };
  let c: { core: Core; cleanup: () => Promise<void> };
  let owner: JobOwner;
  let red: string;
  let init: { modelDirs: { dir: string; source: 'path' }[]; importDir: string; threads: number };

  beforeAll(async () => {
    t = tempDir('mg-live-fail-');
    writeStandardModels(path.join(t.dir, 'models'));
    init = { modelDirs: [{ dir: path.join(t.dir, 'models'), source: 'path' }], importDir: path.join(t.dir, 'imp'), threads: 1 };
    red = await jpeg(160, 120, [230, 40, 40]);
    c = await testCore({ analysisInProcess: true, bundledModels: false, modelsDir: path.join(t.dir, 'models') });
    const s = await signIn(c.core, 'user', 'w-user');
    owner = { userId: s.userId, username: s.username, role: s.role };
  });
  afterAll(async () => {
    await c.cleanup();
    t.cleanup();
  });

  /** The real worker entry, with a listener in front that misbehaves on one marker frame. */
  function liveRunner(onMarker: string, timeoutMs = 30_000, releaseAfterMs?: number): { runner: WorkerRunner; live: LiveService } {
    const real = findWorkerScript(ANALYSIS_DIR)!;
    expect(real.eval).toBe(true);
    const front = `require('node:worker_threads').parentPort.on('message', (m) => { if (m.type === 'live-frame' && m.req.jpegBase64 === 'TUFSS0VS') { ${onMarker} } });`;
    const runner = new WorkerRunner(init, { file: front + real.file, eval: true }, log, 2000, { name: 'live-monitor worker', liveFrameTimeoutMs: timeoutMs });
    const live = new LiveService({ runner, detections: c.core.detections, audit: c.core.audit, settings: () => c.core.settings.get(), appVersion: 't', ...(releaseAfterMs ? { releaseAfterMs } : {}) });
    return { runner, live };
  }

  it('the live worker is ended once no session has used it for a while (not under a frame in flight), and the next session starts a new one', async () => {
    // The marker frame holds the thread for 600 ms.
    const { runner, live } = liveRunner('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);', 30_000, 100);
    const thread = () => (runner as unknown as { worker: unknown }).worker;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      const first = await live.start(owner, 'webcam');
      expect((await live.frame(first.liveId, owner, 0, red)).probability).toBeGreaterThan(0.7);
      expect(thread()).not.toBeNull();
      const slow = live.frame(first.liveId, owner, 0.2, 'TUFSS0VS').catch((e: unknown) => e);
      await live.stop(first.liveId, owner);
      // The session is gone but its last frame is still being scored: the thread stays.
      await sleep(350);
      expect(thread()).not.toBeNull();
      await slow;
      await sleep(400);
      expect(thread()).toBeNull();
      // A new session gets a fresh thread with its models.
      const second = await live.start(owner, 'webcam');
      expect((await live.frame(second.liveId, owner, 0, red)).probability).toBeGreaterThan(0.7);
      expect(thread()).not.toBeNull();
      await live.stop(second.liveId, owner);
    } finally {
      live.close();
      await runner.close();
    }
  });

  it('a worker crash mid-frame fails that frame clearly; the session goes on and stops with its summary', async () => {
    const { runner, live } = liveRunner('process.exit(7);');
    try {
      const { liveId } = await live.start(owner, 'webcam');
      expect((await live.frame(liveId, owner, 0, red)).probability).toBeGreaterThan(0.7);
      await expect(live.frame(liveId, owner, 0.2, 'TUFSS0VS')).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/^The frame was not analysed: the live-monitor worker exited \(code 7\)\. The session goes on/),
      });
      // not wedged: the busy flag is cleared and the next frame gets a fresh thread
      expect((await live.frame(liveId, owner, 0.4, red)).probability).toBeGreaterThan(0.7);
      const { detectionId } = await live.stop(liveId, owner);
      const rec = (await c.core.detections.get(detectionId!))!;
      expect(rec.frames.map((f) => f.timeSec)).toEqual([0, 0.4]);
      expect(rec.faceTracks).toHaveLength(1); // tracking lives in main: the same face, one track across the crash
      expect(rec.faceTracks[0]!.observations).toHaveLength(2);
      expect(rec.verdict.band).toBe('manipulated');
      const audit = c.core.audit.list({ offset: 0, limit: 50 }).items;
      expect(audit.some((e) => e.action === 'analysis.finished' && e.target === detectionId)).toBe(true);
    } finally {
      await runner.close();
    }
  });

  it('a frame that never comes back times out, the thread is restarted and the session goes on', async () => {
    // stuck "native code": the thread is busy for 60 s unless it is terminated. The limit also covers
    // starting a fresh thread and loading the models for the frame after the restart: room for a busy machine.
    const { runner, live } = liveRunner('const end = Date.now() + 60000; while (Date.now() < end) {}', 4000);
    try {
      const { liveId } = await live.start(owner, 'webcam');
      expect((await live.frame(liveId, owner, 0, red)).faces).toHaveLength(1);
      const t0 = performance.now();
      await expect(live.frame(liveId, owner, 0.2, 'TUFSS0VS')).rejects.toMatchObject({ code: 'TIMEOUT', message: 'The frame took longer than 4 s to analyse and was dropped; the live monitor\'s worker was restarted.' });
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect((await live.frame(liveId, owner, 0.4, red)).faces).toHaveLength(1);
      expect(await live.stop(liveId, owner)).toMatchObject({ detectionId: expect.any(String) });
    } finally {
      await runner.close();
    }
  });

  it('a session cannot start when the worker finds no usable models', async () => {
    const runner = new WorkerRunner({ ...init, modelDirs: [] }, findWorkerScript(ANALYSIS_DIR)!, log, 2000, { name: 'live-monitor worker' });
    const live = new LiveService({ runner, detections: c.core.detections, audit: c.core.audit, settings: () => c.core.settings.get(), appVersion: 't' });
    try {
      await expect(live.start(owner, 'webcam')).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringMatching(/^Live monitoring needs a face detector/) });
    } finally {
      await runner.close();
    }
  });
});
