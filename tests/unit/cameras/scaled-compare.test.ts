/**
 * Resized pictures against a camera fingerprint: the scale read from the sizes, the region and the
 * fingerprint averaged to the picture's scale, a PCE that stays fair on zero-padded planes, and the
 * comparison itself (a camera's resized picture matches at its scale, turned or not; another
 * camera's does not; a crop, a stretch or a picture reduced too far is not compared).
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { correlationPce, FingerprintBuilder, paddedPce, paddedResidual } from '../../../src-main/core/analysis/prnu';
import { compareAndMap } from '../../../src-main/core/cameras/camera-compute';
import { cropFor, cropTurned, luminance, type GreyPicture } from '../../../src-main/core/cameras/picture-plane';
import type { FingerprintFile } from '../../../src-main/core/cameras/fingerprint-file';
import { scaledFingerprint, scaledRegion, scaledTurnsFor, scaleOf } from '../../../src-main/core/cameras/scaled-compare';
import { matchGeometry, sourceCameraLine } from '../../../src-shared/domain/cameras';
import { fingerprintFile, gauss, prng, simCamera, simPhoto } from '../../helpers/camera-pictures';

describe('the scale of a resized picture', () => {
  const cam = { width: 4032, height: 3024 };

  it('is read from the two sizes when the whole frame was resized smaller with its proportions kept', () => {
    expect(scaleOf(2016, 1512, cam)).toEqual({ sx: 0.5, sy: 0.5 });
    expect(scaleOf(2016, 1511, cam)).not.toBeNull(); // a pixel of rounding
    expect(scaleOf(2016, 1400, cam)).toBeNull(); // stretched or cropped
    expect(scaleOf(4032, 3024, cam)).toBeNull(); // the camera's own size
    expect(scaleOf(6048, 4536, cam)).toBeNull(); // enlarged
    expect(scaledTurnsFor(1512, 2016, cam).map((t) => [t.turn, t.sx])).toEqual([
      [90, 0.5],
      [270, 0.5],
    ]);
    expect(scaledTurnsFor(2016, 1512, cam).map((t) => t.turn)).toEqual([0, 180]);
  });

  it('maps the fingerprint area to the picture pixels inside it, in multiples of 16 and at most 1024, or refuses it when too small', () => {
    const crop = cropFor(4032, 3024)!; // 2048×2048 at (992, 488)
    expect(scaledRegion(crop, 0.5, 0.5)).toEqual({ x: 496, y: 244, w: 1024, h: 1024 });
    // 0.75: 1536 px inside the area each way (x from 744, y from 366); the central 1024 kept.
    expect(scaledRegion(crop, 0.75, 0.75)).toEqual({ x: 1000, y: 622, w: 1024, h: 1024 });
    // 0.2: x from ceil(198.4) to floor(607.6), 408 px, floored to 400.
    expect(scaledRegion(crop, 0.2, 0.2)).toEqual({ x: 199, y: 98, w: 400, h: 400 });
    expect(scaledRegion(crop, 0.1, 0.1)).toBeNull(); // 204 px a side
    expect(scaledRegion({ x: 1504, y: 1000, w: 1024, h: 1024 }, 0.5, 0.5)).toEqual({ x: 752, y: 500, w: 512, h: 512 }); // a fingerprint of the smaller, older area
  });
});

describe('the fingerprint at the picture scale', () => {
  const crop = { x: 8, y: 4, w: 64, h: 48 };
  const k = Float32Array.from({ length: crop.w * crop.h }, (_, i) => (i % crop.w) + 10 * Math.floor(i / crop.w));

  /** Each picture pixel's footprint [u/s, (u+1)/s) summed over sensor pixels by overlap, directly in two dimensions. */
  function direct(s: number, region: { x: number; y: number; w: number; h: number }): Float32Array {
    const out = new Float32Array(region.w * region.h);
    for (let v = 0; v < region.h; v++) {
      for (let u = 0; u < region.w; u++) {
        const [x0, x1, y0, y1] = [(region.x + u) / s - crop.x, (region.x + u + 1) / s - crop.x, (region.y + v) / s - crop.y, (region.y + v + 1) / s - crop.y];
        let acc = 0;
        let area = 0;
        for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
          for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
            const a = (Math.min(x1, x + 1) - Math.max(x0, x)) * (Math.min(y1, y + 1) - Math.max(y0, y));
            acc += a * k[y * crop.w + x]!;
            area += a;
          }
        }
        out[v * region.w + u] = acc / area;
      }
    }
    return out;
  }

  it('averages K over each picture pixel’s footprint: 2×2 blocks at half size, fractional coverage in between', () => {
    const half = scaledFingerprint(k, crop, 0.5, 0.5, { x: 4, y: 2, w: 32, h: 24 });
    // Block (u, v) covers sensor columns 2u, 2u+1 and rows 2v, 2v+1 of the crop: mean 2u + 0.5 + 10·(2v + 0.5).
    expect(half[0]).toBeCloseTo(0.5 + 5, 5);
    expect(half[3 * 32 + 5]).toBeCloseTo(10.5 + 10 * 6.5, 4);
    const region = { x: 6, y: 3, w: 40, h: 30 };
    const three = scaledFingerprint(k, crop, 0.75, 0.75, region);
    const ref = direct(0.75, region);
    for (let i = 0; i < ref.length; i++) expect(three[i]).toBeCloseTo(ref[i]!, 3);
    expect(() => scaledFingerprint(k.subarray(1), crop, 0.5, 0.5, region)).toThrow(RangeError);
  });
});

