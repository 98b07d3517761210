/**
 * Aligned face crops: a square of side margin × max(w, h) around the detected face,
 * rotated so the eyes are level (from the detector's landmarks), resampled to the
 * classifier's input size. Rolling the head is then not something the classifier has to
 * learn; the margin keeps the blending boundary around the face, where swaps leave traces.
 */
import type { FaceBox } from '../../../src-shared/domain/detection';
import type { ModelInputSpec } from '../../../src-shared/domain/models';
import { interpolationOf, sample, type Affine, type Interpolation } from './image-ops';
import type { RgbImage } from './types';

/** Indices of the two eye landmarks given the detector's point names (default: the first two). */
export function eyeIndices(points: string[] | undefined): [number, number] {
  if (points) {
    const r = points.findIndex((p) => /right.?eye|eye.?right/i.test(p));
    const l = points.findIndex((p) => /left.?eye|eye.?left/i.test(p));
    if (r >= 0 && l >= 0) return [r, l];
  }
  return [0, 1];
}

/** Roll angle (radians) that levels the eyes, or 0 when landmarks are absent or implausible. */
export function rollAngle(box: FaceBox, eyes: [number, number]): number {
  const lm = box.landmarks;
  const p = lm?.[eyes[0]];
  const q = lm?.[eyes[1]];
  if (!p || !q) return 0;
  const [a, b] = p[0] <= q[0] ? [p, q] : [q, p];
  const dist = Math.hypot(b[0] - a[0], b[1] - a[1]);
  // Eyes closer than a tenth of the face are a bad landmark fit (or a profile): do not rotate.
  if (dist < 0.1 * Math.max(box.w, box.h)) return 0;
  const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
  return Math.abs(angle) > Math.PI / 4 ? 0 : angle;
}

/** The affine map from crop pixels to frame pixels. */
export function cropTransform(box: FaceBox, margin: number, size: number, angle: number): Affine {
  const side = margin * Math.max(box.w, box.h);
  const s = side / size;
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const half = size / 2;
  return { a: s * cos, b: -s * sin, c: cx - s * (cos * half - sin * half), d: s * sin, e: s * cos, f: cy - s * (sin * half + cos * half) };
}

/** OpenCV's BORDER_REFLECT for any index: …cba|abc…xyz|zyx… (the edge pixel repeated), period 2n. */
export function reflectIndex(i: number, n: number): number {
  const m = ((i % (2 * n)) + 2 * n) % (2 * n);
  return m < n ? m : 2 * n - 1 - m;
}

/**
 * The part of the frame under a crop, as an image whose pixels outside the frame mirror the
 * pixels inside (BORDER_REFLECT), and the offset of its top-left corner in frame pixels.
 * Null when the crop lies inside the frame, so there is nothing to fill.
 */
export function reflectedRegion(frame: RgbImage, t: Affine, size: number): { image: RgbImage; x0: number; y0: number } | null {
  const xs = [0, size].flatMap((u) => [0, size].map((v) => t.a * u + t.b * v + t.c));
  const ys = [0, size].flatMap((u) => [0, size].map((v) => t.d * u + t.e * v + t.f));
  // two pixels of slack for the interpolation's neighbours
  const x0 = Math.floor(Math.min(...xs)) - 2;
  const y0 = Math.floor(Math.min(...ys)) - 2;
  const x1 = Math.ceil(Math.max(...xs)) + 2;
  const y1 = Math.ceil(Math.max(...ys)) + 2;
  const { width: W, height: H, data } = frame;
  if (x0 >= 0 && y0 >= 0 && x1 <= W && y1 <= H) return null;
  const w = x1 - x0;
  const h = y1 - y0;
  const out = new Uint8Array(w * h * 3);
  const cols = new Int32Array(w);
  for (let u = 0; u < w; u++) cols[u] = reflectIndex(x0 + u, W) * 3;
  for (let v = 0; v < h; v++) {
    const row = reflectIndex(y0 + v, H) * W * 3;
    let o = v * w * 3;
    for (let u = 0; u < w; u++, o += 3) {
      const p = row + cols[u]!;
      out[o] = data[p]!;
      out[o + 1] = data[p + 1]!;
      out[o + 2] = data[p + 2]!;
    }
  }
  return { image: { width: w, height: h, data: out }, x0, y0 };
}

/**
 * Crop an aligned square face of size×size pixels. Where the square reaches past the frame
 * (a face near an edge, a tight face crop), that part is black, or with `border: 'reflect'`
 * the frame mirrored at its edge (what a model trained on OpenCV BORDER_REFLECT crops saw).
 * The returned transform always maps crop pixels to frame pixels.
 */
export function alignedCrop(
  frame: RgbImage,
  box: FaceBox,
  opts: { margin: number; size: number; eyes: [number, number]; align?: boolean; interpolation?: Interpolation; border?: 'black' | 'reflect' },
): { image: RgbImage; transform: Affine } {
  const transform = cropTransform(box, opts.margin, opts.size, opts.align === false ? 0 : rollAngle(box, opts.eyes));
  const region = opts.border === 'reflect' ? reflectedRegion(frame, transform, opts.size) : null;
  if (!region) return { image: sample(frame, transform, opts.size, opts.size, opts.interpolation), transform };
  const shifted = { ...transform, c: transform.c - region.x0, f: transform.f - region.y0 };
  return { image: sample(region.image, shifted, opts.size, opts.size, opts.interpolation), transform };
}

/**
 * Crop options a classifier's manifest asks for: `input.align: false` keeps crops axis-aligned
 * and `input.border: 'reflect'` mirrors the frame past its edges, as a model was trained.
 */
export function cropOptions(spec: ModelInputSpec, size: number, eyes: [number, number]) {
  return {
    margin: spec.cropMargin ?? 1.3,
    size,
    eyes,
    align: spec.align !== false,
    interpolation: interpolationOf(spec),
    border: spec.border === 'reflect' ? ('reflect' as const) : ('black' as const),
  };
}
