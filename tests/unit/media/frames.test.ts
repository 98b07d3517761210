import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFrames, meanAbsDiff, probe, type ExtractedFrame, type ResolvedTools } from '../../../src-main/core/media';
import { outputSize } from '../../../src-main/core/media/frame-pipe';
import { tempDir } from '../../helpers/core';
import { childPids, commNames, fixture, rejectsWith, testTools } from './helpers';

let tools: ResolvedTools;
const t = tempDir('mg-frames-');
let fixtureListing: string[];
beforeAll(async () => {
  tools = await testTools();
  fixtureListing = fs.readdirSync(path.dirname(fixture('clip.mp4'))).sort();
});
afterAll(() => {
  // Extraction writes nothing next to the evidence (all through pipes).
  expect(fs.readdirSync(path.dirname(fixture('clip.mp4'))).sort()).toEqual(fixtureListing);
  t.cleanup();
});

/**
 * Ground truth, independent of the code under test: ffmpeg's plain decode from the start of
 * every frame, scaled the same way; frame k is the k-th picture.
 */
function sequentialTruth(file: string, width: number, height: number): Buffer[] {
  const out = execFileSync(tools.ffmpeg.path, ['-v', 'error', '-i', `file:${file}`, '-map', '0:v:0', '-vf', `scale=${width}:${height}:flags=area,setsar=1`, '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], {
    maxBuffer: 1024 * 1024 * 1024,
  });
  const n = width * height * 3;
  return Array.from({ length: out.length / n }, (_, k) => out.subarray(k * n, (k + 1) * n));
}

function expectTrue(frames: ExtractedFrame[], truth: Buffer[]) {
  for (const f of frames) expect(meanAbsDiff(f.data, truth[f.index]!), `frame ${f.index}`).toBe(0);
}

