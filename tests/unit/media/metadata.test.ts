import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { probe, readMetadata } from '../../../src-main/core/media';
import { estimateJpegQuality, parseDqt } from '../../../src-main/core/media/jpeg-quality';
import { xmpPacket } from '../../helpers/mp4-boxes';
import { texture } from '../../helpers/textures';
import { fixture, testTools } from './helpers';

async function report(name: string) {
  const p = fixture(name);
  return readMetadata(p, await probe(p, await testTools()));
}
const codes = (r: { flags: { code: string }[] }) => r.flags.map((f) => f.code);
const highlight = (r: { highlights: { label: string; value: string }[] }, label: string) => r.highlights.find((h) => h.label === label)?.value;

describe('readMetadata (images)', () => {
  it('reads camera, dates, GPS and a matching embedded thumbnail from a camera-like JPEG', async () => {
    const r = await report('camera.jpg');
    expect(highlight(r, 'Camera')).toBe('Canon Canon EOS 80D');
    expect(highlight(r, 'Taken')).toBe('2024:05:01 10:00:00');
    expect(highlight(r, 'GPS')).toBe('48.858222, 2.294500');
    expect(highlight(r, 'JPEG quality')).toMatch(/≈88/);
    expect(r.hasEmbeddedThumbnail).toBe(true);
    expect(r.thumbnailDiffers).toBe(false);
    expect(r.groups.gps?.GPSLatitudeRef).toBe('N');
    expect(codes(r)).not.toContain('EDITING_SOFTWARE');
    expect(codes(r)).not.toContain('THUMBNAIL_DIFFERS');
  });

  it('flags an edited JPEG: editor, thumbnail of other content, late modification, stale EXIF size', async () => {
    const r = await report('edited.jpg');
    expect(r.thumbnailDiffers).toBe(true);
    expect(codes(r)).toEqual(expect.arrayContaining(['EDITING_SOFTWARE', 'THUMBNAIL_DIFFERS', 'MODIFIED_AFTER_CAPTURE', 'DIMENSION_MISMATCH']));
    expect(r.flags.find((f) => f.code === 'THUMBNAIL_DIFFERS')?.severity).toBe('warning');
  });

  it('reads EXIF written by sharp (withExif): editing software and no camera', async () => {
    const r = await report('gimp.jpg');
    expect(highlight(r, 'Software')).toBe('GIMP 2.10.36');
    expect(codes(r)).toEqual(expect.arrayContaining(['EDITING_SOFTWARE', 'NO_CAMERA_DATA']));
  });

  it('reads the XMP edit history, and names an editor found only there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-xmp-'));
    try {
      const p = path.join(dir, 'history.jpg');
      // The camera's creator tool is kept; the editor that re-saved the picture left its name in xmpMM:History.
      await sharp(Buffer.from(texture(96, 64, 5).data), { raw: { width: 96, height: 64, channels: 3 } })
        .withXmp(xmpPacket('Canon EOS 80D', ['Adobe Photoshop 25.0 (Macintosh)', 'Adobe Photoshop 25.0 (Macintosh)']))
        .jpeg()
        .toFile(p);
      const r = await readMetadata(p, await probe(p, await testTools()));
      expect(r.groups.xmp).toMatchObject({
        CreatorTool: 'Canon EOS 80D',
        DocumentID: 'xmp.did:0001',
        HistorySoftwareAgent: 'Adobe Photoshop 25.0 (Macintosh)',
        History: 'saved by Adobe Photoshop 25.0 (Macintosh) at 2024-03-01T11:00:00Z; saved by Adobe Photoshop 25.0 (Macintosh) at 2024-03-02T11:00:00Z',
      });
      expect(r.flags.find((f) => f.code === 'EDITING_SOFTWARE')?.message).toBe('Written by editing software: "Adobe Photoshop 25.0 (Macintosh)".');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says metadata was stripped, and handles formats without EXIF', async () => {
    const r = await report('stripped.jpg');
    expect(codes(r)).toContain('NO_METADATA');
    expect(r.hasEmbeddedThumbnail).toBe(false);
    expect(r.thumbnailDiffers).toBeNull();
    expect(codes(await report('plain.bmp'))).toContain('NO_METADATA');
    expect(codes(await report('anim.gif'))).toContain('NO_METADATA');
  });
});

