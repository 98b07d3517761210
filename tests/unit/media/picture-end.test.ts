import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetadata } from '../../../src-main/core/media/metadata';
import { appendedOfPicture, describePictureEnd, readPictureEnd, type PictureEnd } from '../../../src-main/core/media/picture-end';
import { probe } from '../../../src-main/core/media';
import { seededBytes } from '../../helpers/hostile-corpus';
import { fixture, testTools } from './helpers';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-picture-end-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function endOf(bytes: Buffer, format = 'jpeg'): Promise<{ e: PictureEnd; file: string; size: number }> {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.${format === 'jpeg' ? 'jpg' : format}`);
  fs.writeFileSync(file, bytes);
  return { e: (await readPictureEnd(file, format, bytes.length))!, file, size: bytes.length };
}

const codes = (e: PictureEnd, size: number) => describePictureEnd(e, size).flags.map((f) => `${f.code}:${f.severity}`);
const camera = () => fs.readFileSync(fixture('camera.jpg'));

/** A JPEG segment (marker, 16-bit length, payload). */
function segment(marker: number, payload: Buffer): Buffer {
  const h = Buffer.from([0xff, marker, 0, 0]);
  h.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([h, payload]);
}

/** `jpeg` with `seg` inserted right after its SOI. */
const withSegment = (jpeg: Buffer, seg: Buffer) => Buffer.concat([jpeg.subarray(0, 2), seg, jpeg.subarray(2)]);

/** An APP2 MPF segment (big-endian) listing the primary picture and one more at `offset` (from the MPF header) of `size` bytes. */
function mpfSegment(primary: number, offset: number, size: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 3 * 12 + 4 + 32);
  tiff.write('MM\0*', 0, 'latin1');
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(3, 8);
  const tag = (i: number, id: number, type: number, count: number, value: number) => {
    const at = 10 + i * 12;
    tiff.writeUInt16BE(id, at);
    tiff.writeUInt16BE(type, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    tiff.writeUInt32BE(value, at + 8);
  };
  tag(0, 0xb000, 7, 4, 0x30313030); // MPFVersion "0100"
  tag(1, 0xb001, 4, 1, 2); // NumberOfImages
  tag(2, 0xb002, 7, 32, 10 + 36 + 4); // MPEntry: 2 × 16 bytes after the IFD
  const e = 10 + 36 + 4;
  tiff.writeUInt32BE(0x20030000, e);
  tiff.writeUInt32BE(primary, e + 4);
  tiff.writeUInt32BE(0, e + 8);
  tiff.writeUInt32BE(0x00020002, e + 16);
  tiff.writeUInt32BE(size, e + 20);
  tiff.writeUInt32BE(offset, e + 24);
  return segment(0xe2, Buffer.concat([Buffer.from('MPF\0', 'latin1'), tiff]));
}

describe('where a picture ends', () => {
  it('finds the end of baseline and progressive JPEGs, PNG and WebP, with nothing after them; a cut file is named so', async () => {
    for (const [name, format] of [
      ['camera.jpg', 'jpeg'],
      ['spliced.jpg', 'jpeg'],
      ['plain.png', 'png'],
      ['plain.webp', 'webp'],
    ] as const) {
      const b = fs.readFileSync(fixture(name));
      const { e, size } = await endOf(b, format);
      expect(e, name).toMatchObject({ end: b.length, trailing: null, cutShort: false, mpf: [] });
      expect(codes(e, size), name).toEqual([]);
    }
    const progressive = execFileSync('jpegtran', ['-progressive', '-restart', '1', fixture('camera.jpg')]);
    expect((await endOf(progressive)).e).toMatchObject({ end: progressive.length, trailing: null });
    const cut = await endOf(camera().subarray(0, 5000));
    expect(cut.e.cutShort).toBe(true);
    expect(describePictureEnd(cut.e, cut.size).group.end).toBe('the file ends before the picture does');
    expect(await readPictureEnd(fixture('camera.jpg'), 'gif', 10)).toBeNull();
  });

  it('data appended after the picture: TRAILING_DATA, sniffed; zero padding is info; none of it is analysed', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), seededBytes(5, 600)]);
    const { e, size } = await endOf(Buffer.concat([camera(), zip]));
    expect(e.trailing).toEqual({ bytes: 604, allZero: false, looksLike: 'a ZIP archive' });
    expect(codes(e, size)).toEqual(['TRAILING_DATA:warning']);
    expect(describePictureEnd(e, size).flags[0]!.message).toBe('604 bytes follow the end of the picture and begin like a ZIP archive: data appended after the picture was written (a file hidden behind it), or what an editor left. Viewers ignore them.');
    expect(appendedOfPicture(e, size)).toBeNull();
    const zeros = await endOf(Buffer.concat([camera(), Buffer.alloc(64)]));
    expect(codes(zeros.e, zeros.size)).toEqual(['TRAILING_DATA:info']);
    // A PNG with a JPEG behind it: that picture is analysed apart.
    const png = fs.readFileSync(fixture('plain.png'));
    const pj = await endOf(Buffer.concat([png, camera()]), 'png');
    expect(appendedOfPicture(pj.e, pj.size)).toEqual({ offset: png.length, foundAs: 'a JPEG picture appended after the picture' });
  });

  it('a video after the picture: appended, or the video of a motion photo when the XMP says so', async () => {
    const video = fs.readFileSync(fixture('clip.mp4'));
    const plain = await endOf(Buffer.concat([camera(), video]));
    expect(plain.e).toMatchObject({ videoAt: camera().length, motionPhoto: false });
    expect(codes(plain.e, plain.size)).toEqual(['APPENDED_FILE:warning']);
    expect(appendedOfPicture(plain.e, plain.size)).toEqual({ offset: camera().length, foundAs: 'an MP4 video appended after the picture' });
    const xmp = segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:RDF><rdf:Description GCamera:MotionPhoto="1" GCamera:MotionPhotoVersion="1"/></rdf:RDF></x:xmpmeta>', 'latin1'));
    const still = withSegment(camera(), xmp);
    const motion = await endOf(Buffer.concat([still, video]));
    expect(motion.e).toMatchObject({ videoAt: still.length, motionPhoto: true });
    expect(codes(motion.e, motion.size)).toEqual(['MOTION_PHOTO:notice']);
    expect(appendedOfPicture(motion.e, motion.size)!.foundAs).toBe('the video of a motion photo, after the picture');
    const m = await readMetadata(motion.file, await probe(motion.file, await testTools()));
    expect(m.highlights.find((h) => h.label === 'After the picture')!.value).toBe(`an MP4 video from byte ${still.length} (${video.length} bytes), announced as a motion photo by the XMP`);
    expect(m.flags.map((f) => f.code)).toContain('MOTION_PHOTO');
  });

  it('pictures listed by the Multi-Picture Format index are expected; bytes beyond them are not', async () => {
    const second = camera();
    // The MPF segment's own length is fixed, so the primary's size is known before it is written.
    const probeSeg = mpfSegment(0, 0, 0);
    const primary = camera().length + probeSeg.length;
    const tiffAt = 2 + 8; // SOI, then the APP2 header and 'MPF\0'
    const jpeg = withSegment(camera(), mpfSegment(primary, primary - tiffAt, second.length));
    const { e, size } = await endOf(Buffer.concat([jpeg, second]));
    expect(e.mpf).toEqual([{ offset: primary, size: second.length }]);
    expect(codes(e, size)).toEqual([]);
    expect(describePictureEnd(e, size).group.mpfPictures).toBe('1 more picture listed by the Multi-Picture Format index (previews or depth maps)');
    expect(appendedOfPicture(e, size)).toBeNull();
    const more = await endOf(Buffer.concat([jpeg, second, Buffer.from('%PDF-1.4 hidden', 'latin1')]));
    expect(codes(more.e, more.size)).toEqual(['TRAILING_DATA:warning']);
    expect(describePictureEnd(more.e, more.size).group.afterPicture).toBe('15 bytes, beginning like a PDF document');
  });

  it('an MPF entry that is not a picture does not hide what it points at; stray bytes between segments are skipped as decoders skip them', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 3)]);
    const probeSeg = mpfSegment(0, 0, 0);
    const primary = camera().length + probeSeg.length;
    const forged = withSegment(camera(), mpfSegment(primary, primary - 10, zip.length));
    const { e, size } = await endOf(Buffer.concat([forged, zip]));
    expect(e.mpf).toEqual([]);
    expect(codes(e, size)).toEqual(['TRAILING_DATA:warning']);
    expect(describePictureEnd(e, size).group.afterPicture).toBe('204 bytes, beginning like a ZIP archive');
    // One stray byte before a marker of the header (libjpeg and FFmpeg decode the file all the same).
    const cam = camera();
    const stray = Buffer.concat([cam.subarray(0, 2), Buffer.from([0x00]), cam.subarray(2), zip]);
    const s2 = await endOf(stray);
    expect(s2.e).toMatchObject({ cutShort: false, end: cam.length + 1 });
    expect(codes(s2.e, s2.size)).toEqual(['TRAILING_DATA:warning']);
  });

  it("bytes between the picture and a video are reported on their own; Samsung's marker announces its motion photo", async () => {
    const video = fs.readFileSync(fixture('clip.mp4'));
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 3)]);
    const hidden = await endOf(Buffer.concat([camera(), zip, video]));
    expect(hidden.e.videoAt).toBe(camera().length + zip.length);
    expect(codes(hidden.e, hidden.size)).toEqual(['APPENDED_FILE:warning', 'TRAILING_DATA:warning']);
    expect(describePictureEnd(hidden.e, hidden.size).group.beforeVideo).toBe('104 bytes, beginning like a ZIP archive');
    const samsung = await endOf(Buffer.concat([camera(), Buffer.from('MotionPhoto_Data', 'latin1'), video, Buffer.from('SEFHtrailer', 'latin1')]));
    expect(samsung.e).toMatchObject({ motionPhoto: true, videoAt: camera().length + 16, beforeVideo: null });
    expect(codes(samsung.e, samsung.size)).toEqual(['MOTION_PHOTO:notice']);
  });

  it('never throws on scribbled or cut pictures', async () => {
    const base = Buffer.concat([camera(), Buffer.from('PK\x03\x04', 'latin1')]);
    const noise = seededBytes(31, 200_000);
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(base);
      const n = 1 + (noise[i * 3]! % 8);
      for (let k = 0; k < n; k++) b[2 + (noise.readUInt32BE(i * 37 + k * 4) % (b.length - 2))] = noise[i * 41 + k]!;
      const cut = i % 4 === 0 ? b.subarray(0, 2 + (noise.readUInt32BE(i * 13 + 7) % (b.length - 2))) : b;
      const { e, size } = await endOf(cut);
      expect(e.end).toBeLessThanOrEqual(size);
      describePictureEnd(e, size);
      appendedOfPicture(e, size);
    }
  });
});
