/**
 * From per-face and per-frame scores to a verdict. Rules (and why):
 * - a face observation's probability is the mean of the face classifiers that ran on it;
 * - a track's probability is the mean over its observations (a swap is applied to the
 *   whole shot, so averaging removes frame-level noise without hiding it);
 * - the faces' verdict is the most suspicious *major* track (one seen in at least 30 % of
 *   the frames the longest track was seen in): one swapped person makes the media
 *   manipulated, but a one-frame false detection should not decide;
 * - the generated-image score is the mean over the frames each model saw, the most
 *   suspicious model deciding; when faces and the image model both judged, the higher
 *   probability decides (either kind of manipulation makes the media manipulated).
 */
import type { FaceTrack, Verdict } from '../../../src-shared/domain/detection';
import type { ModelThresholds } from '../../../src-shared/domain/models';
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

/** The probability of the most suspicious major track, or null when no track was scored. */
export function facesProbability(tracks: FaceTrack[]): { probability: number | null; trackId: number | null } {
  const scored = tracks.filter((t) => t.probability !== null);
  if (!scored.length) return { probability: null, trackId: null };
  const longest = Math.max(...scored.map((t) => t.observations.length));
  const major = scored.filter((t) => t.observations.length >= Math.max(1, 0.3 * longest));
  let best = major[0]!;
  for (const t of major) if (t.probability! > best.probability!) best = t;
  return { probability: best.probability, trackId: best.trackId };
}

const pct = (p: number) => `${(p * 100).toFixed(1)} %`;

/** Combine the face and whole-image evidence into the file's verdict. */
export function decide(opts: {
  faces: { probability: number | null; trackId: number | null; trackCount: number };
  image: { probability: number | null; modelId: string | null };
  thresholds: ModelThresholds;
  undeterminedReason: string;
}): Verdict {
  const { faces, image, thresholds } = opts;
  const fp = faces.probability;
  const ip = image.probability;
  if (fp === null && ip === null) {
    return { band: 'undetermined', probability: null, thresholds, explanation: opts.undeterminedReason, decidedBy: 'none' };
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
    explanation = `Face analysis of ${faces.trackCount} tracked face(s): the most suspicious (track ${faces.trackId}) has a ${pct(fp)} probability of manipulation.`;
  } else {
    probability = ip!;
    decidedBy = 'generated-image';
    explanation = `No face could be judged; the whole-image detector (${image.modelId}) gives a ${pct(ip!)} probability that the picture is generated or edited.`;
  }
  const band = bandOf(probability, thresholds);
  const bandText = band === 'manipulated' ? 'at or above the manipulated threshold' : band === 'authentic' ? 'below the authentic threshold' : 'between the two thresholds: inconclusive';
  return { band, probability, thresholds, explanation: `${explanation} ${pct(probability)} is ${bandText} (${pct(thresholds.authentic)} / ${pct(thresholds.manipulated)}).`, decidedBy };
}
