import { describe, expect, it } from 'vitest';
import { correctForFaceCount, decide, exceedanceAt, facesProbability, probabilityAtShare } from '../../../src-main/core/analysis/aggregate';
import { parseManifest } from '../../../src-main/core/analysis/manifest';
import type { FaceObservation, FaceTrack } from '../../../src-shared/domain/detection';
import type { RealExceedance } from '../../../src-shared/domain/models';

// Real faces: half reach 0.3, 10 % reach 0.6, 5 % reach 0.7, 1 % reach 0.9, none reach 0.99.
const table: RealExceedance = { p: [0, 0.3, 0.6, 0.7, 0.9, 0.99], share: [1, 0.5, 0.1, 0.05, 0.01, 0], measuredOn: 'test' };
const thresholds = { authentic: 0.3, manipulated: 0.7 };

function track(trackId: number, probability: number, frames = 4): FaceTrack {
  const observations = Array.from({ length: frames }, (_, i) => ({ frameIndex: i, probability }) as unknown as FaceObservation);
  return { trackId, observations, probability, band: 'inconclusive' };
}

describe('real-face exceedance table', () => {
  it('interpolates between points and is flat beyond the ends', () => {
    expect(exceedanceAt(-1, table)).toBe(1);
    expect(exceedanceAt(0.65, table)).toBeCloseTo(0.075, 10);
    expect(exceedanceAt(0.7, table)).toBeCloseTo(0.05, 10);
    expect(exceedanceAt(1, table)).toBe(0);
  });
  it('probabilityAtShare inverts exceedanceAt inside the table', () => {
    for (const p of [0.05, 0.3, 0.45, 0.62, 0.7, 0.8, 0.95]) expect(probabilityAtShare(exceedanceAt(p, table), table)).toBeCloseTo(p, 10);
    expect(probabilityAtShare(1, table)).toBe(0);
    expect(probabilityAtShare(0, table)).toBe(0.99);
  });
  it('a flat stretch of the table maps a share to the first probability that reaches it', () => {
    const flat: RealExceedance = { p: [0, 0.5, 0.8, 1], share: [1, 0.2, 0.2, 0], measuredOn: 't' };
    expect(probabilityAtShare(0.2, flat)).toBe(0.5);
    expect(probabilityAtShare(0.1, flat)).toBeCloseTo(0.9, 10);
  });
});

describe('correction for the number of judged faces', () => {
  it('one face, no table, or a score no real face reached: unchanged', () => {
    expect(correctForFaceCount(0.8, 1, table, thresholds)).toBe(0.8);
    expect(correctForFaceCount(0.8, 5, undefined, thresholds)).toBe(0.8);
    expect(correctForFaceCount(0.995, 5, table, thresholds)).toBe(0.995);
  });
  it('maps the maximum of k faces to the single-face probability with the same false-alarm rate (Šidák)', () => {
    // 0.7 alone: 5 % of real faces; the most suspicious of 4 real faces reaches it 1-(0.95)^4 = 18.5 % of the time.
    const anyOf4 = 1 - Math.pow(0.95, 4);
    const c = correctForFaceCount(0.7, 4, table, thresholds);
    expect(exceedanceAt(c, table)).toBeCloseTo(anyOf4, 10);
    expect(c).toBeLessThan(0.7);
    expect(c).toBeCloseTo(0.3 + ((0.5 - anyOf4) / 0.4) * 0.3, 10);
    // More faces, more correction; never upwards.
    expect(correctForFaceCount(0.7, 8, table, thresholds)).toBeLessThan(c);
    for (const p of [0.31, 0.5, 0.75, 0.9]) for (const k of [2, 3, 10]) expect(correctForFaceCount(p, k, table, thresholds)).toBeLessThanOrEqual(p);
  });
  it('never turns an inconclusive or manipulated face into an authentic verdict', () => {
    const c = correctForFaceCount(0.45, 20, table, thresholds);
    expect(c).toBe(0.3); // floored at the authentic threshold: still inconclusive
    expect(correctForFaceCount(0.2, 20, table, thresholds)).toBeLessThanOrEqual(0.2);
  });
});

