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

/** Crop an aligned square face of size×size pixels. */
export function alignedCrop(
  frame: RgbImage,
  box: FaceBox,
  opts: { margin: number; size: number; eyes: [number, number]; align?: boolean; interpolation?: Interpolation },
): { image: RgbImage; transform: Affine } {
  const transform = cropTransform(box, opts.margin, opts.size, opts.align === false ? 0 : rollAngle(box, opts.eyes));
  return { image: sample(frame, transform, opts.size, opts.size, opts.interpolation), transform };
}

/** Crop options a classifier's manifest asks for (`input.align: false` keeps crops axis-aligned, as some models were trained). */
export function cropOptions(spec: ModelInputSpec, size: number, eyes: [number, number]) {
  return { margin: spec.cropMargin ?? 1.3, size, eyes, align: (spec as { align?: unknown }).align !== false, interpolation: interpolationOf(spec) };
}
