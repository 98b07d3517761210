/**
 * Calibration (raw logit → probability of manipulation) and verdict bands. A model with no
 * calibration uses the plain sigmoid of its logit, which is the uncalibrated probability.
 */
import type { VerdictBand } from '../../../src-shared/domain/detection';
import type { ModelCalibration, ModelManifest, ModelThresholds, SizeCorrection, StillCoding } from '../../../src-shared/domain/models';
import { assertNever } from '../../../src-shared/result';

/** Numerically safe logistic function. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Inverse of sigmoid, clamped so probabilities of exactly 0 or 1 stay finite. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
}

/** Piecewise-linear interpolation through an increasing isotonic fit, flat beyond its ends. */
function isotonic(x: number, xs: number[], ys: number[]): number {
  if (xs.length === 0) return sigmoid(x);
  if (x <= xs[0]!) return ys[0]!;
  const last = xs.length - 1;
  if (x >= xs[last]!) return ys[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo]!;
  const x1 = xs[hi]!;
  const t = x1 === x0 ? 0 : (x - x0) / (x1 - x0);
  return ys[lo]! + t * (ys[hi]! - ys[lo]!);
}

/** Map a raw logit to a calibrated probability of manipulation. */
export function calibrate(raw: number, cal: ModelCalibration | undefined): number {
  if (!Number.isFinite(raw)) return raw > 0 ? 1 : 0;
  if (!cal) return sigmoid(raw);
  switch (cal.method) {
    case 'temperature':
      return sigmoid(raw / (cal.params.T > 0 ? cal.params.T : 1));
    case 'platt':
      return sigmoid(cal.params.a * raw + cal.params.b);
    case 'isotonic':
      return Math.min(1, Math.max(0, isotonic(raw, cal.params.x, cal.params.y)));
    default:
      return assertNever(cal, 'calibration method');
  }
}

/**
 * The calibration and thresholds a whole-image model applies to a still of this coding: its
 * `codings` entry for a HEVC/AV1-coded still when the manifest has one (fitted on held-out
 * pictures after that round trip), else its own. `perCoding` says which.
 */
export function calibrationFor(
  m: Pick<ModelManifest, 'calibration' | 'thresholds' | 'codings'>,
  coding: StillCoding | null | undefined,
): { calibration: ModelCalibration | undefined; thresholds: ModelThresholds | undefined; perCoding: boolean } {
  const c = coding ? m.codings?.[coding] : undefined;
  return c ? { calibration: c.calibration, thresholds: c.thresholds, perCoding: true } : { calibration: m.calibration, thresholds: m.thresholds, perCoding: false };
}

/** A face's size as the judging floor (`limits.minFacePx`) and the size correction read it: its box's short side. */
export function faceSizePx(box: { w: number; h: number }): number {
  return Math.min(box.w, box.h);
}

/**
 * The raw-logit offset of a face whose box short side is `px` (manifest `sizeCorrection`):
 * linear in log(px) between the table's points, flat beyond its ends; 0 without a table or a
 * usable size. Mirrored in training/fit_size_correction.py (apply).
 */
export function sizeOffset(px: number | undefined, sc: SizeCorrection | undefined): number {
  if (!sc || sc.px.length === 0 || px === undefined || !(px > 0) || !Number.isFinite(px)) return 0;
  const { px: xs, logit: ys } = sc;
  const last = xs.length - 1;
  if (px <= xs[0]!) return ys[0]!;
  if (px >= xs[last]!) return ys[last]!;
  let i = 1;
  while (xs[i]! < px) i++;
  const t = (Math.log(px) - Math.log(xs[i - 1]!)) / (Math.log(xs[i]!) - Math.log(xs[i - 1]!));
  return ys[i - 1]! + t * (ys[i]! - ys[i - 1]!);
}

/** Thresholds used when neither settings nor the deciding model's manifest give any. */
export const DEFAULT_THRESHOLDS: ModelThresholds = { authentic: 0.3, manipulated: 0.7 };

/** The band of a calibrated probability; null means no model could judge. */
export function bandOf(p: number | null, t: ModelThresholds): VerdictBand {
  if (p === null || Number.isNaN(p)) return 'undetermined';
  if (p >= t.manipulated) return 'manipulated';
  if (p < t.authentic) return 'authentic';
  return 'inconclusive';
}
