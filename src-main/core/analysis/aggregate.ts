/**
 * From per-face and per-frame scores to a verdict. Rules (and why):
 * - a face observation's probability is the mean of the face classifiers that ran on it;
 * - a track's probability is the mean over its observations (a swap is applied to the
 *   whole shot, so averaging removes frame-level noise without hiding it);
 * - the faces' verdict is the most suspicious *major* track (one seen in at least 30 % of
 *   the frames the longest track was seen in): one swapped person makes the media
 *   manipulated, but a one-frame false detection should not decide;
 * - with k major tracks the most suspicious one had k chances to raise a false alarm, so
 *   when the face model ships how often real faces reach each probability
 *   (`realExceedance`), the maximum is mapped to the single-face probability with the same
 *   false-alarm rate, 1 − (1 − share(p))^k (Šidák). The correction only moves a verdict
 *   from 'manipulated' towards 'inconclusive': it never goes below the authentic
 *   threshold, because a swapped face among k real ones is missed no more often than alone;
 * - the generated-image score is the mean over the frames each model saw, the most
 *   suspicious model deciding; when faces and the image model both judged, the higher
 *   probability decides (either kind of manipulation makes the media manipulated);
 * - when the whole-image detectors held back on a file they could otherwise judge (a HEVC-coded still), the
 *   faces may flag it but not clear it: their "authentic" becomes inconclusive;
 * - a still picture in which the copy-move check found copied regions is never called
 *   authentic (inconclusive at most from the models' side): the check is not calibrated as a
 *   probability, and content can repeat for real, so it does not make the picture manipulated
 *   on its own; it is named in the explanation whatever the band.
 */
import type { FaceTrack, Verdict } from '../../../src-shared/domain/detection';
import type { ModelThresholds, RealExceedance } from '../../../src-shared/domain/models';
import { bandOf } from './calibration';

