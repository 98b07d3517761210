/**
 * Comparing a resized picture with a camera's fingerprint. A photo shared or exported smaller
 * (the whole frame scaled down, its proportions kept) still carries the sensor's pattern, averaged
 * over each new pixel's footprint: picture pixel (u, v) at scale (sx, sy) covers the sensor
 * pixels [u/sx, (u+1)/sx) × [v/sy, (v+1)/sy), the convention of area and Lanczos resizers alike.
 * So the fingerprint is brought to the picture's scale by averaging K over those footprints
 * (`scaledFingerprint`) and the picture's own residual is correlated with it at the picture's size
 * (prnu.ts `paddedPce`), over the picture pixels whose footprints lie inside the fingerprint's
 * region (`scaledRegion`). After Goljan & Fridrich, "Camera identification from cropped and scaled
 * images" (SPIE 2008), without their search: the scale is known from the two sizes, and the
 * picture must be the whole frame (a crop, or a resize to other proportions, is not compared).
 *
 * Resizing averages the pattern away with the scene's fine detail, so the correlation weakens
 * fast as the scale falls (`npm run eval:camera-scale` measures how fast); a no-match of a
 * strongly reduced picture says little, and the notes say so.
 */
import { CAMERA_CROP_MAX, CAMERA_CROP_MIN, turnedSize, type Turn } from './picture-plane';

type Rect = { x: number; y: number; w: number; h: number };

/**
 * Below this scale a picture is still compared but a no-match is not worth reading: the pattern
 * kept is too weak (scale 0.5 keeps a quarter of the pixels, each averaging four of the sensor's).
 */
export const CAMERA_SCALE_WEAK = 0.75;

/**
 * The scale (per axis, each < 1) at which a picture of width × height is a camera's whole frame
 * resized with its proportions kept, allowing each side a pixel of rounding; null otherwise
 * (same size, larger, cropped, or stretched).
 */
export function scaleOf(width: number, height: number, camera: { width: number; height: number }): { sx: number; sy: number } | null {
  const sx = width / camera.width;
  const sy = height / camera.height;
  if (!(sx < 1 && sy < 1 && sx > 0 && sy > 0)) return null;
  if (Math.abs(sx - sy) > 1 / camera.width + 1 / camera.height) return null;
  return { sx, sy };
}

/**
 * The picture pixels whose footprints lie inside the fingerprint's area `crop` (camera pixels),
 * each side floored to a multiple of 16 (the residual's wavelet levels) and at most CAMERA_CROP_MAX
 * (the central part then: the test costs no more than at the camera's size); null when a side
 * would be under CAMERA_CROP_MIN (too few pixels to compare).
 */
export function scaledRegion(crop: Rect, sx: number, sy: number): Rect | null {
  const axis = (at: number, len: number, s: number) => {
    const lo = Math.ceil(at * s - 1e-9);
    const hi = Math.floor((at + len) * s + 1e-9);
    const all = Math.floor((hi - lo) / 16) * 16;
    const kept = Math.min(all, CAMERA_CROP_MAX);
    return { lo: lo + Math.floor((all - kept) / 32) * 16, len: kept };
  };
  const x = axis(crop.x, crop.w, sx);
  const y = axis(crop.y, crop.h, sy);
  if (x.len < CAMERA_CROP_MIN || y.len < CAMERA_CROP_MIN) return null;
  return { x: x.lo, y: y.lo, w: x.len, h: y.len };
}

/** Sensor pixels (within [0, n)) a picture pixel's footprint [lo, lo + step) covers, with their coverage shares (summing to 1). */
function footprints(first: number, count: number, s: number, offset: number, n: number): { start: Int32Array; taps: number[][] } {
  const start = new Int32Array(count);
  const taps: number[][] = [];
  for (let u = 0; u < count; u++) {
    const lo = (first + u) / s - offset;
    const hi = (first + u + 1) / s - offset;
    const i0 = Math.max(0, Math.floor(lo));
    const i1 = Math.min(n, Math.ceil(hi));
    const w: number[] = [];
    let sum = 0;
    for (let i = i0; i < i1; i++) {
      const c = Math.min(hi, i + 1) - Math.max(lo, i);
      w.push(c);
      sum += c;
    }
    start[u] = i0;
    taps.push(w.map((c) => c / sum));
  }
  return { start, taps };
}

/**
 * The fingerprint as a picture resized by (sx, sy) carries it over `region` (picture pixels, from
 * `scaledRegion`): K (crop.w × crop.h values over `crop`) averaged over each picture pixel's
 * footprint, separably. Returns region.w × region.h values.
 */
export function scaledFingerprint(k: Float32Array, crop: Rect, sx: number, sy: number, region: Rect): Float32Array {
  if (k.length !== crop.w * crop.h) throw new RangeError(`scaledFingerprint: ${k.length} values for a ${crop.w}×${crop.h} region`);
  const cols = footprints(region.x, region.w, sx, crop.x, crop.w);
  const rows = footprints(region.y, region.h, sy, crop.y, crop.h);
  // Columns first: every sensor row of the region's footprints, averaged across to the picture's columns.
  const y0 = rows.start[0]!;
  const y1 = rows.start[region.h - 1]! + rows.taps[region.h - 1]!.length;
  const across = new Float64Array((y1 - y0) * region.w);
  for (let y = y0; y < y1; y++) {
    const o = y * crop.w;
    for (let u = 0; u < region.w; u++) {
      const w = cols.taps[u]!;
      let acc = 0;
      for (let t = 0, i = o + cols.start[u]!; t < w.length; t++, i++) acc += w[t]! * k[i]!;
      across[(y - y0) * region.w + u] = acc;
    }
  }
  const out = new Float32Array(region.w * region.h);
  for (let v = 0; v < region.h; v++) {
    const w = rows.taps[v]!;
    const o = (rows.start[v]! - y0) * region.w;
    for (let u = 0; u < region.w; u++) {
      let acc = 0;
      for (let t = 0; t < w.length; t++) acc += w[t]! * across[o + t * region.w + u]!;
      out[v * region.w + u] = acc;
    }
  }
  return out;
}

/** The turns (clockwise) under which a picture of this size is the camera's frame scaled down, with the scale of each. */
export function scaledTurnsFor(width: number, height: number, camera: { width: number; height: number }): { turn: Turn; sx: number; sy: number }[] {
  const out: { turn: Turn; sx: number; sy: number }[] = [];
  for (const turn of [0, 180, 90, 270] as Turn[]) {
    const t = turnedSize(width, height, turn);
    const s = scaleOf(t.width, t.height, camera);
    if (s) out.push({ turn, ...s });
  }
  return out;
}