describe('extractFrames (videos)', () => {
  it('samples N evenly spaced frames with exact index and timestamp, scaled in ffmpeg', async () => {
    const info = await probe(fixture('clip.mp4'), tools);
    const { frames, sampling } = await extractFrames(fixture('clip.mp4'), info, tools, { strategy: { kind: 'even', count: 4 }, maxSide: 160 });
    expect(frames.map((f) => f.index)).toEqual([12, 37, 62, 87]);
    expect(frames.map((f) => f.timeSec)).toEqual([0.48, 1.48, 2.48, 3.48]);
    for (const f of frames) expect([f.width, f.height, f.data.length]).toEqual([160, 120, 160 * 120 * 3]);
    expect(sampling).toMatchObject({ strategy: { kind: 'even', count: 4 }, totalFrames: 100, frames: frames.map((f) => ({ index: f.index, timeSec: f.timeSec })) });
    expectTrue(frames, sequentialTruth(fixture('clip.mp4'), 160, 120));
  });

  it.each(['clip.mp4', 'clip.mkv', 'clip.avi', 'clip.webm'])('seeks to exactly the frames a sequential decode gives (%s)', async (name) => {
    const p = fixture(name);
    const info = await probe(p, tools);
    const size = outputSize(info, 96);
    const r = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 6 }, maxSide: 96, method: 'seek' });
    expect(r.sampling.method).toBe('seek');
    expect(r.sampling.fallbackReason).toBeUndefined();
    expectTrue(r.frames, sequentialTruth(p, size.width, size.height));
  });

  it('detects the seeking trap (keyframes that are not clean random-access points) and falls back', async () => {
    const p = fixture('trap.mp4');
    const info = await probe(p, tools);
    const truth = sequentialTruth(p, 160, 120);
    // The fixture really is a trap: a plain input seek to a late frame returns a damaged picture.
    const target = 110; // 4.4 s, shortly after the recovery point at 4.0 s
    const naive = execFileSync(tools.ffmpeg.path, ['-v', 'quiet', '-ss', '4.42', '-i', `file:${p}`, '-frames:v', '1', '-vf', 'scale=160:120:flags=area,setsar=1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']);
    expect(meanAbsDiff(naive, truth[target]!)).toBeGreaterThan(5);

    for (const strategy of [{ kind: 'even', count: 6 }, { kind: 'keyframes', max: 8 }] as const) {
      const r = await extractFrames(p, info, tools, { strategy, maxSide: 160, method: 'seek' });
      expect(r.sampling.method).toBe('sequential');
      expect(r.sampling.fallbackReason).toMatch(/seeking is unreliable/);
      expect(r.sampling.seekCheck).toMatchObject({ passed: false });
      expect(r.sampling.seekCheck!.meanAbsDiff).toBeGreaterThan(1.5);
      expectTrue(r.frames, truth);
    }
    // Whatever 'auto' decides, the frames handed over are the true ones.
    const auto = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 12 }, maxSide: 160 });
    expectTrue(auto.frames, truth);
  });

  it('falls back when seeking an unindexed MPEG-TS lands mid-GOP', async () => {
    const p = fixture('clip.m2t');
    const info = await probe(p, tools);
    expect(info.format).toBe('mpegts');
    const r = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 5 }, maxSide: 64, method: 'seek' });
    const truth = sequentialTruth(p, 64, 48);
    expectTrue(r.frames, truth);
    if (r.sampling.method === 'sequential') expect(r.sampling.fallbackReason).toBeTruthy();
  });

  it('records a passed seek check on a clean file', async () => {
    const info = await probe(fixture('clip.mp4'), tools);
    const r = await extractFrames(fixture('clip.mp4'), info, tools, { strategy: { kind: 'keyframes', max: 8 }, maxSide: 64, method: 'seek' });
    expect(r.frames.map((f) => f.index)).toEqual([0, 25, 50, 75]);
    expect(r.sampling.seekCheck).toMatchObject({ frameIndex: 25, meanAbsDiff: 0, decoderErrors: false, passed: true });
  });

  it('samples at a fixed rate and at scene changes', async () => {
    const info = await probe(fixture('clip.mp4'), tools);
    const rate = await extractFrames(fixture('clip.mp4'), info, tools, { strategy: { kind: 'rate', fps: 2, max: 64 }, maxSide: 32 });
    expect(rate.frames.map((f) => f.index)).toEqual([0, 13, 25, 38, 50, 63, 75, 88]);
    const scenesInfo = await probe(fixture('scenes.mp4'), tools);
    const scenes = await extractFrames(fixture('scenes.mp4'), scenesInfo, tools, { strategy: { kind: 'scene', threshold: 0.2, max: 8 }, maxSide: 64 });
    expect(scenes.frames.map((f) => f.index)).toEqual([0, 25, 50]);
    expect(scenes.frames.map((f) => f.timeSec)).toEqual([0, 1, 2]);
  });

  it('selects hundreds of scattered frames in one sequential pass', async () => {
    const p = fixture('trap.mp4');
    const info = await probe(p, tools);
    const r = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 140 }, maxSide: 32, method: 'sequential' });
    expect(r.frames).toHaveLength(140);
    expectTrue(r.frames, sequentialTruth(p, 32, 24));
  });

  it('caps the number of frames at the limit from settings and refuses absurd memory', async () => {
    const info = await probe(fixture('clip.mp4'), tools);
    const r = await extractFrames(fixture('clip.mp4'), info, tools, { strategy: { kind: 'even', count: 50 }, maxSide: 32, limits: { maxFrames: 5 } });
    expect(r.frames).toHaveLength(5);
    await rejectsWith(extractFrames(fixture('clip.mp4'), info, tools, { strategy: { kind: 'even', count: 50 }, maxBytes: 1024 }), 'LIMIT_EXCEEDED');
  });

  it('applies the display rotation', async () => {
    const p = fixture('rotated.mp4');
    const info = await probe(p, tools);
    const r = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 1 } });
    const f = r.frames[0]!;
    expect([f.width, f.height]).toEqual([120, 160]);
    // The stored (unrotated) picture turned 90° clockwise must equal what we handed over.
    const raw = execFileSync(tools.ffmpeg.path, ['-v', 'error', '-noautorotate', '-i', `file:${p}`, '-vf', `select=eq(n\\,${f.index})`, '-fps_mode', 'passthrough', '-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']);
    const rotated = Buffer.alloc(raw.length);
    const [w, h] = [160, 120];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.copy(rotated, (x * h + (h - 1 - y)) * 3, (y * w + x) * 3, (y * w + x) * 3 + 3);
    expect(meanAbsDiff(f.data, rotated)).toBe(0);
  });

  it('returns what a truncated (but indexable) MP4 still holds, with a warning', async () => {
    const p = fixture('truncated-faststart.mp4');
    const info = await probe(p, tools);
    const r = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 4 }, maxSide: 64 });
    expect(r.frames.length).toBeGreaterThan(0);
    expect(r.sampling.totalFrames).toBeLessThan(100);
    expect(r.sampling.warnings?.map((w) => w.code)).toContain('TRUNCATED');
  });
});

