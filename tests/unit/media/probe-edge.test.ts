/**
 * Edge cases of intake, with files made here: decoder messages that repeat themselves,
 * animated PNG, and MP4s whose video stream holds no frames.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, extractFrames, probe, type ResolvedTools } from '../../../src-main/core/media';
import { apngFrameCount } from '../../../src-main/core/media/image-header';
import { tempDir } from '../../helpers/core';
import { rejectsWith, testTools } from './helpers';
import { pngChunk } from '../../helpers/provenance-files';

const t = tempDir('mg-probe-edge-');
let tools: ResolvedTools;
beforeAll(async () => {
  tools = await testTools();
});
afterAll(() => t.cleanup());

const write = (name: string, bytes: Buffer) => {
  const p = path.join(t.dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};
const count = (s: string, sub: string) => s.split(sub).length - 1;

async function exifJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
    .withExif({ IFD0: { Make: 'Canon', Model: 'EOS 5D', Software: 'Photoshop' } })
    .jpeg()
    .toBuffer();
}

describe('decoder error messages', () => {
  it('a JPEG cut off inside its EXIF gives one line per distinct libvips complaint, not six repeats', async () => {
    const jpeg = await exifJpeg();
    const p = write('cut-in-exif.jpg', jpeg.subarray(0, jpeg.indexOf(Buffer.from('Exif\0\0', 'latin1')) + 60));
    const e = await rejectsWith(probe(p, tools), 'UNSUPPORTED_MEDIA');
    expect(e.message).not.toMatch(/\n/);
    expect(count(e.message, 'premature end of JPEG image')).toBe(1);
    expect(e.message).toMatch(/header cannot be read: Input buffer has corrupt header: VipsJpeg: premature end of JPEG image$/);
    expect(count(String(e.details?.decoder), 'premature end of JPEG image')).toBe(1);
  });

  it('decoding a JPEG whose EXIF segment overruns its length keeps each complaint once', async () => {
    const jpeg = await exifJpeg();
    const at = jpeg.indexOf(Buffer.from('Exif\0\0', 'latin1')) - 2;
    const b = Buffer.from(jpeg);
    b.writeUInt16BE(b.readUInt16BE(at) + 40, at); // APP1 claims 40 bytes more: the DQT marker is swallowed
    const p = write('long-app1.jpg', b);
    const e = await rejectsWith(decodeImage(p, await probe(p, tools)), 'UNSUPPORTED_MEDIA');
    expect(e.message).toMatch(/damaged or truncated JPEG image: VipsJpeg: Corrupt JPEG data: \d+ extraneous bytes before marker/);
    expect(count(e.message, 'extraneous bytes')).toBe(1);
    expect(count(String(e.details?.decoder), 'extraneous bytes')).toBe(1);
    expect(String(e.details?.decoder)).toMatch(/Quantization table 0x00 was not defined/);
  });
});

// ---------- APNG by hand: sharp writes no APNG ----------
/** IHDR body and the concatenated IDAT data of a PNG. */
function pngParts(png: Buffer): { ihdr: Buffer; idat: Buffer } {
  let pos = 8;
  let ihdr: Buffer = Buffer.alloc(0);
  const idat: Buffer[] = [];
  while (pos + 8 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (type === 'IHDR') ihdr = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IDAT') idat.push(png.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
  }
  return { ihdr, idat: Buffer.concat(idat) };
}
const u32 = (...v: number[]) => Buffer.concat(v.map((x) => Buffer.from([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255])));
function fctl(seq: number, w: number, h: number): Buffer {
  const b = Buffer.alloc(26);
  u32(seq, w, h, 0, 0).copy(b, 0);
  b.writeUInt16BE(1, 20); // delay 1/10 s
  b.writeUInt16BE(10, 22);
  return pngChunk('fcTL', b);
}
async function apng(opts: { acTLAfterIdat?: boolean } = {}): Promise<Buffer> {
  const frame = (colour: string) => sharp({ create: { width: 32, height: 24, channels: 3, background: colour } }).png().toBuffer();
  const a = pngParts(await frame('#ff0000'));
  const b = pngParts(await frame('#0000ff'));
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const actl = pngChunk('acTL', u32(2, 0));
  const body = [fctl(0, 32, 24), pngChunk('IDAT', a.idat), fctl(1, 32, 24), pngChunk('fdAT', Buffer.concat([u32(2), b.idat]))];
  const ordered = opts.acTLAfterIdat ? [pngChunk('IDAT', a.idat), actl] : [actl, ...body];
  return Buffer.concat([sig, pngChunk('IHDR', a.ihdr), ...ordered, pngChunk('IEND', Buffer.alloc(0))]);
}

