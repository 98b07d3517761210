import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { errorLevel, noiseResidual } from '../../../src-main/core/analysis/forensics';
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

  it('heatmap overlay colours hot areas red and keeps size', () => {
    const img = { width: 4, height: 4, data: new Uint8Array(48).fill(128) };
    const out = overlayHeatmap(img, { width: 2, height: 2, data: Float32Array.from([0, 0, 0, 1]) });
    expect(out.width).toBe(4);
    expect(out.data[(3 * 4 + 3) * 3]!).toBeGreaterThan(out.data[(3 * 4 + 3) * 3 + 2]!);
    expect(heatColor(1)).toEqual([220, 30, 30]);
  });
});
