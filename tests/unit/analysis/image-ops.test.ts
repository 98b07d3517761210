import { describe, expect, it } from 'vitest';
import { affineSample, areaResizeAxis, placeFrame, resize, type Affine } from '../../../src-main/core/analysis/image-ops';
import type { RgbImage } from '../../../src-main/core/analysis/types';
import { noiseImage } from '../../helpers/analysis-models';

/** affineSample as first written (one general loop): the oracle for the axis-aligned fast path. */
function reference(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const out = new Uint8Array(outW * outH * 3);
  const { width: W, height: H, data } = img;
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      const x = m.a * (u + 0.5) + m.b * (v + 0.5) + m.c - 0.5;
      const y = m.d * (u + 0.5) + m.e * (v + 0.5) + m.f - 0.5;
      const o = (v * outW + u) * 3;
      if (x < -1 || y < -1 || x > W || y > H) continue;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const xa = Math.min(W - 1, Math.max(0, x0));
      const xb = Math.min(W - 1, Math.max(0, x0 + 1));
      const ya = Math.min(H - 1, Math.max(0, y0));
      const yb = Math.min(H - 1, Math.max(0, y0 + 1));
      const p00 = (ya * W + xa) * 3;
      const p01 = (ya * W + xb) * 3;
      const p10 = (yb * W + xa) * 3;
      const p11 = (yb * W + xb) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c]! * (1 - fx) + data[p01 + c]! * fx;
        const bot = data[p10 + c]! * (1 - fx) + data[p11 + c]! * fx;
        out[o + c] = Math.round(top * (1 - fy) + bot * fy);
      }
    }
  }
  return { width: outW, height: outH, data: out };
}

/** Pixel-area mean by direct 2-D integration over every source pixel (outside = black). */
function areaOracle(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const out = new Uint8Array(outW * outH * 3);
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      const [x0, x1, y0, y1] = [m.c + u * m.a, m.c + (u + 1) * m.a, m.f + v * m.e, m.f + (v + 1) * m.e];
      const acc = [0, 0, 0];
      for (let y = Math.max(0, Math.floor(y0)); y < Math.min(img.height, Math.ceil(y1)); y++) {
        for (let x = Math.max(0, Math.floor(x0)); x < Math.min(img.width, Math.ceil(x1)); x++) {
          const cover = (Math.min(x1, x + 1) - Math.max(x0, x)) * (Math.min(y1, y + 1) - Math.max(y0, y));
          for (let c = 0; c < 3; c++) acc[c] = acc[c]! + img.data[(y * img.width + x) * 3 + c]! * cover;
        }
      }
      for (let c = 0; c < 3; c++) out[(v * outW + u) * 3 + c] = Math.round(acc[c]! / (m.a * m.e));
    }
  }
  return { width: outW, height: outH, data: out };
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let d = a.length === b.length ? 0 : 999;
  for (let i = 0; i < Math.min(a.length, b.length); i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const noise = (w: number, h: number, seed: number): RgbImage => noiseImage(w, h, seed);

describe('image ops', () => {
  it('axis-aligned sampling is byte-identical to the general bilinear loop (shrink, enlarge, offsets, outside)', () => {
    const img = noise(97, 61, 5);
    const maps: [Affine, number, number][] = [
      [{ a: 97 / 40, b: 0, c: 0, d: 0, e: 61 / 25, f: 0 }, 40, 25],
      [{ a: 0.37, b: 0, c: 3.2, d: 0, e: 0.41, f: -2.7 }, 150, 120],
      [{ a: 1, b: 0, c: -10, d: 0, e: 1, f: 20 }, 120, 80],
      [{ a: 3.3, b: 0, c: 0, d: 0, e: 3.3, f: 0 }, 64, 64],
      [{ a: 1.7, b: 0, c: 0.25, d: 0, e: 0.9, f: 0.75 }, 30, 70],
    ];
    for (const [m, w, h] of maps) expect(Buffer.from(affineSample(img, m, w, h).data).equals(Buffer.from(reference(img, m, w, h).data)), JSON.stringify(m)).toBe(true);
  });

  it("a detector's letterboxed 'area' input is the exact pixel-area mean (OpenCV INTER_AREA)", () => {
    const frame = noise(1280 / 4, 720 / 4, 9);
    const fast = placeFrame(frame, 96, 96, 'letterbox', 'area').image;
    const s = Math.max(frame.width / 96, frame.height / 96);
    const slow = areaOracle(frame, { a: s, b: 0, c: 0, d: 0, e: s, f: 0 }, 96, 96);
    expect(maxDiff(fast.data, slow.data)).toBeLessThanOrEqual(1); // float summation order only
    // non-integer factors, offsets (letterbox centring), regions partly outside the frame
    const img = noise(101, 67, 3);
    const maps: [Affine, number, number][] = [
      [{ a: 2.63, b: 0, c: 0, d: 0, e: 2.63, f: 0 }, 38, 25],
      [{ a: 1.37, b: 0, c: -4.5, d: 0, e: 1.9, f: 2.25 }, 80, 40],
      [{ a: 5, b: 0, c: 0, d: 0, e: 5, f: -10 }, 21, 18],
    ];
    for (const [m, w, h] of maps) expect(maxDiff(areaResizeAxis(img, m, w, h).data, areaOracle(img, m, w, h).data), JSON.stringify(m)).toBeLessThanOrEqual(1);
    // a 2×2 block average, exactly
    const tiny = { width: 2, height: 2, data: Uint8Array.from([0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255]) };
    expect(Array.from(resize(tiny, 1, 1, 'area').data)).toEqual([139, 139, 139]);
    const stretched = resize(frame, 50, 30, 'bilinear');
    expect(Buffer.from(stretched.data).equals(Buffer.from(reference(frame, { a: frame.width / 50, b: 0, c: 0, d: 0, e: frame.height / 30, f: 0 }, 50, 30).data))).toBe(true);
  });

  it('a centred letterbox pads evenly and records the offset (as the training scripts place frames)', () => {
    const img = noise(200, 100, 4);
    const { image, placement } = placeFrame(img, 64, 64, 'letterbox', 'area', 'center');
    expect(placement).toEqual({ sx: 200 / 64, sy: 100 / 32, ox: 0, oy: 16 });
    const inner = resize(img, 64, 32, 'area');
    expect(Buffer.from(image.data.subarray(16 * 64 * 3, 48 * 64 * 3)).equals(Buffer.from(inner.data))).toBe(true);
    expect(Math.max(...image.data.subarray(0, 16 * 64 * 3), ...image.data.subarray(48 * 64 * 3))).toBe(0);
  });
});
