/**
 * Evidence images: heatmap overlays, face thumbnails, key frames with boxes. Encoded with
 * sharp from raw RGB so nothing touches the disk until the store writes the artifact.
 */
import { sharp } from '../native';
import type { FaceBox } from '../../../src-shared/domain/detection';
import type { HeatMap } from './classify';
import type { RgbImage } from './types';

/** A perceptual colour ramp (dark blue → cyan → yellow → red) for 0..1. */
export function heatColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  const stops: [number, number, number, number][] = [
    [0, 20, 20, 90],
    [0.35, 20, 170, 200],
    [0.65, 250, 220, 40],
    [1, 220, 30, 30],
  ];
  for (let i = 1; i < stops.length; i++) {
    const [p1, r1, g1, b1] = stops[i]!;
    const [p0, r0, g0, b0] = stops[i - 1]!;
    if (x <= p1) {
      const f = (x - p0) / (p1 - p0);
      return [Math.round(r0 + f * (r1 - r0)), Math.round(g0 + f * (g1 - g0)), Math.round(b0 + f * (b1 - b0))];
    }
  }
  return [220, 30, 30];
}

/** Upsample a heatmap to w×h (bilinear) as floats. */
function upsample(hm: HeatMap, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(hm.height - 1, Math.max(0, ((y + 0.5) * hm.height) / h - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(hm.height - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(hm.width - 1, Math.max(0, ((x + 0.5) * hm.width) / w - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(hm.width - 1, x0 + 1);
      const tx = fx - x0;
      const top = hm.data[y0 * hm.width + x0]! * (1 - tx) + hm.data[y0 * hm.width + x1]! * tx;
      const bot = hm.data[y1 * hm.width + x0]! * (1 - tx) + hm.data[y1 * hm.width + x1]! * tx;
      out[y * w + x] = top * (1 - ty) + bot * ty;
    }
  }
  return out;
}

/** Blend a heatmap over an image; the colour's opacity grows with the heat so cold areas stay readable. */
export function overlayHeatmap(img: RgbImage, hm: HeatMap): RgbImage {
  const heat = upsample(hm, img.width, img.height);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < heat.length; i++) {
    const t = heat[i]!;
    const [r, g, b] = heatColor(t);
    const a = 0.25 + 0.45 * t;
    out[i * 3] = Math.round(img.data[i * 3]! * (1 - a) + r * a);
    out[i * 3 + 1] = Math.round(img.data[i * 3 + 1]! * (1 - a) + g * a);
    out[i * 3 + 2] = Math.round(img.data[i * 3 + 2]! * (1 - a) + b * a);
  }
  return { width: img.width, height: img.height, data: out };
}

/** Draw rectangle outlines (in place) — face boxes on a key frame. */
export function drawBoxes(img: RgbImage, boxes: { box: FaceBox; color: [number, number, number] }[]): RgbImage {
  // new Uint8Array(typed array) is one memcpy (Uint8Array.from walks an iterator; a Buffer's slice would share memory).
  const out = { width: img.width, height: img.height, data: new Uint8Array(img.data) };
  const t = Math.max(2, Math.round(Math.min(img.width, img.height) / 300));
  const put = (x: number, y: number, c: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= out.width || y >= out.height) return;
    const p = (y * out.width + x) * 3;
    out.data[p] = c[0];
    out.data[p + 1] = c[1];
    out.data[p + 2] = c[2];
  };
  for (const { box, color } of boxes) {
    const x1 = Math.round(box.x);
    const y1 = Math.round(box.y);
    const x2 = Math.round(box.x + box.w);
    const y2 = Math.round(box.y + box.h);
    for (let k = 0; k < t; k++) {
      for (let x = x1; x <= x2; x++) {
        put(x, y1 + k, color);
        put(x, y2 - k, color);
      }
      for (let y = y1; y <= y2; y++) {
        put(x1 + k, y, color);
        put(x2 - k, y, color);
      }
    }
  }
  return out;
}


/** A sharp pipeline over an RGB image's pixels (no copy). */
export function rgbSharp(img: RgbImage): ReturnType<typeof sharp> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 3 } });
}

/** Shrink with libvips (multi-threaded, area-averaging) so the longer side is at most max. */
export async function shrink(img: RgbImage, max: number): Promise<RgbImage> {
  if (Math.max(img.width, img.height) <= max) return img;
  const { data, info } = await rgbSharp(img)
    .resize({ width: max, height: max, fit: 'inside', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Encode RGB as PNG (lossless: for maps whose exact values are evidence). */
export function encodePng(img: RgbImage): Promise<Buffer> {
  return rgbSharp(img)
    .png({ compressionLevel: 4, adaptiveFiltering: false })
    .toBuffer();
}

/** Encode RGB as JPEG (pictures of the media itself: key frames and thumbnails). */
export function encodeJpeg(img: RgbImage, quality = 88): Promise<Buffer> {
  return rgbSharp(img)
    .jpeg({ quality })
    .toBuffer();
}