describe('the PCE of zero-padded planes', () => {
  /** A plane of w × h: content (smooth) × (1 + K) plus noise. */
  const shot = (r: () => number, k: Float32Array, w: number, h: number) => ({
    width: w,
    height: h,
    data: Float32Array.from({ length: w * h }, (_, i) => (110 + 30 * Math.sin(i / 97) + 20 * Math.cos(Math.floor(i / w) / 13)) * (1 + k[i]!) + 1.5 * gauss(r)),
  });

  it('finds the shared pattern, and under the null reads as high as an unpadded plane would (about 1 on average)', () => {
    const r = prng(5);
    const w = 80;
    const h = 96;
    const pattern = () => Float32Array.from({ length: w * h }, () => 0.01 * gauss(r));
    const k = pattern();
    const img = shot(r, k, w, h);
    const res = paddedResidual(img);
    expect(res).toMatchObject({ width: 80, height: 96, paddedWidth: 128, paddedHeight: 128 });
    expect(paddedPce(res, img, k).pce).toBeGreaterThan(60);
    // Forty unrelated patterns: |PCE| at zero shift is χ²(1)-like, mean 1, when the smaller
    // overlap away from zero is allowed for (0.85 here); judged as if the planes were full, about
    // twice that (1.9: the energy away from zero, over a smaller overlap, reads low).
    let fair = 0;
    let naive = 0;
    for (let i = 0; i < 40; i++) {
      const other = pattern();
      fair += Math.abs(paddedPce(res, img, other).pce);
      const padded = new Float32Array(128 * 128);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) padded[y * 128 + x] = img.data[y * w + x]! * other[y * w + x]!;
      naive += Math.abs(correlationPce(res.data, padded, 128, 128).pce);
    }
    expect(fair / 40).toBeGreaterThan(0.5);
    expect(fair / 40).toBeLessThan(1.35);
    expect(naive / 40).toBeGreaterThan(1.5);
    expect(() => correlationPce(res.data, res.data, 128, 128, { w: 60, h: 96 })).toThrow(RangeError);
    expect(() => paddedPce(res, { width: 96, height: 80, data: img.data }, k)).toThrow(RangeError);
  });
});