describe('readMetadata (videos)', () => {
  it('reports container and stream tags, the x264 settings and re-encoding traces', async () => {
    const r = await report('clip.mp4');
    expect(r.groups.container?.encoder).toMatch(/^Lavf/);
    expect(r.groups.encoder?.x264).toMatch(/^core \d+; .*crf=/);
    expect(codes(r)).toEqual(expect.arrayContaining(['REENCODED', 'NO_CAMERA_DATA', 'NO_CREATION_TIME']));
    expect(highlight(r, 'Video')).toMatch(/h264.*320×240.*25 fps/);
    expect(highlight(r, 'Duration')).toMatch(/^4\.0\d s$/);
    const rot = await report('rotated.mp4');
    expect(highlight(rot, 'Rotation')).toBe('90°');
  });
});

describe('JPEG quality estimate', () => {
  it('recovers the libjpeg quality and tells standard tables from custom ones', async () => {
    const img = sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } });
    for (const q of [50, 75, 95]) {
      const buf = await img.clone().jpeg({ quality: q }).toBuffer();
      expect(estimateJpegQuality(parseDqt(buf))).toEqual({ quality: q, standardTables: true });
    }
    const moz = await img.clone().jpeg({ quality: 75, mozjpeg: true }).toBuffer();
    expect(estimateJpegQuality(parseDqt(moz))?.standardTables).toBe(false);
    expect(estimateJpegQuality(parseDqt(Buffer.from([0xff, 0xd8, 0xff, 0xd9])))).toBeNull();
  });
});

describe('JPEG compression history in the metadata report', () => {
  it('says whether the file was saved twice, at what earlier quality, and why it could not tell', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-hist-'));
    try {
      const img = texture(400, 300, 8);
      const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };
      const once = await sharp(Buffer.from(img.data), raw).jpeg({ quality: 90 }).toBuffer();
      const twice = await sharp(await sharp(Buffer.from(img.data), raw).jpeg({ quality: 65 }).toBuffer()).jpeg({ quality: 90 }).toBuffer();
      const progressive = await sharp(twice).jpeg({ quality: 90, progressive: true }).toBuffer();
      const at = async (name: string, buf: Buffer) => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, buf);
        return readMetadata(p, await probe(p, await testTools()));
      };
      const r1 = await at('once.jpg', once);
      expect(highlight(r1, 'Compression history')).toBe('no sign of an earlier, lower-quality JPEG compression on the same grid');
      expect(codes(r1)).not.toContain('RECOMPRESSED');
      expect(r1.groups.jpeg?.compressionHistory).toBe('no earlier lower-quality compression seen');
      const r2 = await at('twice.jpg', twice);
      expect(highlight(r2, 'Compression history')).toMatch(/^saved as JPEG at least twice \(earlier at quality ≈6[3-7]\)$/);
      expect(r2.flags.find((f) => f.code === 'RECOMPRESSED')).toMatchObject({ severity: 'notice', message: expect.stringMatching(/earlier compression on the same 8×8 grid at quality ≈6[3-7], before the present one at ≈90/) });
      expect(r2.groups.jpeg?.earlierQuality).toMatch(/^6[3-7]$/);
      const r3 = await at('progressive.jpg', progressive);
      // Progressive files are read too (the same coefficients as a sequential one).
      expect(highlight(r3, 'Compression history')).toMatch(/^saved as JPEG at least twice \(earlier at quality ≈6[3-7]\)$/);
      expect(codes(r3)).toContain('RECOMPRESSED');
      // A cut file: the metadata report still comes back, with the reason.
      const r4 = await at('cut.jpg', twice.subarray(0, Math.floor(twice.length * 0.7)));
      expect(highlight(r4, 'Compression history')).toMatch(/^not analysed: damaged JPEG data/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