/** Mean of the non-null values, or null. */
export function meanOrNull(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** Fill in each track's probability and band. */
export function scoreTracks(tracks: FaceTrack[], t: ModelThresholds): FaceTrack[] {
  return tracks.map((tr) => {
    const probability = meanOrNull(tr.observations.map((o) => o.probability));
    return { ...tr, probability, band: bandOf(probability, t) };
  });
}

/** Share of real faces reaching probability p: linear between the table's points, flat beyond its ends. */
export function exceedanceAt(p: number, t: RealExceedance): number {
  const { p: xs, share: ys } = t;
  if (p <= xs[0]!) return ys[0]!;
  const last = xs.length - 1;
  if (p >= xs[last]!) return ys[last]!;
  let i = 0;
  while (xs[i + 1]! < p) i++;
  const f = (p - xs[i]!) / (xs[i + 1]! - xs[i]!);
  return ys[i]! + f * (ys[i + 1]! - ys[i]!);
}

/** The lowest probability whose real-face share is down to `share` (inverse of exceedanceAt). */
export function probabilityAtShare(share: number, t: RealExceedance): number {
  const { p: xs, share: ys } = t;
  if (share >= ys[0]!) return xs[0]!;
  for (let i = 0; i + 1 < xs.length; i++) {
    if (ys[i + 1]! <= share) {
      const drop = ys[i]! - ys[i + 1]!;
      return drop > 0 ? xs[i]! + ((ys[i]! - share) / drop) * (xs[i + 1]! - xs[i]!) : xs[i + 1]!;
    }
  }
  return xs[xs.length - 1]!;
}

/**
 * The most suspicious of k face probabilities, mapped to the single-face probability with the
 * same false-alarm rate (see the header). Returns p itself for k ≤ 1, without a table, or when
 * no real face in the table reached p.
 */
export function correctForFaceCount(p: number, k: number, table: RealExceedance | undefined, t: ModelThresholds): number {
  if (!table || k <= 1 || !Number.isFinite(p)) return p;
  const share = exceedanceAt(p, table);
  if (!(share > 0)) return p;
  const anyOfK = 1 - Math.pow(1 - Math.min(1, share), k);
  const corrected = probabilityAtShare(anyOfK, table);
  return Math.min(p, Math.max(corrected, Math.min(p, t.authentic)));
}

export interface FacesProbability {
  /** The verdict's face probability: the most suspicious major track's, corrected for their number. */
  probability: number | null;
  trackId: number | null;
  /** The most suspicious major track's own probability, before the correction. */
  maxProbability: number | null;
  /** How many major tracks were judged. */
  majorCount: number;
}

/** The probability of the most suspicious major track (corrected for how many there were), or null when none was scored. */
export function facesProbability(tracks: FaceTrack[], correction?: { table?: RealExceedance; thresholds: ModelThresholds }): FacesProbability {
  const scored = tracks.filter((t) => t.probability !== null);
  if (!scored.length) return { probability: null, trackId: null, maxProbability: null, majorCount: 0 };
  const longest = Math.max(...scored.map((t) => t.observations.length));
  const major = scored.filter((t) => t.observations.length >= Math.max(1, 0.3 * longest));
  let best = major[0]!;
  for (const t of major) if (t.probability! > best.probability!) best = t;
  const probability = correction ? correctForFaceCount(best.probability!, major.length, correction.table, correction.thresholds) : best.probability;
  return { probability, trackId: best.trackId, maxProbability: best.probability, majorCount: major.length };
}

/** A probability as a percentage with one decimal, as the explanations write it. */
export const pct = (p: number) => `${(p * 100).toFixed(1)} %`;

/** Combine the face and whole-image evidence into the file's verdict. */
export function decide(opts: {
  /** Regions of a still picture found copied within it (copy-move check), or null. */
  clones?: { count: number; largestShare: number } | null;
  /** Regions of a twice-saved JPEG that lack the earlier compression (splice map), or null. */
  spliced?: { count: number; largestShare: number } | null;
  /** Regions of a JPEG compressed earlier on another 8×8 grid than the rest of it (shifted-grid map), or null. */
  gridShifted?: { count: number; largestShare: number } | null;
  faces: { probability: number | null; trackId: number | null; trackCount: number; maxProbability?: number | null; majorCount?: number };
  image: { probability: number | null; modelId: string | null };
  thresholds: ModelThresholds;
  undeterminedReason: string;
  /**
   * Why the whole-image detectors did not judge this file although they could have (a HEVC-coded still), or
   * null. The faces may then flag it but not clear it: a face-swap model says nothing about a picture
   * generated whole.
   */
  imageNotJudged?: string | null;
}): Verdict {
  const { faces, image, thresholds } = opts;
  const fp = faces.probability;
  const ip = image.probability;
  const clones = opts.clones?.count ? opts.clones : null;
  const cloneText = clones
    ? `${clones.count} region${clones.count > 1 ? 's' : ''} of the picture ${clones.count > 1 ? 'are copies' : 'is a copy'} of another part of it (largest ${pct(clones.largestShare)} of the picture), as cloning or pasting a duplicate leaves; content that repeats for real can show it too.`
    : '';
  const spliced = opts.spliced?.count ? opts.spliced : null;
  const spliceText = spliced
    ? `${spliced.count} region${spliced.count > 1 ? 's' : ''} (largest ${pct(spliced.largestShare)} of the picture) ${spliced.count > 1 ? 'lack' : 'lacks'} the earlier JPEG compression the rest of the picture carries, as content pasted in between two saves does.`
    : '';
  const shifted = opts.gridShifted?.count ? opts.gridShifted : null;
  const shiftedText = shifted
    ? `${shifted.count} region${shifted.count > 1 ? 's' : ''} (largest ${pct(shifted.largestShare)} of the picture) ${shifted.count > 1 ? 'carry' : 'carries'} an earlier JPEG compression on another 8×8 grid than the rest of the picture, as content pasted in from another JPEG does.`
    : '';
  if (fp === null && ip === null) {
    let explanation = clones ? `${opts.undeterminedReason} The copy-move check found that ${cloneText}` : opts.undeterminedReason;
    if (spliced) explanation += ` The splice map found that ${spliceText}`;
    if (shifted) explanation += ` The shifted-grid map found that ${shiftedText}`;
    return { band: 'undetermined', probability: null, thresholds, explanation, decidedBy: 'none' };
  }
  let probability: number;
  let decidedBy: Verdict['decidedBy'];
  let explanation: string;
  if (fp !== null && ip !== null) {
    probability = Math.max(fp, ip);
    decidedBy = 'combined';
    explanation =
      fp >= ip
        ? `Face analysis of ${faces.trackCount} tracked face(s) gives ${pct(fp)} (track ${faces.trackId}); the whole-image detector gives ${pct(ip)}. The higher decides.`
        : `The whole-image detector (${image.modelId}) gives ${pct(ip)}; face analysis of ${faces.trackCount} tracked face(s) gives ${pct(fp)}. The higher decides.`;
  } else if (fp !== null) {
    probability = fp;
    decidedBy = 'faces';
    explanation = `Face analysis of ${faces.trackCount} tracked face(s) gives a ${pct(fp)} probability of manipulation (most suspicious: track ${faces.trackId}).`;
  } else {
    probability = ip!;
    decidedBy = 'generated-image';
    explanation = `No face could be judged; the whole-image detector (${image.modelId}) gives a ${pct(ip!)} probability that the picture is generated or edited.`;
  }
  const fmax = faces.maxProbability;
  if (fp !== null && fmax !== null && fmax !== undefined && fmax > fp && probability === fp) {
    explanation += ` That face alone would read ${pct(fmax)}; with ${faces.majorCount} faces judged the most suspicious had ${faces.majorCount} chances of a false alarm, so it counts as the single-face probability with the same false-alarm rate, ${pct(fp)}.`;
  }
  let band = bandOf(probability, thresholds);
  const bandText = band === 'manipulated' ? 'at or above the manipulated threshold' : band === 'authentic' ? 'below the authentic threshold' : 'between the two thresholds: inconclusive';
  explanation = `${explanation} ${pct(probability)} is ${bandText} (${pct(thresholds.authentic)} / ${pct(thresholds.manipulated)}).`;
  // Faces were located but none judged (too small for the face model, or it failed): the whole-image detector
  // looks for generated or edited pictures and cannot clear a face swap, so it may flag the file but not clear it.
  if (band === 'authentic' && fp === null && faces.trackCount > 0) {
    band = 'inconclusive';
    explanation += ` ${faces.trackCount} face(s) were located but none could be judged, so a face swap is not ruled out: inconclusive.`;
  }
  // The mirror case: faces judged, the whole-image detector held back (HEVC-coded still). Face analysis
  // cannot clear a picture generated whole, so the faces may flag the file but not clear it.
  if (band === 'authentic' && ip === null && fp !== null && opts.imageNotJudged) {
    band = 'inconclusive';
    explanation += ` But the whole-image detector did not judge this picture (${opts.imageNotJudged}), and face analysis cannot rule out a picture generated whole: inconclusive.`;
  }
  // The models look for swapped faces and generated pictures, not for a region cloned within the
  // picture: a copy found keeps the picture out of the authentic band (it does not move the probability).
  if (clones) {
    if (band === 'authentic') {
      band = 'inconclusive';
      explanation += ` But the copy-move check found that ${cloneText} So the picture is not called authentic: inconclusive; see where in the copy-move evidence.`;
    } else explanation += ` The copy-move check also found that ${cloneText}`;
  }
  // Likewise a region pasted between two JPEG saves (splice map).
  if (spliced) {
    if (band === 'authentic') {
      band = 'inconclusive';
      explanation += ` But the splice map found that ${spliceText} So the picture is not called authentic: inconclusive; see where in the splice-map evidence.`;
    } else explanation += ` The splice map also found that ${spliceText}`;
  }
  // And content compressed earlier on another grid (shifted-grid map).
  if (shifted) {
    if (band === 'authentic') {
      band = 'inconclusive';
      explanation += ` But the shifted-grid map found that ${shiftedText} So the picture is not called authentic: inconclusive; see where in the shifted-grid evidence.`;
    } else explanation += ` The shifted-grid map also found that ${shiftedText}`;
  }
  return { band, probability, thresholds, explanation, decidedBy };
}
