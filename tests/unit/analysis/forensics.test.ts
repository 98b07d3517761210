import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { absDiff, errorLevel, laplacianMagnitude, noiseResidual } from '../../../src-main/core/analysis/forensics';
import { overlayHeatmap, heatColor } from '../../../src-main/core/analysis/render';

/** A textured image whose left half went through JPEG q50 and whose right half never did. */
async function spliced(w = 256, h = 128) {
  const data = new Uint8Array(w * h * 3);
  let seed = 7;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    data[i] = 64 + (seed % 128);
  }
  const raw = { raw: { width: w, height: h, channels: 3 as const } };
  const once = await sharp(await sharp(Buffer.from(data), raw).jpeg({ quality: 50 }).toBuffer()).raw().toBuffer();
  for (let y = 0; y < h; y++) for (let x = 0; x < w / 2; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = once[(y * w + x) * 3 + c]!;
  return { width: w, height: h, data };
}

const halfMeans = (img: { width: number; height: number; data: Uint8Array }) => {
  let l = 0;
  let r = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const v = img.data[(y * img.width + x) * 3]!;
      if (x < img.width / 2) l += v;
      else r += v;
    }
  return { left: l, right: r };
};

describe('forensic layers', () => {
  it('error-level analysis shows the never-compressed half brighter than the recompressed one', async () => {
    const { image } = await errorLevel(await spliced());
    const m = halfMeans(image);
    expect(m.right).toBeGreaterThan(m.left * 1.3);
  });

  it('noise residual is dark on a flat picture and bright on texture, and shrinks to the display size', async () => {
    const w = 2400;
    const h = 100;
    const data = new Uint8Array(w * h * 3).fill(128);
    for (let i = 0; i < data.length; i += 3) if (((i / 3) % w) >= w / 2) data[i] = data[i + 1] = data[i + 2] = (i * 7919) % 251;
    const r = await noiseResidual({ width: w, height: h, data }, { maxSide: 1200 });
    expect(r.width).toBe(1200);
    const m = halfMeans(r);
    expect(m.left).toBeLessThan(m.right / 10);
  });

  it('absDiff is |a − b| for every pair of byte values, aligned or not', () => {
    const n = 256 * 256 + 7;
    const backing = new Uint8Array(3 * (n + 8));
    for (const off of [0, 1, 3]) {
      const a = backing.subarray(off, off + n);
      const b = backing.subarray(n + 8 + off, 2 * n + 8 + off);
      const out = backing.subarray(2 * (n + 8) + ((off + 2) % 4), 2 * (n + 8) + ((off + 2) % 4) + n);
      for (let i = 0; i < n; i++) {
        a[i] = i & 255;
        b[i] = (i >> 8) & 255;
      }
      const aCopy = a.slice();
      const bCopy = b.slice();
      absDiff(a, b, out);
      for (let i = 0; i < n; i++) if (out[i] !== Math.abs(aCopy[i]! - bCopy[i]!)) throw new Error(`offset ${off}, byte ${i}: |${aCopy[i]} − ${bCopy[i]}| gave ${out[i]}`);
    }
    expect(() => absDiff(new Uint8Array(4), new Uint8Array(5), new Uint8Array(4))).toThrow(RangeError);
  });

  it('laplacianMagnitude is round(|4x − N − S − E − W| / 4) with copied edges, also on 1-pixel-wide pictures', () => {
    let seed = 11;
    for (const [w, h] of [[37, 23], [1, 9], [9, 1], [1, 1], [2, 2]] as const) {
      const g = Uint8Array.from({ length: w * h }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % 256));
      const at = (x: number, y: number) => g[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
      const m = laplacianMagnitude(g, w, h);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const s = 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1);
          expect(m[y * w + x], `${w}×${h} at ${x},${y}`).toBe(Math.round(Math.abs(s) / 4));
        }
    }
    const extreme = new Uint8Array(9);
    extreme[4] = 255;
    expect(laplacianMagnitude(extreme, 3, 3)[4]).toBe(255);
    expect(() => laplacianMagnitude(new Uint8Array(5), 2, 3)).toThrow(RangeError);
  });

  it('the error-level map is exactly |image − JPEG(image)|, stretched, when no shrinking is needed', async () => {
    const img = await spliced(64, 48);
    const raw = { raw: { width: 64, height: 48, channels: 3 as const } };
    const resaved = await sharp(await sharp(Buffer.from(img.data), raw).jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer()).raw().toBuffer();
    const diff = img.data.map((v, i) => Math.abs(v - resaved[i]!));
    const sorted = [...diff].sort((x, y) => x - y);
    const p = Math.max(1, sorted[Math.ceil(0.995 * diff.length) - 1]!);
    const { image, meanError } = await errorLevel(img, { maxSide: 4096 });
    expect([image.width, image.height]).toEqual([64, 48]);
    expect(meanError).toBeCloseTo(diff.reduce((a, v) => a + v, 0) / diff.length, 10);
    expect(Array.from(image.data)).toEqual(Array.from(diff, (v) => Math.min(255, Math.round(v * (255 / p)))));
  });

  it('the noise residual shown is the Laplacian magnitude of the luma, stretched, when no shrinking is needed', async () => {
    const img = await spliced(40, 30);
    const grey = await sharp(Buffer.from(img.data), { raw: { width: 40, height: 30, channels: 3 } }).greyscale().raw().toBuffer();
    const mag = laplacianMagnitude(grey, 40, 30);
    const sorted = [...mag].sort((x, y) => x - y);
    const p = Math.max(1, sorted[Math.ceil(0.995 * mag.length) - 1]!);
    const r = await noiseResidual(img, { maxSide: 4096 });
    expect([r.width, r.height]).toEqual([40, 30]);
    for (let i = 0; i < mag.length; i++) {
      const want = Math.min(255, Math.round(mag[i]! * (255 / p)));
      expect([r.data[i * 3], r.data[i * 3 + 1], r.data[i * 3 + 2]]).toEqual([want, want, want]);
    }
  });

  it('heatmap overlay colours hot areas red and keeps size', () => {
    const img = { width: 4, height: 4, data: new Uint8Array(48).fill(128) };
    const out = overlayHeatmap(img, { width: 2, height: 2, data: Float32Array.from([0, 0, 0, 1]) });
    expect(out.width).toBe(4);
    expect(out.data[(3 * 4 + 3) * 3]!).toBeGreaterThan(out.data[(3 * 4 + 3) * 3 + 2]!);
    expect(heatColor(1)).toEqual([220, 30, 30]);
  });
});
