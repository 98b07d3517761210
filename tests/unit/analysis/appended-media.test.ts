/**
 * A second file inside the file (another MP4 after the first one's boxes, another Matroska file after
 * the first segment, a picture after the last box): found by the structure readers, copied out,
 * analysed apart from the file's own frames, pictured, named in the warnings and the verdict, and
 * stored in a valid record. The appended clips are solid red, which the test face model reads as
 * manipulated; the fixtures' own test pattern does not.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../src-main/core/analysis/analyze-file';
import { analyseAppendedMedia, appendedMediaWarning, withAppendedMedia } from '../../../src-main/core/analysis/appended-media';
import { buildDetection } from '../../../src-main/core/analysis/record';
import type { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { detectionIssues } from '../../../src-main/core/db/detection-schema';
import type { AppendedMediaCheck, Verdict } from '../../../src-shared/domain/detection';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { testRegistry, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';
import { fixture, testTools } from '../media/helpers';

const verdict = (band: Verdict['band'], probability: number | null): Verdict => ({ band, probability, thresholds: { authentic: 0.3, manipulated: 0.7 }, explanation: 'Models say so.', decidedBy: 'faces' });
const appended = (band: AppendedMediaCheck['band'], probability: number | null): AppendedMediaCheck => ({
  offset: 1000,
  bytes: 20_480,
  foundAs: 'a second MP4/QuickTime file after the first one’s boxes',
  sha256: 'ab'.repeat(32),
  format: 'mp4',
  kind: 'video',
  durationSec: 3,
  width: 160,
  height: 120,
  frames: probability === null ? [] : [{ mediaSec: 1, faceCount: 1, probability, band }],
  probability,
  band,
  note: probability === null ? 'It could not be analysed: no video stream.' : 'Its frames analysed apart.',
});

describe('the appended file and the verdict', () => {
  it('keeps a file out of the authentic band when the file appended inside it reads manipulated, and otherwise only says what it read', () => {
    const v = withAppendedMedia(verdict('authentic', 0.1), appended('manipulated', 0.9));
    expect(v).toMatchObject({ band: 'inconclusive', probability: 0.1 });
    expect(v.explanation).toBe(
      'Models say so. But the file appended inside it (a 3.00-s MP4 video (160×120), 20.0 KB from byte 1000; not shown by players or viewers) reads 90.0 %, manipulated. So the file is not called authentic: inconclusive; see the appended file.',
    );
    expect(withAppendedMedia(verdict('manipulated', 0.9), appended('authentic', 0.1)).band).toBe('manipulated');
    expect(withAppendedMedia(verdict('authentic', 0.1), appended('inconclusive', 0.5)).band).toBe('authentic');
    expect(withAppendedMedia(verdict('authentic', 0.1), appended('undetermined', null))).toMatchObject({ band: 'authentic', explanation: expect.stringContaining('could not be judged') });
    expect(appendedMediaWarning(appended('undetermined', null)).message).toBe(
      'The file holds a 3.00-s MP4 video (160×120), 20.0 KB from byte 1000 — a second MP4/QuickTime file after the first one’s boxes. Players and viewers show the first file only, and only its frames were sampled for the verdict. It could not be analysed: no video stream. It is not part of the verdict.',
    );
  });
});

describe('analysing a file with another appended', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  let ffmpeg: string;
  beforeAll(async () => {
    t = tempDir('mg-appended-');
    writeStandardModels(path.join(t.dir, 'models'));
    reg = testRegistry(t.dir);
    ffmpeg = (await testTools()).ffmpeg.path;
  });
  afterAll(async () => {
    await reg.close();
    t.cleanup();
  });
  const run = (file: string) => analyzeFile(file, { registry: reg, settings: DEFAULT_SETTINGS, options: { frames: 8 }, signal: new AbortController().signal, progress: () => undefined });
  /** A solid red clip (or picture) in the given container. */
  const red = (name: string, ...codec: string[]) => {
    const out = path.join(t.dir, name);
    const still = /\.(jpg|png)$/.test(name);
    execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=red:s=160x120:r=25${still ? '' : ':d=2'}`, ...(still ? ['-frames:v', '1'] : codec), out]);
    return fs.readFileSync(out);
  };
  const joined = (name: string, ...parts: Buffer[]) => {
    const p = path.join(t.dir, name);
    fs.writeFileSync(p, Buffer.concat(parts));
    return p;
  };

  it('a second MP4 after the first: analysed apart, pictured, named in the warnings and the verdict, kept in a valid record', async () => {
    const first = fs.readFileSync(fixture('clip.mp4'));
    const second = red('red.mp4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p');
    const out = await run(joined('two.mp4', first, second));
    const c = out.appendedMedia!;
    expect(c).toMatchObject({ offset: first.length, bytes: second.length, kind: 'video', format: 'mp4', width: 160, height: 120, durationSec: expect.closeTo(2, 1) });
    expect(c.foundAs).toBe('a second MP4/QuickTime file after the first one’s boxes');
    expect(c.sha256).toBe(crypto.createHash('sha256').update(second).digest('hex'));
    expect(c.frames).toHaveLength(8);
    for (const f of c.frames) expect(f).toMatchObject({ faceCount: 1, band: 'manipulated' });
    expect(c.band).toBe('manipulated');
    // The file's own frames are the test pattern: the appended file alone keeps it out of the authentic band.
    expect(out.result.frames.every((f) => f.probability! < 0.7)).toBe(true);
    expect(out.result.verdict.band).not.toBe('authentic');
    expect(out.result.verdict.explanation).toContain(`the file appended inside it (a 2.00-s MP4 video (160×120), ${(second.length / 1024).toFixed(1)} KB from byte ${first.length}; not shown by players or viewers) reads`);
    expect(out.result.warnings.find((w) => w.code === 'APPENDED_MEDIA')?.message).toMatch(/^The file holds a 2\.00-s MP4 video .* Analysed apart: \d+\.\d %, manipulated\. It is not part of the verdict\.$/);
    expect(out.metadata!.flags.find((f) => f.code === 'APPENDED_FILE')?.severity).toBe('warning');
    const pics = out.result.artifacts.filter((a) => a.ref.key.startsWith('appended-'));
    expect(pics.map((a) => a.ref.key)).toEqual(c.frames.map((f) => f.artifact));
    const { data, info } = await sharp(pics[0]!.data).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([160, 120]);
    expect([data[15]! > 200, data[16]! < 60, data[17]! < 60]).toEqual([true, true, true]);
    expect(Object.keys(out.result.timingsMs)).toContain('appended-media');
    const d = buildDetection('rec1', { userId: 'u1', username: 'ann' }, out, new Date().toISOString(), new Date().toISOString(), '0.0.0');
    expect(d.appendedMedia).toEqual(c);
    expect(detectionIssues(d)).toBeNull();
    // No temporary copy is left behind.
    expect(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('mediaguard-appended-'))).toEqual([]);
  });

  it('a second Matroska file after the first segment, a second AVI, and a picture after the last box', async () => {
    const mkv = fs.readFileSync(fixture('clip.mkv'));
    const out = await run(joined('two.mkv', mkv, red('red.mkv', '-c:v', 'libx264', '-pix_fmt', 'yuv420p')));
    expect(out.appendedMedia).toMatchObject({ offset: mkv.length, kind: 'video', format: 'matroska', foundAs: 'a second Matroska file after the first segment', band: 'manipulated' });
    // FFmpeg's demuxer reads on into the second segment's clusters; the file's own sampling stops where it begins.
    expect(out.sampling.frames).toHaveLength(8);
    expect(out.sampling.frames.every((f) => f.timeSec < 4.1)).toBe(true);
    expect(out.result.frames.every((f) => f.probability! < 0.7)).toBe(true);
    expect(out.result.warnings.map((w) => w.message).join(' ')).not.toMatch(/damaged|could be decoded/);
    // AVI alike: FFmpeg's demuxer would read on into the second RIFF form as if it continued the first.
    const avi = fs.readFileSync(fixture('clip.avi'));
    const twoAvi = await run(joined('two.avi', avi, red('red.avi', '-c:v', 'mpeg4')));
    expect(twoAvi.appendedMedia).toMatchObject({ offset: avi.length, kind: 'video', format: 'avi', foundAs: 'a second AVI file after the first', band: 'manipulated' });
    expect(twoAvi.sampling.frames.every((f) => f.timeSec < 2.1)).toBe(true);
    expect(twoAvi.result.frames.every((f) => f.probability! < 0.7)).toBe(true);
    const mp4 = fs.readFileSync(fixture('clip.mp4'));
    const pic = await run(joined('pic.mp4', mp4, red('red.jpg')));
    expect(pic.appendedMedia).toMatchObject({ offset: mp4.length, kind: 'image', format: 'jpeg', foundAs: 'a JPEG picture appended after the last box', band: 'manipulated' });
    expect(pic.appendedMedia!.frames).toHaveLength(1);
  });

  it("a motion photo: the video after the picture is analysed apart, and a JPEG's appended ZIP is only named", async () => {
    const cam = fs.readFileSync(fixture('camera.jpg'));
    const xmp = Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:RDF><rdf:Description GCamera:MotionPhoto="1"/></rdf:RDF></x:xmpmeta>', 'latin1');
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (xmp.length + 2) >> 8, (xmp.length + 2) & 0xff]), xmp]);
    const still = Buffer.concat([cam.subarray(0, 2), app1, cam.subarray(2)]);
    const video = red('motion.mp4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p');
    const out = await run(joined('motion.jpg', still, video));
    expect(out.kind).toBe('image');
    expect(out.appendedMedia).toMatchObject({ offset: still.length, bytes: video.length, kind: 'video', format: 'mp4', foundAs: 'the video of a motion photo, after the picture', band: 'manipulated' });
    expect(out.appendedMedia!.frames).toHaveLength(8);
    expect(out.metadata!.flags.find((f) => f.code === 'MOTION_PHOTO')?.severity).toBe('notice');
    expect(out.result.verdict.band).not.toBe('authentic');
    const zip = await run(joined('zip.jpg', cam, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(300, 1)])));
    expect(zip.appendedMedia).toBeUndefined();
    expect(zip.metadata!.flags.find((f) => f.code === 'TRAILING_DATA')).toMatchObject({ severity: 'warning', message: expect.stringContaining('a ZIP archive') });
  });

  it('appended bytes that are not media are only named by the metadata; a broken appended video is named as unreadable', async () => {
    const mp4 = fs.readFileSync(fixture('clip.mp4'));
    const zip = await run(joined('zip.mp4', mp4, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(400, 7)])));
    expect(zip.appendedMedia).toBeUndefined();
    expect(zip.metadata!.flags.find((f) => f.code === 'TRAILING_DATA')?.message).toContain('a ZIP archive');
    // An ftyp box and then garbage: found as a second MP4, but it cannot be read.
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom\0\0\0\0', 'latin1'), Buffer.alloc(300, 0x5a)]);
    const broken = await run(joined('broken.mp4', mp4, ftyp));
    expect(broken.appendedMedia).toMatchObject({ offset: mp4.length, band: 'undetermined', probability: null, frames: [] });
    expect(broken.appendedMedia!.note).toMatch(/^It could not be analysed: /);
    expect(broken.result.verdict.explanation).toContain('could not be judged');
  });

  it('without temporary space for the copy, hashes the appended bytes only and says why it was not analysed', async () => {
    const mp4 = fs.readFileSync(fixture('clip.mp4'));
    const second = red('red2.mp4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p');
    const file = joined('nospace.mp4', mp4, second);
    // A copy an earlier analysis left behind two hours ago (its thread was terminated) is swept.
    const stale = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaguard-appended-'));
    const old = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(stale, old, old);
    const r = await analyseAppendedMedia({
      path: file,
      sizeBytes: mp4.length + second.length,
      at: { offset: mp4.length, foundAs: 'a second MP4/QuickTime file after the first one’s boxes' },
      tools: await testTools(),
      models: {} as never,
      thresholds: null,
      limits: DEFAULT_SETTINGS.limits,
      maxSide: 1920,
      check: () => undefined,
      freeBytes: async () => 10 * 1024 * 1024,
    });
    expect(r.artifacts).toEqual([]);
    expect(r.check).toMatchObject({ sha256: crypto.createHash('sha256').update(second).digest('hex'), band: 'undetermined', frames: [], kind: null });
    expect(r.check.note).toBe(`It could not be analysed: copying it out needs ${(second.length / 1024).toFixed(1)} KB of temporary space (and 256.0 MB to spare), and 10.0 MB is free.`);
    expect(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('mediaguard-appended-'))).toEqual([]);
  });

  it('leaves a plain file without an appended part', async () => {
    const out = await run(fixture('clip.mkv'));
    expect(out.appendedMedia).toBeUndefined();
    expect(out.result.warnings.map((w) => w.code)).not.toContain('APPENDED_MEDIA');
  });
});
