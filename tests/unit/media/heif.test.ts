/**
 * HEIC/HEIF intake: probe, decode (libheif in WebAssembly), EXIF from the Exif item, and the
 * damaged, cut, oversized and rotated cases. Fixtures are written by libheif's own encoder
 * (heif-enc, scripts/make-fixtures.mjs); the rotated ones by box surgery (tests/helpers/heif-boxes).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, onTestFinished } from 'vitest';
import { extractFrames, meanAbsDiff, probe, readMetadata } from '../../../src-main/core/media';
import { findExifBlock } from '../../../src-main/core/media/exif-tiff';
import { decodeHeif, readHeifHeader } from '../../../src-main/core/media/heif';
import { decodeImage } from '../../../src-main/core/media/image-decode';
import { heifItems, heifThumbnailIds } from '../../../src-main/core/media/isobmff';
import { AppError } from '../../../src-shared/result';
import { tempDir } from '../../helpers/core';
import { heifEnc, withGrid, withRotation, withThumbnailOf } from '../../helpers/heif-boxes';
import { fixture, rejectsWith, testTools } from './helpers';

const rgbOf = async (name: string) => {
  const { data, info } = await sharp(fixture(name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
};

/** Where the yellow sun of the fixtures' scene 'a' is, as fractions of the width and height. */
function sunAt(img: { width: number; height: number; data: Uint8Array }): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      if (r > 220 && g > 170 && g < 240 && b < 110) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  if (n === 0) throw new Error('no sun found');
  return [sx / n / img.width, sy / n / img.height];
}