describe('facesProbability and decide', () => {
  it('corrects the verdict over the major tracks and explains it; the tracks keep their own probabilities', () => {
    const tracks = [track(1, 0.72), track(2, 0.1), track(3, 0.2), track(4, 0.15), track(9, 0.99, 1)];
    const fp = facesProbability(tracks, { table, thresholds });
    expect(fp.trackId).toBe(1);
    expect(fp.maxProbability).toBe(0.72);
    expect(fp.majorCount).toBe(4); // track 9 was seen in one frame of four: not a major track
    expect(fp.probability!).toBeLessThan(0.7);
    const v = decide({ faces: { ...fp, trackCount: tracks.length }, image: { probability: null, modelId: null }, thresholds, undeterminedReason: 'none' });
    expect(v.band).toBe('inconclusive');
    expect(v.probability).toBe(fp.probability);
    expect(v.explanation).toContain('72.0 %');
    expect(v.explanation).toContain('4 faces judged');
    expect(tracks[0]!.probability).toBe(0.72);
  });
  it('a single face, or no correction asked for: the maximum decides unchanged', () => {
    expect(facesProbability([track(1, 0.72)], { table, thresholds }).probability).toBe(0.72);
    expect(facesProbability([track(1, 0.72), track(2, 0.1)]).probability).toBe(0.72);
    const v = decide({ faces: { ...facesProbability([track(1, 0.72)], { table, thresholds }), trackCount: 1 }, image: { probability: null, modelId: null }, thresholds, undeterminedReason: 'none' });
    expect(v.band).toBe('manipulated');
    expect(v.explanation).not.toContain('chances');
  });
  it('located faces that could not be judged keep the whole-image score from clearing the file, not from flagging it', () => {
    const none = { probability: null, trackId: null, trackCount: 2 };
    const low = decide({ faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(low).toMatchObject({ band: 'inconclusive', probability: 0.1, decidedBy: 'generated-image' });
    expect(low.explanation).toMatch(/below the authentic threshold .* 2 face\(s\) were located but none could be judged, so a face swap is not ruled out/);
    expect(decide({ faces: none, image: { probability: 0.95, modelId: 'gen' }, thresholds, undeterminedReason: 'none' }).band).toBe('manipulated');
    // no face located at all: the whole-image detector may clear the picture
    expect(decide({ faces: { ...none, trackCount: 0 }, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' }).band).toBe('authentic');
  });
  it('faces judged while the whole-image detector held back (a HEVC-coded still) may flag the file but not clear it', () => {
    const face = (p: number) => ({ probability: p, trackId: 1, trackCount: 1 });
    const noImage = { probability: null, modelId: null };
    const low = decide({ faces: face(0.1), image: noImage, thresholds, undeterminedReason: 'none', imageNotJudged: 'it is HEVC-coded' });
    expect(low).toMatchObject({ band: 'inconclusive', probability: 0.1, decidedBy: 'faces' });
    expect(low.explanation).toMatch(/below the authentic threshold .* But the whole-image detector did not judge this picture \(it is HEVC-coded\)/);
    expect(decide({ faces: face(0.95), image: noImage, thresholds, undeterminedReason: 'none', imageNotJudged: 'it is HEVC-coded' }).band).toBe('manipulated');
    // Without the reason (no whole-image model installed, say) the faces decide as before.
    expect(decide({ faces: face(0.1), image: noImage, thresholds, undeterminedReason: 'none' }).band).toBe('authentic');
    expect(decide({ faces: face(0.1), image: noImage, thresholds, undeterminedReason: 'none', imageNotJudged: null }).band).toBe('authentic');
  });
  it('copied regions keep a picture out of the authentic band and are named whatever the band; the probability is the models\'', () => {
    const none = { probability: null, trackId: null, trackCount: 0 };
    const clones = { count: 2, largestShare: 0.031 };
    const low = decide({ clones, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(low).toMatchObject({ band: 'inconclusive', probability: 0.1, decidedBy: 'generated-image' });
    expect(low.explanation).toMatch(/copy-move check found that 2 regions of the picture are copies .*3\.1 %.* not called authentic: inconclusive/);
    const high = decide({ clones, faces: none, image: { probability: 0.9, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(high).toMatchObject({ band: 'manipulated', probability: 0.9 });
    expect(high.explanation).toContain('The copy-move check also found that 2 regions');
    const mid = decide({ clones: { count: 1, largestShare: 0.01 }, faces: none, image: { probability: 0.5, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(mid.band).toBe('inconclusive');
    expect(mid.explanation).toContain('1 region of the picture is a copy');
    const nothing = decide({ clones, faces: none, image: { probability: null, modelId: null }, thresholds, undeterminedReason: 'No verdict: nothing judged.' });
    expect(nothing).toMatchObject({ band: 'undetermined', probability: null });
    expect(nothing.explanation).toMatch(/^No verdict: nothing judged\. The copy-move check found that 2 regions/);
    // None found (or no check): unchanged.
    for (const c of [null, { count: 0, largestShare: 0 }]) expect(decide({ clones: c, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' }).band).toBe('authentic');
  });
  it('regions found by the splice map keep a picture out of the authentic band and are named, beside copied regions', () => {
    const none = { probability: null, trackId: null, trackCount: 0 };
    const spliced = { count: 1, largestShare: 0.052 };
    const low = decide({ spliced, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(low).toMatchObject({ band: 'inconclusive', probability: 0.1 });
    expect(low.explanation).toMatch(/splice map found that 1 region \(largest 5\.2 % of the picture\) lacks the earlier JPEG compression .* not called authentic: inconclusive; see where in the splice-map evidence\.$/);
    const high = decide({ spliced: { count: 2, largestShare: 0.1 }, faces: none, image: { probability: 0.9, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(high.band).toBe('manipulated');
    expect(high.explanation).toContain('The splice map also found that 2 regions (largest 10.0 % of the picture) lack');
    const both = decide({ clones: { count: 1, largestShare: 0.01 }, spliced, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(both.band).toBe('inconclusive');
    expect(both.explanation).toMatch(/copy-move check found .* The splice map also found that 1 region/);
    const nothing = decide({ spliced, faces: none, image: { probability: null, modelId: null }, thresholds, undeterminedReason: 'No verdict.' });
    expect(nothing.explanation).toMatch(/^No verdict\. The splice map found that 1 region/);
    for (const c of [null, { count: 0, largestShare: 0 }]) expect(decide({ spliced: c, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' }).band).toBe('authentic');
  });

  it('regions found by the shifted-grid map keep a picture out of the authentic band and are named, after the splice map', () => {
    const none = { probability: null, trackId: null, trackCount: 0 };
    const gridShifted = { count: 1, largestShare: 0.064 };
    const low = decide({ gridShifted, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(low).toMatchObject({ band: 'inconclusive', probability: 0.1 });
    expect(low.explanation).toMatch(/shifted-grid map found that 1 region \(largest 6\.4 % of the picture\) carries an earlier JPEG compression on another 8×8 grid .* not called authentic: inconclusive; see where in the shifted-grid evidence\.$/);
    const high = decide({ gridShifted: { count: 3, largestShare: 0.1 }, faces: none, image: { probability: 0.9, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(high.band).toBe('manipulated');
    expect(high.explanation).toContain('The shifted-grid map also found that 3 regions (largest 10.0 % of the picture) carry');
    const both = decide({ spliced: { count: 1, largestShare: 0.02 }, gridShifted, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(both.band).toBe('inconclusive');
    expect(both.explanation).toMatch(/splice map found that 1 region .* The shifted-grid map also found that 1 region/);
    const nothing = decide({ gridShifted, faces: none, image: { probability: null, modelId: null }, thresholds, undeterminedReason: 'No verdict.' });
    expect(nothing).toMatchObject({ band: 'undetermined', probability: null });
    expect(nothing.explanation).toMatch(/^No verdict\. The shifted-grid map found that 1 region/);
    for (const c of [null, { count: 0, largestShare: 0 }]) expect(decide({ gridShifted: c, faces: none, image: { probability: 0.1, modelId: 'gen' }, thresholds, undeterminedReason: 'none' }).band).toBe('authentic');
  });
  it('the whole-image score still decides when it is higher than the corrected face score', () => {
    const fp = facesProbability([track(1, 0.72), track(2, 0.1), track(3, 0.1)], { table, thresholds });
    const v = decide({ faces: { ...fp, trackCount: 3 }, image: { probability: 0.8, modelId: 'gen' }, thresholds, undeterminedReason: 'none' });
    expect(v.probability).toBe(0.8);
    expect(v.band).toBe('manipulated');
    expect(v.explanation).not.toContain('chances');
  });
});

describe('manifest realExceedance', () => {
  const base = {
    id: 'f',
    version: '1',
    file: 'f.onnx',
    sha256: 'a'.repeat(64),
    task: 'face-manipulation',
    input: { name: 'x', shape: [1, 3, 8, 8] },
    outputs: { logit: { name: 'logit' } },
    license: 'MIT',
  };
  it('is accepted when p increases and share does not', () => {
    expect(parseManifest({ ...base, realExceedance: table }, 't').realExceedance).toEqual(table);
  });
  it('is refused when out of order, mismatched or out of range', () => {
    expect(() => parseManifest({ ...base, realExceedance: { ...table, p: [0.5, 0.4, 0.6, 0.7, 0.9, 0.99] } }, 't')).toThrow(/p must increase/);
    expect(() => parseManifest({ ...base, realExceedance: { ...table, share: [1, 0.5, 0.6, 0.05, 0.01, 0] } }, 't')).toThrow(/share must not increase/);
    expect(() => parseManifest({ ...base, realExceedance: { ...table, share: [1, 0.5] } }, 't')).toThrow(/differ in length/);
    expect(() => parseManifest({ ...base, realExceedance: { ...table, p: [0, 0.3, 0.6, 0.7, 0.9, 1.5] } }, 't')).toThrow(/realExceedance/);
  });
});