describe('animated PNG', () => {
  it('warns that only the first frame of an APNG is analysed, as for GIF and WebP', async () => {
    const p = write('anim.png', await apng());
    const info = await probe(p, tools);
    expect(info).toMatchObject({ kind: 'image', format: 'png', width: 32, height: 24, frameCount: 2 });
    const w = info.warnings?.find((x) => x.code === 'MULTI_FRAME_IMAGE');
    expect(w?.message).toMatch(/animated PNG \(APNG\) with 2 frames; only the first is analysed/);
    // The first frame (the default image) is what gets decoded.
    const img = await decodeImage(p, info);
    expect([...img.data.subarray(0, 3)]).toEqual([255, 0, 0]);
  });

  it('says nothing for a still PNG, or an acTL after the image data (not an APNG)', async () => {
    const still = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#00ff00' } }).png().toBuffer();
    expect(apngFrameCount(still)).toBeNull();
    expect((await probe(write('still.png', still), tools)).warnings?.map((x) => x.code) ?? []).not.toContain('MULTI_FRAME_IMAGE');
    const late = await apng({ acTLAfterIdat: true });
    expect(apngFrameCount(late)).toBeNull();
    expect((await probe(write('late-actl.png', late), tools)).warnings?.map((x) => x.code) ?? []).not.toContain('MULTI_FRAME_IMAGE');
    // The frame count is the larger of acTL's claim and the fcTL chunks present.
    expect(apngFrameCount(await apng())).toBe(2);
    expect(apngFrameCount(Buffer.from('not a png'))).toBeNull();
  });
});

// ---------- MP4s whose video track holds no samples ----------
/** Boxes directly inside [start, end). */
function boxes(b: Buffer, start: number, end: number): { at: number; size: number; type: string }[] {
  const out = [];
  for (let p = start; p + 8 <= end; ) {
    const size = b.readUInt32BE(p);
    out.push({ at: p, size, type: b.toString('latin1', p + 4, p + 8) });
    if (size < 8) break;
    p += size;
  }
  return out;
}
/**
 * A recording cut off right after its header: an MP4 written with an empty moov (as live
 * recorders do) keeps only ftyp + moov, and without mvex it is a plain MP4 whose video track
 * has no samples at all. zeroSize also zeroes the sample entry's width and height, so ffprobe
 * cannot tell the picture size (what a stream with no decodable frame looks like to it).
 */
function emptyTrackMp4(zeroSize: boolean): Buffer {
  const src = path.join(t.dir, 'frag.mp4');
  if (!fs.existsSync(src)) {
    execFileSync(tools.ffmpeg.path, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25', '-frames:v', '5', '-c:v', 'libx264', '-movflags', 'frag_keyframe+empty_moov', '-y', src]);
  }
  const b = fs.readFileSync(src);
  const top = boxes(b, 0, b.length);
  const ftyp = top.find((x) => x.type === 'ftyp')!;
  const moov = top.find((x) => x.type === 'moov')!;
  const kids = boxes(b, moov.at + 8, moov.at + moov.size).filter((x) => x.type !== 'mvex');
  const body = Buffer.concat(kids.map((x) => b.subarray(x.at, x.at + x.size)));
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write('moov', 4, 'latin1');
  const out = Buffer.concat([b.subarray(ftyp.at, ftyp.at + ftyp.size), head, body]);
  if (zeroSize) {
    const entry = out.indexOf(Buffer.from('avc1', 'latin1'), out.indexOf(Buffer.from('stsd', 'latin1'))) - 4;
    out.writeUInt32BE(0, entry + 32); // width, height (16 bits each)
  }
  return out;
}

describe('MP4 with a video stream but no frames', () => {
  it('says the video stream is there but holds no frames, not that there is no video stream', async () => {
    const p = write('zero-frames-nosize.mp4', emptyTrackMp4(true));
    const e = await rejectsWith(probe(p, tools), 'UNSUPPORTED_MEDIA');
    expect(e.message).toMatch(/has a video stream \(h264\), but it holds no frames at all/);
    expect(e.message).not.toMatch(/no video stream/);
    expect(e.details).toMatchObject({ hasPackets: false, videoStream: 0 });
  });

  it('a zero-frame stream of known size probes, then extraction says it holds no frames', async () => {
    const p = write('zero-frames.mp4', emptyTrackMp4(false));
    const info = await probe(p, tools);
    expect(info).toMatchObject({ kind: 'video', videoCodec: 'h264', width: 64, height: 48 });
    const e = await rejectsWith(extractFrames(p, info, tools, { strategy: { kind: 'even', count: 4 } }), 'UNSUPPORTED_MEDIA');
    expect(e.message).toMatch(/has a video stream \(h264, 64×48\), but it holds no frames/);
    expect(e.message).not.toMatch(/no video stream/);
  });
});
