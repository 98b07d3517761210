/**
 * Classic forensic layers, shown as evidence beside the model verdicts (they do not vote):
 * - error-level analysis: re-save as JPEG at a known quality and show where the picture
 *   changes most; regions pasted in from another source often recompress differently;
 * - noise residual: the picture minus its local prediction; spliced or synthesised regions
 *   often carry a different noise texture than the camera's.
 */
import sharp from 'sharp';
import { luma } from './image-ops';
import type { RgbImage } from './types';

/** Error-level map: |image − JPEG(image, quality)|, scaled so the strongest 0.5 % saturate. */
export async function errorLevel(img: RgbImage, quality = 90): Promise<{ image: RgbImage; meanError: number }> {
  const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };
  const jpeg = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), raw).jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer();
  const back = await sharp(jpeg).removeAlpha().raw().toBuffer();
  const n = img.width * img.height;
  const diff = new Uint8Array(n * 3);
  const hist = new Uint32Array(256);
  let sum = 0;
  for (let i = 0; i < n * 3; i++) {
    const d = Math.abs(img.data[i]! - back[i]!);
    diff[i] = d;
    hist[d]!++;
    sum += d;
  }
  // Robust gain: the 99.5th percentile maps to white, so a few outliers do not flatten the map.
  let seen = 0;
  let p = 255;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen >= 0.995 * n * 3) {
      p = Math.max(1, v);
      break;
    }
  }
  const gain = 255 / p;
  for (let i = 0; i < diff.length; i++) diff[i] = Math.min(255, Math.round(diff[i]! * gain));
  return { image: { width: img.width, height: img.height, data: diff }, meanError: sum / (n * 3) };
}

/** Noise residual: |4·x − (N + S + E + W)| on luma, amplified; grey image. */
export function noiseResidual(img: RgbImage, gain = 6): RgbImage {
  const { width: w, height: h } = img;
  const y = luma(img);
  const out = new Uint8Array(w * h * 3);
  for (let r = 1; r < h - 1; r++) {
    for (let c = 1; c < w - 1; c++) {
      const i = r * w + c;
      const v = Math.min(255, Math.round((Math.abs(4 * y[i]! - y[i - 1]! - y[i + 1]! - y[i - w]! - y[i + w]!) / 4) * gain));
      out[i * 3] = v;
      out[i * 3 + 1] = v;
      out[i * 3 + 2] = v;
    }
  }
  return { width: w, height: h, data: out };
}
