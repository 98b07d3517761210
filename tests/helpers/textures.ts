/**
 * Generated pictures for the copy-move tests: a natural-looking texture (noise smoothed at several
 * scales, like foliage or gravel), clones planted into it, periodic tiles and streaks — all from a
 * fixed seed, so every run sees the same pixels.
 */
import { seededRandom } from '../../src-main/core/analysis/copy-move';
import type { RgbImage } from '../../src-main/core/analysis/types';

function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += src[y * w + Math.min(w - 1, Math.max(0, x + k))]!;
      tmp[y * w + x] = s / (2 * r + 1);
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x]!;
      out[y * w + x] = s / (2 * r + 1);
    }
  }
  return out;
}

/** A textured RGB picture: white noise smoothed at radii 1, 3 and 9 px, summed, per channel tinted. */
export function texture(w: number, h: number, seed = 1): RgbImage {
  const rand = seededRandom(seed);
  const layers = [1, 3, 9].map((r) => {
    const n = new Float32Array(w * h);
    for (let i = 0; i < n.length; i++) n[i] = rand() * 2 - 1;
    return boxBlur(n, w, h, r);
  });
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const v = 128 + 90 * layers[0]![i]! + 160 * layers[1]![i]! + 300 * layers[2]![i]!;
    const g = Math.max(0, Math.min(255, v));
    data[i * 3] = Math.round(g);
    data[i * 3 + 1] = Math.round(Math.max(0, Math.min(255, g * 0.9 + 10)));
    data[i * 3 + 2] = Math.round(Math.max(0, Math.min(255, g * 0.7 + 20)));
  }
  return { width: w, height: h, data };
}

/** Copy the w×h block at (sx, sy) to (dx, dy) — mirrored left–right if asked — into a copy of img. */
export function cloneRegion(img: RgbImage, sx: number, sy: number, w: number, h: number, dx: number, dy: number, mirrored = false): RgbImage {
  const out = new Uint8Array(img.data);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const si = mirrored ? w - 1 - i : i;
      const s = ((sy + j) * img.width + sx + si) * 3;
      const d = ((dy + j) * img.width + dx + i) * 3;
      out[d] = img.data[s]!;
      out[d + 1] = img.data[s + 1]!;
      out[d + 2] = img.data[s + 2]!;
    }
  }
  return { width: img.width, height: img.height, data: out };
}

/** A picture made of one textured tile repeated (a tiled floor, a printed pattern). */
export function tiled(w: number, h: number, tile: number, seed = 3): RgbImage {
  const t = texture(tile, tile, seed);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = t.data[((y % tile) * tile + (x % tile)) * 3 + c]!;
  return { width: w, height: h, data };
}

/** Textured on the left, and on the right each row's last textured pixel repeated (an edge-replicated border). */
export function streaked(w: number, h: number, at: number, seed = 5): RgbImage {
  const img = texture(w, h, seed);
  for (let y = 0; y < h; y++) for (let x = at; x < w; x++) for (let c = 0; c < 3; c++) img.data[(y * w + x) * 3 + c] = img.data[(y * w + at - 1) * 3 + c]!;
  return img;
}