describe('extractFrames (images)', () => {
  it('decodes with EXIF rotation applied', async () => {
    const info = await probe(fixture('rotated.jpg'), tools);
    const { frames, sampling } = await extractFrames(fixture('rotated.jpg'), info, tools, { strategy: { kind: 'even', count: 16 } });
    expect(sampling.method).toBe('image');
    const f = frames[0]!;
    expect([f.width, f.height]).toEqual([100, 200]);
    const px = (x: number, y: number) => [...f.data.subarray((y * f.width + x) * 3, (y * f.width + x) * 3 + 3)];
    expect(px(50, 20)[0]).toBeGreaterThan(200); // red on top (was the left half)
    expect(px(50, 180)[2]).toBeGreaterThan(200); // blue at the bottom
  });

  it('decodes the first frame of a GIF, greyscale as RGB, BMP through ffmpeg, and scales', async () => {
    for (const name of ['anim.gif', 'grey.png', 'plain.webp', 'plain.tiff', 'plain.avif']) {
      const info = await probe(fixture(name), tools);
      const { frames } = await extractFrames(fixture(name), info, tools, { strategy: { kind: 'even', count: 1 } });
      expect(frames[0]!.data.length, name).toBe(64 * 48 * 3);
    }
    const png = await extractFrames(fixture('plain.png'), await probe(fixture('plain.png'), tools), tools, { strategy: { kind: 'even', count: 1 } });
    const bmp = await extractFrames(fixture('plain.bmp'), await probe(fixture('plain.bmp'), tools), tools, { strategy: { kind: 'even', count: 1 } });
    expect(meanAbsDiff(png.frames[0]!.data, bmp.frames[0]!.data)).toBeLessThan(1);
    const small = await extractFrames(fixture('camera.jpg'), await probe(fixture('camera.jpg'), tools), tools, { strategy: { kind: 'even', count: 1 }, maxSide: 100 });
    expect([small.frames[0]!.width, small.frames[0]!.height]).toEqual([100, 75]);
  });
});

describe('cancel and timeout', () => {
  // A FIFO with no writer makes ffprobe/ffmpeg block forever: a deterministic hang.
  let fifo: string;
  beforeAll(() => {
    fifo = path.join(t.dir, 'hang.mp4');
    spawnSync('mkfifo', [fifo]);
  });
  const ffChildren = () => commNames(childPids()).filter((c) => /ffmpeg|ffprobe/.test(c));

  it('kills the child on cancel and leaves no zombie', async () => {
    const info = await probe(fixture('clip.mp4'), tools);
    const ac = new AbortController();
    const run = extractFrames(fifo, info, tools, { strategy: { kind: 'even', count: 4 }, signal: ac.signal });
    // Wait (bounded) until ffprobe is really running and blocked on the FIFO.
    for (let i = 0; i < 100 && ffChildren().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(ffChildren().length).toBeGreaterThan(0);
    ac.abort();
    await rejectsWith(run, 'CANCELLED');
    expect(ffChildren()).toEqual([]);
  });

  it('kills the child on timeout and leaves no zombie', async () => {
    const info = await probe(fixture('clip.mp4'), tools);
    const e = await rejectsWith(extractFrames(fifo, info, tools, { strategy: { kind: 'even', count: 4 }, timeoutMs: 400 }), 'TIMEOUT');
    expect(e.message).toMatch(/stopped/);
    expect(ffChildren()).toEqual([]);
    await rejectsWith(probe(fifo, tools, { identity: { kind: 'video', format: 'mp4', mime: 'video/mp4', claimedExtension: 'mp4', extensionMismatch: false }, timeoutMs: 300 }), 'TIMEOUT');
    expect(ffChildren()).toEqual([]);
  });

  it('cancels a real extraction midway', async () => {
    const info = await probe(fixture('trap.mp4'), tools);
    const ac = new AbortController();
    const run = extractFrames(fixture('trap.mp4'), info, tools, { strategy: { kind: 'even', count: 100 }, signal: ac.signal, method: 'sequential' });
    setTimeout(() => ac.abort(), 5);
    await rejectsWith(run, 'CANCELLED');
    expect(ffChildren()).toEqual([]);
  });
});
