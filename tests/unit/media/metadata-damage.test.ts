/**
 * Damaged EXIF: one bad offset must cost only what it points to, and the report must say the
 * metadata is malformed, never that it was stripped. Files are made here (sharp + byte edits).
 */
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, readMetadata, type ResolvedTools } from '../../../src-main/core/media';
import { findExifBlock, walkTiff } from '../../../src-main/core/media/exif-tiff';
import { tagString } from '../../../src-main/core/media/metadata';
import { tempDir } from '../../helpers/core';
import { fixture, testTools } from './helpers';

const t = tempDir('mg-exif-damage-');
let tools: ResolvedTools;
let good: Buffer;
beforeAll(async () => {
  tools = await testTools();
  good = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
    .withExif({
      IFD0: { Make: 'Canon', Model: 'EOS 5D', Software: 'Photoshop', Artist: 'Jane Roe' },
      IFD2: { DateTimeOriginal: '2024:05:01 10:00:00' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
});
afterAll(() => t.cleanup());

const codes = (r: { flags: { code: string }[] }) => r.flags.map((f) => f.code);
const highlight = (r: { highlights: { label: string; value: string }[] }, label: string) => r.highlights.find((h) => h.label === label)?.value;

/** Where the TIFF block of a JPEG's Exif APP1 starts, and its byte order. */
function tiffOf(jpeg: Buffer) {
  const at = jpeg.indexOf(Buffer.from('Exif\0\0', 'latin1')) + 6;
  const le = jpeg.toString('latin1', at, at + 2) === 'II';
  const u16 = (o: number) => (le ? jpeg.readUInt16LE(at + o) : jpeg.readUInt16BE(at + o));
  const u32 = (o: number) => (le ? jpeg.readUInt32LE(at + o) : jpeg.readUInt32BE(at + o));
  const put32 = (b: Buffer, o: number, v: number) => (le ? b.writeUInt32LE(v, at + o) : b.writeUInt32BE(v, at + o));
  /** TIFF offset of the 12-byte IFD0 entry for a tag. */
  const entry = (tag: number) => {
    const ifd0 = u32(4);
    for (let i = 0; i < u16(ifd0); i++) if (u16(ifd0 + 2 + 12 * i) === tag) return ifd0 + 2 + 12 * i;
    throw new Error(`tag ${tag.toString(16)} not in IFD0`);
  };
  return { at, u32, put32, entry };
}

/** The good JPEG with one 32-bit field of its TIFF block overwritten. */
function patched(tiffOffset: (t: ReturnType<typeof tiffOf>) => number, value = 0x7fff0000): Buffer {
  const tf = tiffOf(good);
  const b = Buffer.from(good);
  tf.put32(b, tiffOffset(tf), value);
  return b;
}

async function reportOf(name: string, bytes: Buffer) {
  const p = path.join(t.dir, name);
  fs.writeFileSync(p, bytes);
  return readMetadata(p, await probe(p, tools));
}

describe('damaged EXIF', () => {
  it('reads the intact file in full (the baseline the damaged ones are compared with)', async () => {
    const r = await reportOf('good.jpg', good);
    expect(highlight(r, 'Camera')).toBe('Canon EOS 5D');
    expect(highlight(r, 'Software')).toBe('Photoshop');
    expect(highlight(r, 'Taken')).toBe('2024:05:01 10:00:00');
    expect(codes(r)).toContain('EDITING_SOFTWARE');
    expect(codes(r)).not.toContain('METADATA_DAMAGED');
  });

  it('one bad value offset in IFD0 loses only that tag, and the report says the metadata is malformed', async () => {
    // exifr alone drops the whole TIFF segment here: no camera, no software, "stripped".
    const r = await reportOf('bad-artist.jpg', patched((tf) => tf.entry(0x013b) + 8));
    expect(highlight(r, 'Camera')).toBe('Canon EOS 5D');
    expect(highlight(r, 'Software')).toBe('Photoshop');
    expect(highlight(r, 'Taken')).toBe('2024:05:01 10:00:00');
    expect(highlight(r, 'Author')).toBeUndefined();
    expect(r.groups.ifd0?.Artist).toBeUndefined();
    expect(r.groups.ifd0?.Orientation).toBe('Horizontal (normal)'); // values translated as exifr does
    expect(codes(r)).toEqual(expect.arrayContaining(['METADATA_DAMAGED', 'EDITING_SOFTWARE']));
    expect(codes(r)).not.toContain('NO_METADATA');
    expect(codes(r)).not.toContain('NO_CAMERA_DATA');
    const flag = r.flags.find((f) => f.code === 'METADATA_DAMAGED')!;
    expect(flag.severity).toBe('warning');
    expect(flag.message).toMatch(/Artist \(0x013b\) points outside/);
    expect(flag.message).not.toMatch(/was stripped/);
  });

  it('a bad EXIF sub-IFD pointer keeps IFD0 and is reported (exifr drops it silently)', async () => {
    const r = await reportOf('bad-exif-ptr.jpg', patched((tf) => tf.entry(0x8769) + 8));
    expect(highlight(r, 'Camera')).toBe('Canon EOS 5D');
    expect(highlight(r, 'Taken')).toBeUndefined();
    expect(r.flags.find((f) => f.code === 'METADATA_DAMAGED')?.message).toMatch(/EXIF pointer \(0x8769\) points to EXIF IFD at offset 2147418112/);
  });

  it('an unreadable IFD0 is damage, not stripping', async () => {
    const r = await reportOf('bad-ifd0.jpg', patched(() => 4));
    expect(r.highlights.find((h) => h.label === 'Camera')).toBeUndefined();
    expect(codes(r)).toContain('METADATA_DAMAGED');
    expect(codes(r)).not.toContain('NO_METADATA');
    expect(r.flags.find((f) => f.code === 'METADATA_DAMAGED')?.message).toMatch(/None of its tags could be read/);
  });

  it('an EXIF block cut short keeps the tags before the cut', async () => {
    // APP1 shortened to end where the EXIF sub-IFD begins: IFD0 and its values survive, the rest is outside.
    const tf = tiffOf(good);
    const app1Len = good.readUInt16BE(tf.at - 8);
    const tiffBytes = tf.u32(tf.entry(0x8769) + 8);
    const seg = 2 + 6 + tiffBytes;
    const cut = Buffer.concat([good.subarray(0, tf.at - 10), Buffer.from([0xff, 0xe1, seg >> 8, seg & 0xff]), good.subarray(tf.at - 6, tf.at + tiffBytes), good.subarray(tf.at - 8 + app1Len)]);
    const r = await reportOf('short-app1.jpg', cut);
    expect(highlight(r, 'Camera')).toBe('Canon EOS 5D');
    expect(highlight(r, 'Taken')).toBeUndefined();
    expect(codes(r)).toContain('METADATA_DAMAGED');
    expect(codes(r)).not.toContain('NO_METADATA');
    // A file that ends inside its EXIF segment is marked truncated.
    expect(findExifBlock(good.subarray(0, tf.at + 40), 'jpeg')).toMatchObject({ truncated: true });
    expect(findExifBlock(good, 'jpeg')).toMatchObject({ truncated: false });
  });

  it('walks every IFD of well-formed files without a complaint, agreeing with exifr', async () => {
    for (const name of ['camera.jpg', 'edited.jpg', 'gimp.jpg', 'rotated.jpg', 'plain.tiff']) {
      const bytes = fs.readFileSync(fixture(name));
      const block = findExifBlock(bytes, name.endsWith('.tiff') ? 'tiff' : 'jpeg');
      expect(block, name).not.toBeNull();
      const walk = walkTiff(block!.tiff);
      expect(walk.problems, name).toEqual([]);
      const ref = (await exifr.parse(bytes, { tiff: true, ifd1: true, exif: true, gps: true, interop: true, makerNote: false, userComment: true, mergeOutput: false, translateValues: true, reviveValues: false, sanitize: true })) as Record<string, Record<string, unknown>>;
      for (const g of ['ifd0', 'exif', 'gps', 'ifd1'] as const) {
        const mine = Object.fromEntries(Object.entries(walk.groups[g]).map(([k, v]) => [k, tagString(v)]));
        const theirs = Object.fromEntries(Object.entries(ref[g] ?? {}).map(([k, v]) => [k, tagString(v)]));
        expect(mine, `${name} ${g}`).toEqual(theirs);
      }
    }
    expect(walkTiff(findExifBlock(fs.readFileSync(fixture('camera.jpg')), 'jpeg')!.tiff).thumbnail?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('survives hostile IFDs: bad types, entry counts past the end, loops', () => {
    // Big-endian TIFF: IFD0 at 8 with 2 entries (one with type 99), next-IFD link back to itself.
    const b = Buffer.alloc(8 + 2 + 24 + 4);
    b.write('MM', 0, 'latin1');
    b.writeUInt16BE(42, 2);
    b.writeUInt32BE(8, 4);
    b.writeUInt16BE(2, 8);
    b.writeUInt16BE(0x0112, 10); // Orientation, SHORT, 1 value: 6
    b.writeUInt16BE(3, 12);
    b.writeUInt32BE(1, 14);
    b.writeUInt16BE(6, 18);
    b.writeUInt16BE(0x010f, 22); // Make with an invalid type
    b.writeUInt16BE(99, 24);
    b.writeUInt32BE(1, 26);
    b.writeUInt32BE(8, 34); // next IFD = IFD0 again
    const w = walkTiff(b);
    expect(w.groups.ifd0).toEqual({ Orientation: 'Rotate 90 CW' });
    expect(w.problems.join('\n')).toMatch(/Make \(0x010f\) has an invalid value type 99/);
    expect(w.problems.join('\n')).toMatch(/loop/);
    const many = Buffer.from(b);
    many.writeUInt16BE(60_000, 8);
    const w2 = walkTiff(many);
    expect(w2.problems[0]).toMatch(/declares 60000 entries but only 2 fit/);
    expect(w2.groups.ifd0.Orientation).toBe('Rotate 90 CW');
    expect(walkTiff(Buffer.from('not a tiff at all')).problems[0]).toMatch(/TIFF header/);
    // A prefix of a big TIFF (complete: false): offsets past the read part are not damage.
    const prefix = Buffer.from(b);
    prefix.writeUInt32BE(1_000_000, 34);
    expect(walkTiff(prefix, { complete: false }).problems.filter((p) => !/invalid value type/.test(p))).toEqual([]);
  });
});