describe('HEIC/HEIF pictures', () => {
  it('probes a HEIC by its content: size, format, no frames warning', async () => {
    const info = await probe(fixture('camera.heic'), await testTools());
    expect(info).toMatchObject({ kind: 'image', format: 'heif', mime: 'image/heif', width: 640, height: 480, rotation: 0, frameCount: 1 });
    expect(info.warnings ?? []).toEqual([]);
  });

  it('decodes the same picture as the JPEG it was encoded from (HEVC q60 vs the JPEG)', async () => {
    const tools = await testTools();
    const info = await probe(fixture('camera.heic'), tools);
    const heic = await decodeImage(fixture('camera.heic'), info, { tools });
    const jpeg = await rgbOf('camera.jpg');
    expect([heic.width, heic.height]).toEqual([640, 480]);
    expect(meanAbsDiff(heic.data, jpeg.data)).toBeLessThan(4);
    // Not just any picture: the other scene is far away.
    const other = await sharp(fixture('edited.jpg')).removeAlpha().raw().toBuffer();
    expect(meanAbsDiff(heic.data, other)).toBeGreaterThan(30);
  });

  it('scales to maxSide like every other format, and goes through extractFrames', async () => {
    const tools = await testTools();
    const info = await probe(fixture('camera.heic'), tools);
    const small = await decodeImage(fixture('camera.heic'), info, { tools, maxSide: 160 });
    expect([small.width, small.height]).toEqual([160, 120]);
    const { frames, sampling } = await extractFrames(fixture('camera.heic'), info, tools, { strategy: { kind: 'even', count: 4 } });
    expect(sampling.method).toBe('image');
    expect(frames).toHaveLength(1);
    expect(frames[0]!.data.length).toBe(640 * 480 * 3);
  });

  it('reads 10-bit HEIC as 8-bit RGB and drops alpha', async () => {
    const tools = await testTools();
    const png = await rgbOf('plain.png');
    for (const name of ['plain.heic', 'deep.heic']) {
      const img = await decodeImage(fixture(name), await probe(fixture(name), tools), { tools });
      expect(img.data.length, name).toBe(64 * 48 * 3);
      expect(meanAbsDiff(img.data, png.data), name).toBeLessThan(6);
    }
  });

  it('analyses the primary picture of a file holding two, and says so', async () => {
    const tools = await testTools();
    const info = await probe(fixture('multi.heic'), tools);
    expect(info.frameCount).toBe(2);
    expect(info.warnings?.find((w) => w.code === 'MULTI_FRAME_IMAGE')?.message).toMatch(/holds 2 pictures; only its primary picture is analysed/);
    const img = await decodeImage(fixture('multi.heic'), info, { tools });
    const a = await rgbOf('plain.png'); // scene a, the first picture given to the encoder
    const b = await sharp(fixture('edited.jpg')).resize(64, 48, { fit: 'fill' }).removeAlpha().raw().toBuffer(); // scene b
    expect(meanAbsDiff(img.data, a.data)).toBeLessThan(6);
    expect(meanAbsDiff(img.data, b)).toBeGreaterThan(30);
  });

  it('applies the file’s own rotation (irot), so the picture and its probed size come out upright', async () => {
    const { dir, cleanup } = tempDir('heif-rot-');
    onTestFinished(cleanup);
    const src = fs.readFileSync(fixture('camera.heic'));
    const upright = sunAt(await decodeImage(fixture('camera.heic'), await probe(fixture('camera.heic'), await testTools()), {}));
    expect(upright[0]).toBeCloseTo(0.75, 1);
    expect(upright[1]).toBeCloseTo(0.25, 1);
    // Anticlockwise quarter turns: where the sun at (x, y) of the upright picture goes.
    const expected: Record<1 | 2 | 3, { size: [number, number]; sun: [number, number] }> = {
      1: { size: [480, 640], sun: [upright[1], 1 - upright[0]] },
      2: { size: [640, 480], sun: [1 - upright[0], 1 - upright[1]] },
      3: { size: [480, 640], sun: [1 - upright[1], upright[0]] },
    };
    for (const t of [1, 2, 3] as const) {
      const p = path.join(dir, `rot${t}.heic`);
      fs.writeFileSync(p, withRotation(src, t));
      const info = await probe(p, await testTools());
      expect([info.width, info.height], `turns ${t}`).toEqual(expected[t].size);
      const img = await decodeImage(p, info, {});
      expect([img.width, img.height]).toEqual(expected[t].size);
      const sun = sunAt(img);
      expect(sun[0], `turns ${t}`).toBeCloseTo(expected[t].sun[0], 1);
      expect(sun[1], `turns ${t}`).toBeCloseTo(expected[t].sun[1], 1);
    }
  });

  it('reads a grid picture as phones store every photo: coded tiles, cut at the right and bottom, with the EXIF of the whole', async () => {
    const { dir, cleanup } = tempDir('heif-grid-');
    onTestFinished(cleanup);
    // The camera photo (640 × 480) in 128-px tiles, 5 across and 4 down (512 px: the bottom row is
    // cut to 96), each a JPEG carrying the photo's EXIF, coded by heif-enc into one file, then
    // rebuilt as one 'grid' picture of them (iPhones use 512-px tiles).
    const files: string[] = [];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 5; c++) {
        const f = path.join(dir, `tile-${r}-${c}.jpg`);
        const h = Math.min(128, 480 - r * 128);
        await sharp(fixture('camera.jpg'))
          .extract({ left: c * 128, top: r * 128, width: 128, height: h })
          .extend({ bottom: 128 - h, extendWith: 'copy' })
          .keepExif()
          .jpeg({ quality: 95 })
          .toFile(f);
        files.push(f);
      }
    }
    const tiles = path.join(dir, 'tiles.heic');
    heifEnc(['-q', '60', ...files, '-o', tiles]);
    const p = path.join(dir, 'grid.heic');
    fs.writeFileSync(p, withGrid(fs.readFileSync(tiles), 4, 5, 640, 480));
    const tools = await testTools();
    const info = await probe(p, tools);
    // One picture: the tiles are parts of it, not pictures of their own.
    expect(info).toMatchObject({ kind: 'image', format: 'heif', width: 640, height: 480, frameCount: 1 });
    expect(info.warnings ?? []).toEqual([]);
    const img = await decodeImage(p, info, { tools });
    expect([img.width, img.height]).toEqual([640, 480]);
    // Every tile in its place: the whole is the photo, and so is each tile's area of it.
    const jpeg = await rgbOf('camera.jpg');
    expect(meanAbsDiff(img.data, jpeg.data)).toBeLessThan(4);
    const area = (d: Buffer, x: number, y: number) => {
      const out: number[] = [];
      for (let yy = y; yy < y + 96; yy++) for (let xx = x; xx < x + 128; xx++) out.push(...d.subarray((yy * 640 + xx) * 3, (yy * 640 + xx) * 3 + 3));
      return Buffer.from(out);
    };
    for (const [x, y] of [
      [512, 0],
      [0, 384],
      [512, 384],
      [256, 128],
    ]) {
      expect(meanAbsDiff(area(img.data, x!, y!), area(jpeg.data, x!, y!)), `tile at ${x}, ${y}`).toBeLessThan(6);
    }
    const { frames } = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 4 } });
    expect(frames[0]!.data.length).toBe(640 * 480 * 3);
    const r = await readMetadata(p, info);
    expect(r.highlights.find((x) => x.label === 'Camera')?.value).toBe('Canon Canon EOS 80D');
    expect(r.hasEmbeddedThumbnail).toBe(true);
    expect(r.thumbnailDiffers).toBe(false);
    expect(r.flags.map((f) => f.code)).not.toContain('METADATA_DAMAGED');
    // A portrait photo: the grid turned by its own irot, as a whole.
    const turned = path.join(dir, 'grid-turned.heic');
    fs.writeFileSync(turned, withRotation(fs.readFileSync(p), 1));
    const tInfo = await probe(turned, tools);
    expect([tInfo.width, tInfo.height]).toEqual([480, 640]);
    const upright = sunAt(img);
    const sun = sunAt(await decodeImage(turned, tInfo, { tools }));
    expect(sun[0]).toBeCloseTo(upright[1], 1);
    expect(sun[1]).toBeCloseTo(1 - upright[0], 1);
  });

  it('compares the thumbnail a HEIC stores beside its picture (iPhones’ EXIF has none), and flags one of other content', async () => {
    const { dir, cleanup } = tempDir('heif-thumb-');
    onTestFinished(cleanup);
    const tools = await testTools();
    // Two scenes of the same size, without EXIF, each coded with a 96-px thumbnail item.
    const encode = async (name: string, picture: Buffer) => {
      const png = path.join(dir, `${name}.png`);
      await sharp(picture).resize(640, 480, { fit: 'fill' }).removeAlpha().png().toFile(png);
      const out = path.join(dir, `${name}.heic`);
      heifEnc(['-q', '60', '-t', '96', png, '-o', out]);
      return fs.readFileSync(out);
    };
    const camera = await encode('camera', fs.readFileSync(fixture('camera.jpg')));
    const other = await encode('other', fs.readFileSync(fixture('edited.jpg')));
    expect(heifThumbnailIds(camera)).toHaveLength(1);
    // Reading the references never throws, whatever is cut or garbled in the file's boxes.
    for (let cut = 0; cut < 1200; cut += 3) expect(() => heifThumbnailIds(camera.subarray(0, cut))).not.toThrow();
    for (let i = 0; i < 1200; i++) {
      const g = Buffer.from(camera);
      g[i] = g[i]! ^ 0xa5;
      expect(() => heifThumbnailIds(g)).not.toThrow();
    }
    expect(heifThumbnailIds(fs.readFileSync(fixture('plain.heic')))).toEqual([]);
    expect(heifThumbnailIds(fs.readFileSync(fixture('camera.jpg')))).toEqual([]);
    const report = async (name: string, bytes: Buffer) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, bytes);
      const info = await probe(p, tools);
      // The thumbnail is not a picture of its own.
      expect(info.frameCount, name).toBe(1);
      return readMetadata(p, info);
    };
    const same = await report('same.heic', camera);
    expect(same.groups.ifd1).toBeUndefined(); // no EXIF thumbnail: the item is what was compared
    expect(same.hasEmbeddedThumbnail).toBe(true);
    expect(same.thumbnailDiffers).toBe(false);
    expect(same.flags.map((f) => f.code)).not.toContain('THUMBNAIL_DIFFERS');
    // Turned by its own irot (the thumbnail item is not): still the same picture.
    const turned = await report('turned.heic', withRotation(camera, 1));
    expect(turned.thumbnailDiffers).toBe(false);
    // The picture changed, the old thumbnail kept.
    const stale = await report('stale.heic', withThumbnailOf(other, camera));
    expect(stale.hasEmbeddedThumbnail).toBe(true);
    expect(stale.thumbnailDiffers).toBe(true);
    expect(stale.flags.find((f) => f.code === 'THUMBNAIL_DIFFERS')?.message).toMatch(/thumbnail the HEIF file stores beside its picture shows different content/);
    // One decode per job: given the job's decoded picture, the comparison uses it (and the frames stage
    // hands the same picture on) instead of decoding the file again.
    const sharedPath = path.join(dir, 'shared.heic');
    fs.writeFileSync(sharedPath, withThumbnailOf(other, camera));
    const sharedInfo = await probe(sharedPath, tools);
    let decodes = 0;
    let picture: Promise<Awaited<ReturnType<typeof decodeImage>>> | undefined;
    const decoded = () => {
      decodes++;
      return (picture ??= decodeImage(sharedPath, sharedInfo, { tools }));
    };
    const viaShared = await readMetadata(sharedPath, sharedInfo, { decoded });
    expect(decodes).toBe(1);
    expect(viaShared.thumbnailDiffers).toBe(true);
    expect(viaShared.flags).toEqual(stale.flags);
    const { frames } = await extractFrames(sharedPath, sharedInfo, tools, { strategy: { kind: 'even', count: 1 }, decoded });
    expect(decodes).toBe(2);
    expect(frames[0]!.data).toBe((await picture!).data);
    // Asked for a smaller picture, the frames stage decodes at that size itself.
    const small = await extractFrames(sharedPath, sharedInfo, tools, { strategy: { kind: 'even', count: 1 }, decoded, maxSide: 160 });
    expect(decodes).toBe(2);
    expect(small.frames[0]!.width).toBe(160);
    // A thumbnail item that cannot be decoded (its data cut off the end of the file) proves nothing
    // either way, and the picture still reads.
    const stored = withThumbnailOf(other, camera);
    const b = await report('broken-thumb.heic', stored.subarray(0, stored.length - 60));
    expect(b.thumbnailDiffers).toBeNull();
    expect(b.flags.map((f) => f.code)).not.toContain('THUMBNAIL_DIFFERS');
  });

  it('reads the EXIF item: camera, dates, GPS, and compares its thumbnail with the decoded picture', async () => {
    const p = fixture('camera.heic');
    const r = await readMetadata(p, await probe(p, await testTools()));
    const h = (label: string) => r.highlights.find((x) => x.label === label)?.value;
    expect(h('Camera')).toBe('Canon Canon EOS 80D');
    expect(h('Taken')).toBe('2024:05:01 10:00:00');
    expect(h('GPS')).toBe('48.858222, 2.294500');
    expect(r.hasEmbeddedThumbnail).toBe(true);
    expect(r.thumbnailDiffers).toBe(false);
    expect(r.flags.map((f) => f.code)).not.toContain('METADATA_DAMAGED');
  });

  it('compares the EXIF thumbnail whichever way the picture is turned, and flags one of other content', async () => {
    const { dir, cleanup } = tempDir('heif-thumb-');
    onTestFinished(cleanup);
    const tools = await testTools();
    // camera.heic turned by its irot: the thumbnail (stored the original way) still shows the same picture.
    const rot = path.join(dir, 'rot.heic');
    fs.writeFileSync(rot, withRotation(fs.readFileSync(fixture('camera.heic')), 1));
    const r = await readMetadata(rot, await probe(rot, tools));
    expect(r.hasEmbeddedThumbnail).toBe(true);
    expect(r.thumbnailDiffers).toBe(false);
    // edited.jpg's thumbnail shows the other scene: carried into a HEIC, it is still flagged.
    const edited = path.join(dir, 'edited.heic');
    heifEnc(['-q', '60', fixture('edited.jpg'), '-o', edited]);
    const e = await readMetadata(edited, await probe(edited, tools));
    expect(e.thumbnailDiffers).toBe(true);
    expect(e.flags.map((f) => f.code)).toEqual(expect.arrayContaining(['THUMBNAIL_DIFFERS', 'EDITING_SOFTWARE']));
  });

  it('reads EXIF from an AVIF written by libvips (exifr alone calls it malformed)', async () => {
    const { dir, cleanup } = tempDir('avif-exif-');
    onTestFinished(cleanup);
    const p = path.join(dir, 'meta.avif');
    await sharp(fixture('plain.png')).withExif({ IFD0: { Make: 'TestCam', Model: 'X1', Software: 'Adobe Photoshop 25.0' } }).avif({ quality: 50, effort: 0 }).toFile(p);
    const r = await readMetadata(p, await probe(p, await testTools()));
    expect(r.highlights.find((x) => x.label === 'Camera')?.value).toBe('TestCam X1');
    expect(r.flags.map((f) => f.code)).toEqual(expect.arrayContaining(['EDITING_SOFTWARE']));
    expect(r.flags.map((f) => f.code)).not.toContain('METADATA_DAMAGED');
    expect(r.flags.map((f) => f.code)).not.toContain('NO_METADATA');
  });

  it('reads the XMP item of HEIC and AVIF files (editing software, dates)', async () => {
    const { dir, cleanup } = tempDir('heif-xmp-');
    onTestFinished(cleanup);
    const xmp =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Adobe Lightroom Classic 13.0" xmp:ModifyDate="2024-06-10T18:30:00"/></rdf:RDF></x:xmpmeta>';
    const jpg = path.join(dir, 'xmp.jpg');
    await sharp(fixture('plain.png')).withXmp(xmp).jpeg({ quality: 95 }).toFile(jpg);
    const heic = path.join(dir, 'xmp.heic');
    heifEnc(['-q', '60', jpg, '-o', heic]); // heif-enc carries the XMP into a mime item
    const avif = path.join(dir, 'xmp.avif');
    await sharp(fixture('plain.png')).withXmp(xmp).avif({ quality: 50, effort: 0 }).toFile(avif);
    for (const p of [heic, avif]) {
      const r = await readMetadata(p, await probe(p, await testTools()));
      expect(r.highlights, p).toEqual(expect.arrayContaining([{ label: 'Software', value: 'Adobe Lightroom Classic 13.0' }, { label: 'Modified', value: '2024-06-10T18:30:00' }]));
      expect(r.flags.map((f) => f.code), p).toContain('EDITING_SOFTWARE');
      expect(r.flags.map((f) => f.code), p).not.toContain('METADATA_DAMAGED');
    }
  });

  it('names an EXIF item that points past the end of the file as cut short', () => {
    const b = fs.readFileSync(fixture('camera.heic'));
    const item = heifItems(b, (i) => i.type === 'Exif')[0]!;
    expect(item.truncated).toBe(false);
    const start = b.indexOf(item.data);
    expect(start).toBeGreaterThan(0);
    const cut = b.subarray(0, start + 20);
    expect(findExifBlock(cut, 'heif')).toMatchObject({ truncated: true });
  });

  it('refuses a cut HEIC with a clear error (probe and decode)', async () => {
    const tools = await testTools();
    const err = await rejectsWith(probe(fixture('truncated.heic'), tools), 'UNSUPPORTED_MEDIA');
    expect(err.message).toMatch(/"truncated\.heic" is a damaged or truncated HEIF image: .*end of file/i);
    expect(() => decodeHeif(fs.readFileSync(fixture('truncated.heic')), 'truncated.heic', 1e8)).toThrow(/damaged or truncated HEIF/);
  });

  it('checks the pixel limit before decoding', async () => {
    const tools = await testTools();
    await rejectsWith(probe(fixture('camera.heic'), tools, { limits: { maxFileBytes: 1e9, maxImagePixels: 100_000, maxVideoSeconds: 60, maxFrames: 16 } }), 'LIMIT_EXCEEDED');
    const info = await probe(fixture('camera.heic'), tools);
    await rejectsWith(decodeImage(fixture('camera.heic'), info, { limits: { maxImagePixels: 100_000 } }), 'LIMIT_EXCEEDED');
  });

  it('survives damaged bitstreams and structures: a picture or a clear error, every time', () => {
    const src = fs.readFileSync(fixture('camera.heic'));
    const mdat = src.indexOf('mdat', 0, 'latin1');
    expect(mdat).toBeGreaterThan(0);
    let seed = 0x2545f491;
    const rnd = () => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed;
    };
    const outcomes = { decoded: 0, refused: 0 };
    for (let v = 0; v < 120; v++) {
      const b = Buffer.from(src);
      // Half the variants hit the header boxes, half the coded picture.
      const [lo, hi] = v % 2 === 0 ? [0, mdat] : [mdat + 8, src.length];
      for (let k = 0; k < 1 + (v % 7); k++) b[lo + (rnd() % (hi - lo))] = rnd() & 255;
      try {
        readHeifHeader(b, 'x.heic');
        const img = decodeHeif(b, 'x.heic', 100_000_000);
        expect(img.data.length).toBe(img.width * img.height * 3);
        outcomes.decoded++;
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(AppError);
        expect(['UNSUPPORTED_MEDIA', 'LIMIT_EXCEEDED']).toContain((e as AppError).code);
        expect((e as Error).message).toMatch(/^"x\.heic" /);
        outcomes.refused++;
      }
    }
    expect(outcomes.decoded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    // And the decoder still works after all that.
    expect(decodeHeif(src, 'camera.heic', 1e8).width).toBe(640);
  });

  it('finds no items in bytes that are not HEIF, or whose boxes lie about their sizes', () => {
    expect(heifItems(Buffer.from('not a heif file at all'), () => true)).toEqual([]);
    const b = Buffer.from(fs.readFileSync(fixture('camera.heic')));
    const meta = b.indexOf('meta', 0, 'latin1') - 4;
    b.writeUInt32BE(0xfffffff0, meta); // meta claims 4 GB
    expect(() => heifItems(b, () => true)).not.toThrow();
    const iloc = b.indexOf('iloc', 0, 'latin1');
    b.fill(0xff, iloc + 4, iloc + 40); // iloc fields garbage
    expect(() => heifItems(b, () => true)).not.toThrow();
    expect(() => findExifBlock(b, 'heif')).not.toThrow();
  });
});