describe('comparing a resized or cropped picture', () => {
  const W = 1024;
  const H = 768;
  const camA = simCamera(61, W, H);
  const camB = simCamera(62, W, H);
  const crop = cropFor(W, H)!;

  async function picture(rgb: Buffer, opts: { width?: number; height?: number; turn?: 90 | 270; quality?: number; cut?: { left: number; top: number; width: number; height: number } } = {}): Promise<GreyPicture> {
    let img = sharp(rgb, { raw: { width: W, height: H, channels: 3 } });
    if (opts.cut) img = sharp(await img.extract(opts.cut).png().toBuffer());
    if (opts.width) img = sharp(await img.resize(opts.width, opts.height, { fit: 'fill' }).png().toBuffer());
    if (opts.turn) img = sharp(await img.rotate(opts.turn).png().toBuffer());
    const dec = await sharp(await img.jpeg({ quality: opts.quality ?? 95 }).toBuffer())
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height } = dec.info;
    return { name: 'p.jpg', path: '/p.jpg', sha256: '', format: 'jpeg', make: null, model: null, width, height, data: luminance(new Uint8Array(dec.data), width, height), orientation: 1 };
  }

  let camera: FingerprintFile;
  beforeAll(async () => {
    const builder = new FingerprintBuilder(crop.w, crop.h);
    for (let i = 0; i < 8; i++) builder.add(cropTurned(await picture(simPhoto(camA, 700 + i)), 0, crop));
    camera = fingerprintFile({ id: 'cam-s', name: 'Scaled camera', width: W, height: H, crop, images: 8, data: builder.finish().data });
  }, 120_000);
  const compare = async (rgb: Buffer, opts: Parameters<typeof picture>[1], searchCrops = false) => compareAndMap(await picture(rgb, opts), [camera], undefined, true, searchCrops);

  it('matches the camera’s own picture at its scale (turned or not), not another camera’s; a stretch, a crop or a picture reduced too far is not compared', async () => {

    const resized = await compare(simPhoto(camA, 800), { width: 768, height: 576 });
    expect(resized.matches[0]).toMatchObject({ outcome: 'match', rotation: 0, scale: 0.75 });
    expect(resized.matches[0]!.pce!).toBeGreaterThan(100);
    expect(resized.matches[0]!.note).toMatch(/^Compared as the camera's 1024×768 frame resized to 768×576 \(scale 0\.75\)/);
    expect(resized.map).toBeNull(); // the map reads blocks at the camera's own scale only
    expect(matchGeometry(resized.matches[0]!)).toBe('0°, resized ×0.75');
    expect(sourceCameraLine({ cameras: 1, otherSizes: 0, matches: resized.matches, problems: [] })).toMatch(/^Sensor noise matches “Scaled camera” \(PCE \d+, the picture resized ×0\.75\)/);

    const portrait = await compare(simPhoto(camA, 801), { width: 768, height: 576, turn: 90 });
    expect(portrait.matches[0]).toMatchObject({ outcome: 'match', rotation: 270, scale: 0.75 });

    const other = await compare(simPhoto(camB, 802), { width: 768, height: 576 });
    expect(other.matches[0]).toMatchObject({ outcome: 'no-match', scale: 0.75 });
    expect(Math.abs(other.matches[0]!.pce!)).toBeLessThan(20);
    expect(sourceCameraLine({ cameras: 1, otherSizes: 0, matches: other.matches, problems: [] })).toMatch(/^No match with 1 camera of this picture size or resized to it/);

    // Stretched (proportions changed) and reduced too far (the region would be under 256 px).
    const stretched = await compare(simPhoto(camA, 803), { width: 768, height: 600 });
    expect(stretched.matches[0]).toMatchObject({ outcome: 'not-comparable', pce: null });
    expect(stretched.matches[0]!.note).toMatch(/^The picture is 768×600, the camera's pictures 1024×768: only a picture of that size or the whole frame resized smaller with its proportions kept can be compared here/);
    const tiny = await compare(simPhoto(camA, 804), { width: 384, height: 288 });
    expect(tiny.matches[0]).toMatchObject({ outcome: 'not-comparable', pce: null });
    expect(tiny.matches[0]!.note).toMatch(/^The picture \(384×288\) is the camera's 1024×768 frame resized to 37\.5 %: the fingerprint's region would be under 256 pixels a side/);
  }, 120_000);

  it('finds a part cut out of the camera’s frame where it was cut (turned or not) when asked to search, not another camera’s; analyses do not search', async () => {
    const cut = { left: 200, top: 250, width: 640, height: 400 };
    const found = await compare(simPhoto(camA, 810), { cut, quality: 90 }, true);
    expect(found.matches[0]).toMatchObject({ outcome: 'match', rotation: 0, offset: { x: 200, y: 250 }, threshold: 75 });
    expect(found.matches[0]!.scale).toBeUndefined();
    expect(found.matches[0]!.note).toMatch(/^Found as a part cut out of the camera's 1024×768 frame at \(200, 250\), searched over 524,288 offsets\.$/);
    expect(found.map).toBeNull();
    expect(matchGeometry(found.matches[0]!)).toBe('0°, cut out at (200, 250)');
    expect(sourceCameraLine({ cameras: 1, otherSizes: 0, matches: found.matches, problems: [] })).toMatch(/“Scaled camera” \(PCE \d+, the picture cut out of its frame at \(200, 250\)\)/);

    // Stored turned a quarter (as an editor saving it upright might): found at the turn that undoes it, at the same place.
    const turned = await compare(simPhoto(camA, 811), { cut, turn: 90, quality: 90 }, true);
    expect(turned.matches[0]).toMatchObject({ outcome: 'match', rotation: 270, offset: { x: 200, y: 250 } });

    const other = await compare(simPhoto(camB, 812), { cut, quality: 90 }, true);
    expect(other.matches[0]).toMatchObject({ outcome: 'no-match', rotation: expect.any(Number) });
    expect(other.matches[0]!.pce!).toBeLessThan(60);
    expect(other.matches[0]!.offset).toBeUndefined();
    expect(other.matches[0]!.note).toMatch(/^Searched as a part cut out of the camera's 1024×768 frame over 524,288 offsets of the fingerprint's central 1024×512: no offset correlates/);

    // Without the search (an analysis), a crop is not compared.
    const plain = await compare(simPhoto(camA, 810), { cut, quality: 90 });
    expect(plain.matches[0]).toMatchObject({ outcome: 'not-comparable', pce: null });
    expect(plain.matches[0]!.note).toMatch(/searched for only by a check on the Cameras screen or with cameras check/);
  }, 120_000);
});
