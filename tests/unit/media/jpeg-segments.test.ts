import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegHeaderSegments } from '../../../src-main/core/media/jpeg-segments';
import { findExifBlock } from '../../../src-main/core/media/exif-tiff';
import { parseDqt } from '../../../src-main/core/media/jpeg-quality';
import { readJpegComments } from '../../../src-main/core/media/picture-texts';
import { seededBytes } from '../../helpers/hostile-corpus';

/** A marker segment: 0xFF, marker, big-endian length (payload + 2), payload. */
function seg(marker: number, payload: Buffer | string): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(p.length + 2, 2);
  return Buffer.concat([head, p]);
}
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
const SOS = seg(0xda, Buffer.from([1, 1, 0, 0, 63, 0]));
const list = (b: Buffer) => [...jpegHeaderSegments(b)].map((s) => ({ marker: s.marker, offset: s.offset, payload: s.payload.toString('latin1'), truncated: s.truncated }));

describe('jpegHeaderSegments', () => {
  it('lists the header segments in order, skipping fill bytes and stand-alone markers, and stops at the first scan', () => {
    const app1 = seg(0xe1, 'Exif\0\0MM');
    const com = seg(0xfe, 'hello');
    const b = Buffer.concat([SOI, app1, Buffer.from([0xff, 0xff, 0xff]), com, Buffer.from([0xff, 0xd0, 0xff, 0x01]), seg(0xfe, 'two'), SOS, seg(0xfe, 'after the scan'), EOI]);
    expect(list(b)).toEqual([
      { marker: 0xe1, offset: 2, payload: 'Exif\0\0MM', truncated: false },
      { marker: 0xfe, offset: 2 + app1.length + 3, payload: 'hello', truncated: false },
      { marker: 0xfe, offset: 2 + app1.length + 3 + com.length + 4, payload: 'two', truncated: false },
    ]);
    expect(list(Buffer.concat([SOI, seg(0xfe, 'x'), EOI, seg(0xfe, 'after the end')])).map((s) => s.payload)).toEqual(['x']);
  });

  it('returns a segment cut by the end of the bytes, marked truncated', () => {
    const b = Buffer.concat([SOI, seg(0xfe, 'whole'), seg(0xe1, 'Exif\0\0II*\0 and more').subarray(0, 12)]);
    expect(list(b)).toEqual([
      { marker: 0xfe, offset: 2, payload: 'whole', truncated: false },
      { marker: 0xe1, offset: 11, payload: 'Exif\0\0II', truncated: true },
    ]);
    // The readers built on it keep what they used to: a cut EXIF block says so, a cut comment is read as far as it goes.
    expect(findExifBlock(b, 'jpeg')).toMatchObject({ truncated: true });
    expect(findExifBlock(b, 'jpeg')!.tiff.toString('latin1')).toBe('II');
    expect(readJpegComments(Buffer.concat([SOI, seg(0xfe, 'a comment cut short').subarray(0, 13)]))).toEqual(['a comment']);
  });

  it('stops at bytes that are not a marker, a length under 2, and reads nothing without a start of image', () => {
    expect(list(Buffer.concat([SOI, seg(0xfe, 'a'), Buffer.from('junk'), seg(0xfe, 'b')])).map((s) => s.payload)).toEqual(['a']);
    expect(list(Buffer.concat([SOI, seg(0xfe, 'a'), Buffer.from([0xff, 0xfe, 0, 1]), seg(0xfe, 'b')])).map((s) => s.payload)).toEqual(['a']);
    expect(list(Buffer.concat([Buffer.from([0]), SOI, seg(0xfe, 'a')]))).toEqual([]);
    expect(list(Buffer.from([0xff, 0xd8, 0xff]))).toEqual([]);
    expect(list(Buffer.alloc(0))).toEqual([]);
    // A run of fill bytes as long as the file ends the walk at the end of the bytes.
    expect(list(Buffer.concat([SOI, Buffer.alloc(1 << 20, 0xff)]))).toEqual([]);
  });

  it('tiles the header of an encoder’s JPEG from SOI to its scan, and reads its tables and EXIF', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 24, channels: 3, background: { r: 200, g: 30, b: 90 } } })
      .withMetadata({ exif: { IFD0: { Software: 'segment test' } } })
      .jpeg({ quality: 75 })
      .toBuffer();
    const segs = [...jpegHeaderSegments(jpeg)];
    let pos = 2;
    for (const s of segs) {
      expect(s.offset).toBe(pos);
      expect(jpeg[s.offset]).toBe(0xff);
      pos = s.offset + 4 + s.payload.length;
    }
    expect(jpeg.subarray(pos, pos + 2)).toEqual(Buffer.from([0xff, 0xda]));
    const markers = segs.map((s) => s.marker);
    expect(markers).toEqual(expect.arrayContaining([0xe1, 0xdb, 0xc4]));
    expect(markers.some((m) => m === 0xc0 || m === 0xc2)).toBe(true);
    expect(segs.every((s) => !s.truncated)).toBe(true);
    expect(parseDqt(jpeg).size).toBeGreaterThan(0);
    expect(findExifBlock(jpeg, 'jpeg')!.tiff.subarray(0, 2).toString('latin1')).toMatch(/^(MM|II)$/);
  });

  it('never throws on random or mangled bytes', () => {
    for (let i = 0; i < 200; i++) {
      const junk = seededBytes(i, 64 + i * 7);
      const b = Buffer.concat([SOI, junk]);
      expect(() => [...jpegHeaderSegments(b)]).not.toThrow();
      expect(() => parseDqt(Buffer.concat([SOI, seg(0xdb, junk)]))).not.toThrow();
    }
  });
});
