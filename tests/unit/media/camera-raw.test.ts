/**
 * Camera raw files (DNG and the TIFF-based makers' raws): the largest embedded preview is the
 * picture, the sensor data is named and never developed, a raw with no preview is refused clearly,
 * the smaller previews are compared with the analysed one, and damaged directories cost only
 * themselves. Files are written by tests/helpers/camera-raw-files.ts after the DNG specification.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, onTestFinished } from 'vitest';
import { meanAbsDiff, probe, readMetadata } from '../../../src-main/core/media';
import { cameraRawOf, readTiffDirs } from '../../../src-main/core/media/camera-raw';
import { decodeImage } from '../../../src-main/core/media/image-decode';
import { buildCameraRaw } from '../../helpers/camera-raw-files';
import { tempDir } from '../../helpers/core';
import { fixture, rejectsWith, testTools } from './helpers';

const rgb = async (input: Buffer | string, width?: number, height?: number) => {
  let img = sharp(input);
  if (width && height) img = img.resize(width, height, { fit: 'fill' });
  const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
};

describe('camera raw files (DNG and TIFF-based raws)', () => {
  const write = (name: string, bytes: Buffer) => {
    const { dir, cleanup } = tempDir('raw-');
    onTestFinished(cleanup);
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    return p;
  };

  it('analyses the largest rendered preview, names the sensor data, and reads no pixels of the thumbnail in IFD0', async () => {
    const jpeg = fs.readFileSync(fixture('camera.jpg')); // 640×480
    const small = await sharp(jpeg).resize(320, 240).jpeg({ quality: 85 }).toBuffer();
    const thumb = await rgb(jpeg, 160, 120);
    for (const order of ['II', 'MM'] as const) {
      const p = write(
        'photo.dng',
        buildCameraRaw({ order, thumbnail: { width: 160, height: 120, rgb: thumb.data }, previews: [{ jpeg: small, width: 320, height: 240 }, { jpeg, width: 640, height: 480 }], sensor: { width: 660, height: 496 } }),
      );
      const raw = cameraRawOf(fs.readFileSync(p))!;
      expect(raw, order).toMatchObject({ dngVersion: '1.4.0.0', orientation: 1, sensor: { width: 660, height: 496, bitsPerSample: 16, where: 'IFD0 › sub-IFD 1' } });
      expect(raw.previews.map((x) => [x.dir.width, x.coding, x.dir.where])).toEqual([
        [640, 'jpeg', 'IFD0 › sub-IFD 3'],
        [320, 'jpeg', 'IFD0 › sub-IFD 2'],
        [160, 'rgb', 'IFD0'],
      ]);
      const info = await probe(p, await testTools());
      expect(info).toMatchObject({ kind: 'image', format: 'tiff', mime: 'image/x-adobe-dng', width: 640, height: 480, rotation: 0, frameCount: 1 });
      expect(info.tags).toMatchObject({ cameraRaw: 'DNG 1.4.0.0; sensor data 660×496, 16-bit colour filter array', analysedPreview: '640×480 JPEG (IFD0 › sub-IFD 3)' });
      const warning = info.warnings?.find((w) => w.code === 'CAMERA_RAW');
      expect(warning?.severity).toBe('warning');
      expect(warning?.message).toMatch(/^"photo\.dng" is a camera raw file \(DNG 1\.4\.0\.0; sensor data 660×496.*does not develop raw sensor data: what was analysed is the 640×480 JPEG preview the file embeds/);
      const img = await decodeImage(p, info);
      expect(img.data.equals((await rgb(jpeg)).data)).toBe(true);
      const fitted = await decodeImage(p, info, { maxSide: 200 });
      expect([fitted.width, fitted.height]).toEqual([200, 150]);
    }
  });

  it('shows every one of the eight EXIF orientations upright, and probes the turned size', async () => {
    // A 4×3 RGB preview with a distinct value per pixel: where each stored pixel must land.
    const W = 4;
    const H = 3;
    const stored = Buffer.alloc(W * H * 3);
    for (let i = 0; i < W * H; i++) stored.fill(i * 20, 3 * i, 3 * i + 3);
    const at = (x: number, y: number) => y * W + x;
    // Display (x, y) ← stored pixel, per orientation (TIFF 6.0 / EXIF).
    const source: Record<number, (x: number, y: number) => number> = {
      1: (x, y) => at(x, y),
      2: (x, y) => at(W - 1 - x, y),
      3: (x, y) => at(W - 1 - x, H - 1 - y),
      4: (x, y) => at(x, H - 1 - y),
      5: (x, y) => at(y, x),
      6: (x, y) => at(y, H - 1 - x),
      7: (x, y) => at(W - 1 - y, H - 1 - x),
      8: (x, y) => at(W - 1 - y, x),
    };
    for (let o = 1; o <= 8; o++) {
      const p = write('turned.dng', buildCameraRaw({ thumbnail: { width: W, height: H, rgb: stored }, sensor: { width: 8, height: 6 }, orientation: o }));
      const info = await probe(p, await testTools());
      const [dw, dh] = o >= 5 ? [H, W] : [W, H];
      expect([info.width, info.height], `orientation ${o}`).toEqual([dw, dh]);
      const img = await decodeImage(p, info);
      expect([img.width, img.height], `orientation ${o}`).toEqual([dw, dh]);
      const got: number[] = [];
      const want: number[] = [];
      for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) {
        got.push(img.data[3 * (y * dw + x)]!);
        want.push(source[o]!(x, y) * 20);
      }
      expect(got, `orientation ${o}`).toEqual(want);
    }
  });

  it('refuses a raw file holding only sensor data with a clear error, and says what to do', async () => {
    const p = write('sensor-only.dng', buildCameraRaw({ sensor: { width: 300, height: 200 } }));
    const err = await rejectsWith(probe(p, await testTools()), 'UNSUPPORTED_MEDIA');
    expect(err.message).toBe(
      '"sensor-only.dng" is a camera raw file (DNG 1.4.0.0; sensor data 300×200, 16-bit colour filter array) with no preview MediaGuard can decode, only undeveloped sensor data. ' +
        'MediaGuard does not develop raw sensor data: develop the file to TIFF or JPEG with a raw converter and analyse that copy (the raw file stays the evidence; its hashes identify it).',
    );
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2000, 0x52)]);
    const broken = write('broken.dng', buildCameraRaw({ previews: [{ jpeg: garbage, width: 640, height: 480 }], sensor: { width: 64, height: 48 } }));
    const bad = await rejectsWith(probe(broken, await testTools()), 'UNSUPPORTED_MEDIA');
    expect(bad.message).toMatch(/^"broken\.dng" is a camera raw file \(DNG 1\.4\.0\.0; sensor data 64×48, 16-bit colour filter array\) whose 640×480 JPEG preview \(IFD0 › sub-IFD 1\) is damaged: \S/);
  });

  it('recognises a maker’s TIFF-based raw by its sensor data (no DNG tags), under its own extension', async () => {
    const jpeg = fs.readFileSync(fixture('camera.jpg'));
    const p = write('DSC_0001.NEF', buildCameraRaw({ order: 'MM', dngVersion: null, previews: [{ jpeg, width: 640, height: 480 }], sensor: { width: 660, height: 496 } }));
    const info = await probe(p, await testTools());
    expect(info).toMatchObject({ format: 'tiff', mime: 'image/tiff', width: 640, height: 480 });
    expect(info.warnings?.map((w) => w.code)).toEqual(['CAMERA_RAW']); // .nef belongs to TIFF: no extension mismatch
    expect(info.tags.cameraRaw).toBe('a camera maker’s TIFF-based raw format; sensor data 660×496, 16-bit colour filter array');
  });

  it('leaves ordinary TIFF files alone (single and multi-page)', async () => {
    const one = await sharp(fixture('camera.jpg')).tiff().toBuffer();
    expect(cameraRawOf(one)).toBeNull();
    expect(readTiffDirs(one).dirs).toHaveLength(1);
    const pages = await sharp(fixture('camera.jpg')).resize(64, 48).tiff().toBuffer();
    const multi = await sharp([pages, pages], { join: { animated: true } }).tiff().toBuffer();
    expect((await sharp(multi).metadata()).pages).toBe(2);
    expect(cameraRawOf(multi)).toBeNull();
    const p = write('plain.tif', one);
    const info = await probe(p, await testTools());
    expect(info.warnings ?? []).toEqual([]);
    expect(info.tags.cameraRaw).toBeUndefined();
  });

  it('reads the camera raw facts into the metadata and compares the smaller previews with the analysed one', async () => {
    const jpeg = fs.readFileSync(fixture('camera.jpg'));
    const same = await rgb(jpeg, 160, 120);
    const other = await rgb(fixture('edited.jpg'), 160, 120);
    expect(meanAbsDiff(same.data, other.data)).toBeGreaterThan(30);
    const report = async (thumb: Buffer, orientation = 1) => {
      const p = write('photo.dng', buildCameraRaw({ thumbnail: { width: 160, height: 120, rgb: thumb }, previews: [{ jpeg, width: 640, height: 480 }], sensor: { width: 660, height: 496 }, orientation }));
      return readMetadata(p, await probe(p, await testTools()));
    };
    const ok = await report(same.data);
    expect(ok.highlights).toEqual(expect.arrayContaining([{ label: 'Camera raw', value: 'DNG 1.4.0.0; sensor data 660×496, 16-bit colour filter array' }, { label: 'Camera', value: 'Acme Acme R1' }]));
    expect(ok.groups.cameraRaw).toEqual({
      format: 'DNG 1.4.0.0',
      sensorData: '660×496, 16-bit (IFD0 › sub-IFD 1)',
      previews: '640×480 JPEG (IFD0 › sub-IFD 2); 160×120 RGB (IFD0)',
      analysed: 'the largest preview; raw sensor data is not developed',
    });
    expect(ok.flags.map((f) => f.code)).not.toContain('THUMBNAIL_DIFFERS');
    expect(ok.thumbnailDiffers).toBe(false);
    expect(ok.hasEmbeddedThumbnail).toBe(true);
    // Turned files store their previews the same way: still consistent.
    expect((await report(same.data, 6)).thumbnailDiffers).toBe(false);
    const edited = await report(other.data);
    expect(edited.thumbnailDiffers).toBe(true);
    expect(edited.flags.find((f) => f.code === 'THUMBNAIL_DIFFERS')?.message).toBe(
      'The 160×120 preview this camera raw file stores (IFD0) shows different content from its 640×480 preview, the one analysed: one of them was edited or replaced after the camera wrote them.',
    );
  });

  it('survives damaged directories: a loop, offsets past the end, cut files and garbled bytes never throw', async () => {
    const jpeg = fs.readFileSync(fixture('camera.jpg'));
    const thumb = await rgb(jpeg, 160, 120);
    const src = buildCameraRaw({ thumbnail: { width: 160, height: 120, rgb: thumb.data }, previews: [{ jpeg, width: 640, height: 480 }], sensor: { width: 66, height: 50 } });
    // A SubIFD pointer back to IFD0: read once.
    const ifd0 = src.readUInt32LE(4);
    const looped = Buffer.from(src);
    const n = looped.readUInt16LE(ifd0);
    for (let i = 0; i < n; i++) {
      const e = ifd0 + 2 + 12 * i;
      if (looped.readUInt16LE(e) === 330) looped.writeUInt32LE(ifd0, looped.readUInt32LE(e + 8)); // first SubIFD → IFD0
    }
    expect(readTiffDirs(looped).dirs.filter((d) => d.where === 'IFD0')).toHaveLength(1);
    // The big preview's strip moved past the end: that preview is dropped, the next one is the picture.
    const big = cameraRawOf(src)!.previews[0]!.dir;
    const entry = Buffer.alloc(12);
    entry.writeUInt16LE(273, 0);
    entry.writeUInt16LE(4, 2);
    entry.writeUInt32LE(1, 4);
    entry.writeUInt32LE(big.strips![0]!.offset, 8);
    const moved = Buffer.from(src);
    const e = moved.indexOf(entry);
    expect(e).toBeGreaterThan(0);
    moved.writeUInt32LE(moved.length - 10, e + 8);
    expect(cameraRawOf(moved)!.previews.map((p) => p.dir.where)).toEqual(['IFD0']);
    const cut = src.subarray(0, big.strips![0]!.offset + 100);
    // (The IFDs sit after their data, so a cut file loses its directories: nothing to read, nothing thrown.)
    expect(() => cameraRawOf(cut)).not.toThrow();
    let seed = 0x9e3779b9;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    let found = 0;
    for (let v = 0; v < 300; v++) {
      const b = Buffer.from(src);
      // Garble the directories (the last 2 KB: IFDs and their values) or cut the file anywhere.
      if (v % 3 === 0) {
        const r = cameraRawOf(b.subarray(0, rnd() % b.length));
        if (r) found++;
        continue;
      }
      for (let k = 0; k < 1 + (v % 9); k++) b[b.length - 1 - (rnd() % 2048)] = rnd() & 255;
      const r = cameraRawOf(b);
      if (!r) continue;
      found++;
      for (const p of r.previews) {
        for (const s of p.dir.strips ?? []) expect(s.offset + s.length).toBeLessThanOrEqual(b.length);
      }
    }
    expect(found).toBeGreaterThan(0);
  });
});
