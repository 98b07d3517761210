import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { codingCalibratedText, codingNotJudgedText, runPipeline, stillCodingOf, type PipelineModels } from '../../../src-main/core/analysis/pipeline';
import type { SampledFrame } from '../../../src-main/core/analysis/types';
import { createLogger } from '../../../src-main/core/log/logger';
import { classifierGraph, detectorGraph, solidFrame, testManifest, throwingGraph, writeModel, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';
import sharp from 'sharp';
import { correctForFaceCount } from '../../../src-main/core/analysis/aggregate';
import { heatmapNote } from '../../../src-main/core/analysis/evidence';
import type { RealExceedance, SizeCorrection } from '../../../src-shared/domain/models';
import { calibrate, sizeOffset } from '../../../src-main/core/analysis/calibration';
import { cloneRegion, texture } from '../../helpers/textures';

const log = createLogger('test', { level: 'error', sink: () => undefined });
const W = 160;
const H = 120;
const face = (color: [number, number, number]) => ({ x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color });

function frames(n: number, make: (i: number) => Uint8Array): SampledFrame[] {
  return Array.from({ length: n }, (_, i) => ({ index: i, timeSec: i * 0.5, width: W, height: H, data: make(i) }));
}

const THREE = [
  [0.02, 0.2, 0.3, 0.8],
  [0.36, 0.2, 0.64, 0.8],
  [0.7, 0.2, 0.98, 0.8],
] as const;
const REAL_TABLE: RealExceedance = { p: [0, 0.5, 0.9, 0.999], share: [1, 0.2, 0.02, 0], measuredOn: 'test' };
const SIZE_TABLE: SizeCorrection = { px: [40, 100], logit: [-6, 0], measuredOn: 'test' };

/** A grey frame with one rectangle per face box, each in its own colour. */
function multiFace(colors: [number, number, number][]): Uint8Array {
  const data = solidFrame(W, H, [120, 120, 120]);
  THREE.forEach(([x1, y1, x2, y2], i) => {
    for (let y = Math.ceil(y1 * H); y < y2 * H; y++) for (let x = Math.ceil(x1 * W); x < x2 * W; x++) data.set(colors[i]!, (y * W + x) * 3);
  });
  return data;
}

describe('analysis pipeline (generated models, generated frames)', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  let std: PipelineModels;
  beforeAll(async () => {
    t = tempDir('mg-pipe-');
    const dir = path.join(t.dir, 'models');
    writeStandardModels(dir);
    writeModel(dir, throwingGraph(), testManifest('t-throws', 'face-manipulation'));
    writeModel(dir, classifierGraph([8, 0, -8], 0, false), testManifest('t-face-nomap', 'face-manipulation', { outputs: { logit: { name: 'logit' } } }));
    writeModel(dir, detectorGraph(THREE), testManifest('t-detector3', 'face-detection'));
    writeModel(dir, classifierGraph(), testManifest('t-face-null', 'face-manipulation', { realExceedance: REAL_TABLE }));
    writeModel(dir, classifierGraph(), testManifest('t-face-sized', 'face-manipulation', { sizeCorrection: SIZE_TABLE }));
    reg = new ModelRegistry({ dirs: [{ dir, source: 'bundled' }], importDir: path.join(t.dir, 'imp'), log, threads: 1 });
    std = { detector: await reg.get('t-detector'), faceClassifiers: [await reg.get('t-face')], imageModels: [await reg.get('t-image')], missing: [] };
  });
  afterAll(async () => {
    await reg.close();
    t.cleanup();
  });

  it('finds, tracks and scores a red (manipulated-looking) face with heatmaps and evidence', async () => {
    const input = { kind: 'video' as const, frames: frames(6, () => solidFrame(W, H, [120, 120, 120], face([230, 40, 40]))), expectedFrames: 6, durationSec: 3 };
    const stages: string[] = [];
    const r = await runPipeline(input, std, { thresholds: null, progress: (s) => stages.push(s) });
    expect(r.faceTracks).toHaveLength(1);
    const tr = r.faceTracks[0]!;
    expect(tr.observations).toHaveLength(6);
    expect(tr.probability!).toBeGreaterThan(0.9);
    expect(tr.band).toBe('manipulated');
    const box = tr.observations[0]!.box;
    expect(box.x).toBeCloseTo(0.3 * W, 0);
    expect(box.w).toBeCloseTo(0.4 * W, 0);
    expect(box.landmarks).toHaveLength(5);
    expect(r.verdict).toMatchObject({ band: 'manipulated', decidedBy: 'combined' });
    expect(r.verdict.probability!).toBeGreaterThan(0.9);
    expect(r.frames.map((f) => f.faceCount)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(r.models.map((m) => m.id)).toEqual(['t-detector', 't-face', 't-image']);
    const kinds = r.artifacts.map((a) => a.ref.kind).sort();
    expect(kinds).toEqual(['face', 'heatmap', 'keyframe', 'noise']);
    const hm = r.artifacts.find((a) => a.ref.kind === 'heatmap')!;
    expect((await sharp(hm.data).metadata()).format).toBe('png');
    expect(hm.ref.note).toBe('t-face: brightness of each 4×4 cell (test model)');
    expect(tr.observations.some((o) => o.heatmapArtifact === hm.ref.key)).toBe(true);
    expect(r.timingsMs.faces).toBeGreaterThan(0);
    expect(r.timingsMs.classify).toBeGreaterThan(0);
    expect(stages).toContain('classify');
    expect(r.executionProvider).toMatch(/cpu|cuda|dml|coreml/);
  });

  it('calls a blue face authentic and a grey one inconclusive', async () => {
    const blue = await runPipeline({ kind: 'image', frames: frames(1, () => solidFrame(W, H, [120, 120, 120], face([40, 40, 230]))), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(blue.verdict).toMatchObject({ band: 'authentic', decidedBy: 'faces' });
    const grey = await runPipeline({ kind: 'image', frames: frames(1, () => solidFrame(W, H, [120, 120, 120])), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(grey.verdict.band).toBe('inconclusive');
    expect(grey.verdict.probability!).toBeCloseTo(0.5, 2);
  });

  it('locates but does not judge faces too small for the face model (no false alarm from a 24-pixel face)', async () => {
    const small = (w: number, h: number): SampledFrame[] => [{ index: 0, timeSec: 0, width: w, height: h, data: solidFrame(w, h, [120, 120, 120], face([230, 40, 40])) }];
    const r = await runPipeline({ kind: 'image', frames: small(60, 50), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(r.faceTracks).toHaveLength(1);
    expect(r.faceTracks[0]!.probability).toBeNull();
    expect(r.verdict.band).toBe('undetermined');
    expect(r.warnings.find((w) => w.code === 'SMALL_FACES')?.message).toMatch(/1 face observation\(s\) under 32 px were located but not judged/);
    // with a whole-image detector (one whose manifest lets it judge a 60×50 picture): its score may
    // not clear a file whose located faces went unjudged
    const lenient = { authentic: 0.999, manipulated: 0.9999 };
    const img = std.imageModels[0]!;
    const smallImageModel = { ...img, manifest: { ...img.manifest, limits: { minImagePx: 32 } } };
    const withImage = await runPipeline({ kind: 'image', frames: small(60, 50), expectedFrames: 1 }, { ...std, imageModels: [smallImageModel] }, { thresholds: lenient });
    expect(withImage.verdict).toMatchObject({ band: 'inconclusive', decidedBy: 'generated-image' });
    expect(withImage.verdict.probability!).toBeLessThan(lenient.authentic);
    expect(withImage.verdict.explanation).toMatch(/face swap is not ruled out/);
    // the same face at 80 px is judged (red: manipulated)
    const big = await runPipeline({ kind: 'image', frames: small(200, 160), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(big.verdict.band).toBe('manipulated');
    expect(big.warnings.some((w) => w.code === 'SMALL_FACES')).toBe(false);
  });

  it('does not let a whole-image detector judge a HEVC- or AV1-coded still (HEIC, AVIF) unless its manifest opts in; faces still judge', async () => {
    const plain: SampledFrame[] = [{ index: 0, timeSec: 0, width: 200, height: 160, data: solidFrame(200, 160, [60, 8, 8]) }]; // dark: the test detector finds no face
    const r = await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: 'hevc' }, std, { thresholds: null });
    expect(r.imageScores[0]).toMatchObject({ modelId: 't-image', probability: null, band: 'undetermined', notJudged: codingNotJudgedText('hevc') });
    expect(r.verdict).toMatchObject({ band: 'undetermined', probability: null });
    expect(r.verdict.explanation).toMatch(/^No verdict: no face was found and the picture's coding is not judged\. HEVC-coded picture/);
    expect(r.warnings).toContainEqual({ code: 'NOT_JUDGED', message: expect.stringMatching(/^HEVC-coded picture \(HEIC\/HEIF\): the whole-image detector does not judge it.*nothing else judged this file\.$/) });
    // The same picture as a JPEG/PNG is judged (red: manipulated for this test model).
    const jpeg = await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: null }, std, { thresholds: null });
    expect(jpeg.imageScores[0]!.probability).not.toBeNull();
    expect(jpeg.warnings.some((w) => w.code === 'NOT_JUDGED')).toBe(false);
    // A model calibrated on HEVC-coded pictures says so in its manifest, and judges.
    const img = std.imageModels[0]!;
    const hevcModel = { ...img, manifest: { ...img.manifest, limits: { judgesHevc: 1 } } };
    const opted = await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: 'hevc' }, { ...std, imageModels: [hevcModel] }, { thresholds: null });
    expect(opted.imageScores[0]!.probability).toBe(jpeg.imageScores[0]!.probability);
    expect(opted.verdict.band).toBe(jpeg.verdict.band);
    expect(opted.imageScores[0]!.calibratedFor).toBeUndefined();
    // One with its own HEVC calibration and thresholds (manifest codings.hevc) scores a HEIC with them, and says so;
    // a JPEG/PNG still keeps the model's own calibration.
    const raw = jpeg.imageScores[0]!.rawLogit!;
    const hevcCal = { calibration: { method: 'platt' as const, params: { a: -1, b: 0 }, fittedOn: 'test' }, thresholds: { authentic: 0.01, manipulated: 0.99 } };
    const calibrated = { ...img, manifest: { ...img.manifest, limits: { judgesHevc: 1 }, codings: { hevc: hevcCal } } };
    const heic = await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: 'hevc' }, { ...std, imageModels: [calibrated] }, { thresholds: null });
    expect(heic.imageScores[0]).toMatchObject({ rawLogit: raw, probability: calibrate(raw, hevcCal.calibration), band: 'inconclusive', calibratedFor: codingCalibratedText('hevc') });
    expect(heic.imageScores[0]!.probability).not.toBe(jpeg.imageScores[0]!.probability);
    expect(heic.verdict).toMatchObject({ band: 'inconclusive', decidedBy: 'generated-image', thresholds: hevcCal.thresholds });
    expect(codingCalibratedText('hevc')).toBe("HEVC-coded picture (HEIC/HEIF): scored with this model's HEVC calibration and thresholds, fitted on held-out pictures after a HEIC round trip");
    const asPng = await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: null }, { ...std, imageModels: [calibrated] }, { thresholds: null });
    expect(asPng.imageScores[0]).toMatchObject({ probability: jpeg.imageScores[0]!.probability, band: jpeg.imageScores[0]!.band });
    expect(asPng.imageScores[0]!.calibratedFor).toBeUndefined();
    // Its AV1 stills are not covered by the HEVC entry: not judged without judgesAv1.
    expect((await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: 'av1' }, { ...std, imageModels: [calibrated] }, { thresholds: null })).imageScores[0]!.probability).toBeNull();
    // With a face, the faces decide and the note says only they were judged.
    const withFace: SampledFrame[] = [{ index: 0, timeSec: 0, width: W, height: H, data: solidFrame(W, H, [120, 120, 120], face([230, 40, 40])) }];
    const f = await runPipeline({ kind: 'image', frames: withFace, expectedFrames: 1, stillCoding: 'hevc' }, std, { thresholds: null });
    expect(f.verdict).toMatchObject({ band: 'manipulated', decidedBy: 'faces' });
    expect(f.warnings.find((w) => w.code === 'NOT_JUDGED')?.message).toMatch(/only the faces were judged, and they can flag the picture but not clear it\.$/);
    // ... but they cannot clear it: a blue (authentic-looking) face leaves a HEVC-coded picture inconclusive.
    const blueFace: SampledFrame[] = [{ index: 0, timeSec: 0, width: W, height: H, data: solidFrame(W, H, [120, 120, 120], face([40, 40, 230])) }];
    const asJpeg = await runPipeline({ kind: 'image', frames: blueFace, expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(asJpeg.verdict.band).toBe('authentic');
    const asHeic = await runPipeline({ kind: 'image', frames: blueFace, expectedFrames: 1, stillCoding: 'hevc' }, std, { thresholds: null });
    expect(asHeic.verdict).toMatchObject({ band: 'inconclusive', decidedBy: 'faces', probability: asJpeg.verdict.probability });
    expect(asHeic.verdict.explanation).toMatch(/But the whole-image detector did not judge this picture \(it is HEVC-coded\), and face analysis cannot rule out a picture generated whole: inconclusive\.$/);
    // AVIF (AV1) likewise, with its own opt-in key.
    expect(stillCodingOf('avif')).toBe('av1');
    expect(stillCodingOf('heif')).toBe('hevc');
    expect(stillCodingOf('jpeg')).toBeNull();
    const av1 = await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: 'av1' }, std, { thresholds: null });
    expect(av1.imageScores[0]!.notJudged).toBe('the picture is AV1-coded (AVIF), which this model was not calibrated on: AV1 compression erases the traces it reads');
    expect(av1.warnings.find((w) => w.code === 'NOT_JUDGED')?.message).toMatch(/^AV1-coded picture \(AVIF\)/);
    const av1Model = { ...img, manifest: { ...img.manifest, limits: { judgesAv1: 1 } } };
    expect((await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: 'av1' }, { ...std, imageModels: [av1Model] }, { thresholds: null })).imageScores[0]!.probability).toBe(jpeg.imageScores[0]!.probability);
    expect((await runPipeline({ kind: 'image', frames: plain, expectedFrames: 1, stillCoding: 'av1' }, { ...std, imageModels: [hevcModel] }, { thresholds: null })).imageScores[0]!.probability).toBeNull();
    // Videos are not stills: the coding hint does not apply to them.
    const v = await runPipeline({ kind: 'video', frames: frames(2, () => solidFrame(W, H, [200, 30, 30])), expectedFrames: 2, stillCoding: 'hevc', durationSec: 4 }, std, { thresholds: null });
    expect(v.imageScores[0]!.probability).not.toBeNull();
  });

  it('does not let a whole-image detector judge a picture under its minimum size (a 1×1 picture is not "manipulated")', async () => {
    const plain = (w: number, h: number): SampledFrame[] => [{ index: 0, timeSec: 0, width: w, height: h, data: solidFrame(w, h, [200, 30, 30]) }];
    for (const [w, h] of [
      [1, 1],
      [63, 400],
    ]) {
      const r = await runPipeline({ kind: 'image', frames: plain(w!, h!), expectedFrames: 1 }, std, { thresholds: null });
      expect(r.imageScores[0]).toMatchObject({ modelId: 't-image', probability: null, band: 'undetermined', notJudged: expect.stringMatching(/^the picture is under 64 px/) });
      expect(r.imageScores[0]!.error).toBeUndefined();
      expect(r.verdict).toMatchObject({ band: 'undetermined', probability: null });
      expect(r.verdict.explanation).toMatch(/too small to judge/);
      expect(r.warnings).toContainEqual({ code: 'LOW_RESOLUTION', message: expect.stringMatching(new RegExp(`Too small for the whole-image detector \\(${w}×${h}; it judges pictures from 64 px`)) });
    }
    // From 64 px on the shorter side it judges (this test model calls red manipulated).
    const ok = await runPipeline({ kind: 'image', frames: plain(64, 400), expectedFrames: 1 }, std, { thresholds: null });
    expect(ok.imageScores[0]!.probability).not.toBeNull();
    expect(ok.imageScores[0]!.notJudged).toBeUndefined();
    expect(ok.warnings.map((w) => w.message)).toContain('Low resolution (64×400).');
  });

  it("moves a face's logit by the model's size correction before calibrating it; the raw logit stays the model's", async () => {
    const input = (w: number, h: number) => ({ kind: 'image' as const, frames: [{ index: 0, timeSec: 0, width: w, height: h, data: solidFrame(w, h, [120, 120, 120], face([200, 90, 90])) }], expectedFrames: 1 });
    const sized = { ...std, faceClassifiers: [await reg.get('t-face-sized')], imageModels: [] };
    const plainSmall = await runPipeline(input(W, H), { ...std, imageModels: [] }, { thresholds: null });
    const small = await runPipeline(input(W, H), sized, { thresholds: null });
    const o = small.faceTracks[0]!.observations[0]!;
    const px = Math.min(o.box.w, o.box.h);
    expect(px).toBeGreaterThan(40);
    expect(px).toBeLessThan(100);
    expect(o.rawLogit).toBeCloseTo(plainSmall.faceTracks[0]!.observations[0]!.rawLogit!, 6);
    const manifest = (await reg.get('t-face-sized')).manifest;
    expect(o.probability!).toBeCloseTo(calibrate(o.rawLogit! + sizeOffset(px, SIZE_TABLE), manifest.calibration), 6);
    expect(o.probability!).toBeLessThan(plainSmall.faceTracks[0]!.observations[0]!.probability! - 0.1);
    // a face above the table's last size is not moved
    const big = await runPipeline(input(400, 300), sized, { thresholds: null });
    const ob = big.faceTracks[0]!.observations[0]!;
    expect(Math.min(ob.box.w, ob.box.h)).toBeGreaterThan(100);
    expect(ob.probability!).toBeCloseTo(calibrate(ob.rawLogit!, manifest.calibration), 6);
  });

  it('corrects the most suspicious of several faces for their number when the face model ships a real-face table', async () => {
    const input = { kind: 'image' as const, frames: frames(1, () => multiFace([[40, 40, 230], [200, 110, 110], [60, 60, 200]])), expectedFrames: 1 };
    const detector = await reg.get('t-detector3');
    const plain = await runPipeline(input, { ...std, detector, imageModels: [] }, { thresholds: null });
    const corrected = await runPipeline(input, { ...std, detector, faceClassifiers: [await reg.get('t-face-null')], imageModels: [] }, { thresholds: null });
    expect(corrected.faceTracks).toHaveLength(3);
    const max = Math.max(...corrected.faceTracks.map((t) => t.probability!));
    expect(plain.verdict.probability).toBeCloseTo(max, 10);
    const t = corrected.verdict.thresholds;
    expect(corrected.verdict.probability!).toBeCloseTo(correctForFaceCount(max, 3, REAL_TABLE, t), 10);
    expect(corrected.verdict.probability!).toBeLessThan(max - 0.01);
    expect(corrected.verdict.explanation).toMatch(/3 faces judged/);
  });

  it('settings thresholds override the manifest', async () => {
    const r = await runPipeline({ kind: 'image', frames: frames(1, () => solidFrame(W, H, [120, 120, 120])), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: { authentic: 0.1, manipulated: 0.4 } });
    expect(r.verdict.band).toBe('manipulated');
    expect(r.verdict.thresholds).toEqual({ authentic: 0.1, manipulated: 0.4 });
  });

  it('with no face falls back to the whole-image detector and says so', async () => {
    const dark = frames(1, () => solidFrame(W, H, [5, 60, 5]));
    const r = await runPipeline({ kind: 'image', frames: dark, expectedFrames: 1 }, std, { thresholds: null });
    expect(r.faceTracks).toHaveLength(0);
    expect(r.warnings.map((w) => w.code)).toContain('NO_FACE');
    expect(r.verdict.decidedBy).toBe('generated-image');
    expect(r.imageScores[0]).toMatchObject({ modelId: 't-image' });
    // an image gets error-level analysis; a video would not
    expect(r.artifacts.map((a) => a.ref.kind)).toContain('ela');
  });

  it('with no face and no image model gives no verdict, never a fallback score', async () => {
    const r = await runPipeline({ kind: 'image', frames: frames(1, () => solidFrame(W, H, [5, 5, 5])), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(r.verdict).toMatchObject({ band: 'undetermined', probability: null, decidedBy: 'none' });
    expect(r.verdict.explanation).toMatch(/no face was found/);
  });

  it('names missing models in the verdict', async () => {
    const r = await runPipeline(
      { kind: 'image', frames: frames(1, () => solidFrame(W, H, [120, 120, 120], face([230, 40, 40]))), expectedFrames: 1 },
      { detector: null, faceClassifiers: [], imageModels: [], missing: ["No face-manipulation model is installed (models/<id>.json with task 'face-manipulation')."] },
      { thresholds: null },
    );
    expect(r.verdict.band).toBe('undetermined');
    expect(r.verdict.explanation).toMatch(/face-manipulation model/);
    expect(r.warnings[0]!.code).toBe('MODEL_MISSING');
  });

  it('a model that throws becomes an error in the result; the others still decide', async () => {
    const models = { ...std, faceClassifiers: [await reg.get('t-throws'), await reg.get('t-face')] };
    const r = await runPipeline({ kind: 'image', frames: frames(2, () => solidFrame(W, H, [120, 120, 120], face([230, 40, 40]))), expectedFrames: 2 }, models, { thresholds: null });
    const errs = r.warnings.filter((w) => w.code === 'MODEL_ERROR');
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/t-throws/);
    expect(r.verdict.band).toBe('manipulated');
    const only = await runPipeline({ kind: 'image', frames: frames(1, () => solidFrame(W, H, [120, 120, 120], face([230, 40, 40]))), expectedFrames: 1 }, { ...std, faceClassifiers: [await reg.get('t-throws')], imageModels: [] }, { thresholds: null });
    expect(only.verdict.band).toBe('undetermined');
    expect(only.verdict.explanation).toMatch(/t-throws/);
  });

  it('uses occlusion for a model without a heatmap output', async () => {
    const models = { ...std, faceClassifiers: [await reg.get('t-face-nomap')], imageModels: [] };
    const r = await runPipeline({ kind: 'image', frames: frames(1, () => solidFrame(W, H, [120, 120, 120], face([230, 40, 40]))), expectedFrames: 1 }, models, { thresholds: null });
    const maps = r.artifacts.filter((a) => a.ref.kind === 'heatmap');
    expect(maps).toHaveLength(1);
    expect(maps[0]!.ref.note).toMatch(/^t-face-nomap: occlusion sensitivity/);
  });

  it('a heatmap note prefers the caption, falls back to the meaning, and is cut to a storable length', async () => {
    const m = (await reg.get('t-face')).manifest;
    expect(heatmapNote(m)).toBe('t-face: brightness of each 4×4 cell (test model)');
    const meaningOnly = { ...m, outputs: { ...m.outputs, heatmap: { name: 'heatmap', meaning: 'x'.repeat(5000) } } };
    const note = heatmapNote(meaningOnly);
    expect(note.length).toBeLessThanOrEqual(600);
    expect(note.startsWith('t-face: xxx')).toBe(true);
    expect(note.endsWith('…')).toBe(true);
    expect(heatmapNote({ ...m, outputs: { logit: { name: 'logit' }, heatmap: { name: 'heatmap' } } })).toBe('t-face: the model’s localisation map');
  });

  it('warns about small faces, short videos, low resolution and too many faces', async () => {
    const small = frames(2, () => solidFrame(W, H, [120, 120, 120], face([230, 40, 40])));
    const r = await runPipeline({ kind: 'video', frames: small, expectedFrames: 2, durationSec: 1 }, std, { thresholds: null, maxFacesPerFrame: 0 });
    const codes = r.warnings.map((w) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['SMALL_FACES', 'SHORT_VIDEO', 'LOW_RESOLUTION', 'TOO_MANY_FACES']));
  });

  it('carries the splice map of a twice-saved JPEG still: finding, warning, overlay and verdict; not on video frames', async () => {
    const base = texture(400, 300, 7);
    const still = [{ index: 0, timeSec: 0, ...base }];
    const heat = new Float32Array(50 * 38);
    for (let y = 10; y < 20; y++) heat.fill(1.6, y * 50 + 20, y * 50 + 32);
    const upright = { regions: [{ x: 160, y: 80, w: 96, h: 80, areaShare: 0.064, peak: 150 }], heat: { width: 50, height: 38, data: heat }, coverage: 1, width: 400, height: 300 };
    const jpegSplice = { method: 'double-quantisation block map 1', threshold: 80, earlierQuality: 60, upright };
    const r = await runPipeline({ kind: 'image', frames: still, expectedFrames: 1, jpegSplice }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false });
    expect(r.splice).toEqual({ method: 'double-quantisation block map 1', earlierQuality: 60, regions: upright.regions, threshold: 80, coverage: 1, artifact: 'splice' });
    expect(r.warnings.find((w) => w.code === 'SPLICED_REGIONS')?.message).toMatch(/^The JPEG was saved twice \(earlier at quality ≈60\), but 1 region does not carry the earlier compression \(largest 6\.4 % of the picture\)/);
    expect(r.verdict.band).not.toBe('authentic');
    expect(r.verdict.explanation).toMatch(/splice map (also )?found that 1 region/);
    const art = r.artifacts.find((a) => a.ref.kind === 'splice');
    expect(art?.ref).toMatchObject({ key: 'splice', mime: 'image/png', width: 400, height: 300 });
    expect(art?.ref.note).toMatch(/^Splice map: .* Regions: 1: 96×80 px at \(160, 80\)\.$/);
    // The overlay is warm on the region and cold far from it.
    const png = await sharp(art!.data).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [...png.data.subarray((y * 400 + x) * 3, (y * 400 + x) * 3 + 3)];
    const [rIn, , bIn] = px(200, 120);
    const [rOut, , bOut] = px(20, 280);
    expect(rIn! - bIn!).toBeGreaterThan(rOut! - bOut!);

    // None found: the map and its overlay are kept, no warning, the verdict is the models' alone.
    const quiet = await runPipeline({ kind: 'image', frames: still, expectedFrames: 1, jpegSplice: { ...jpegSplice, upright: { ...upright, regions: [], heat: { ...upright.heat, data: new Float32Array(50 * 38) } } } }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false });
    expect(quiet.splice?.regions).toEqual([]);
    expect(quiet.splice?.artifact).toBe('splice');
    expect(quiet.artifacts.find((a) => a.ref.kind === 'splice')?.ref.note).toMatch(/no region reached the threshold\.$/);
    expect(quiet.warnings.some((w) => w.code === 'SPLICED_REGIONS')).toBe(false);
    expect(quiet.verdict.explanation).not.toMatch(/splice map/);
    const noEvidence = await runPipeline({ kind: 'image', frames: still, expectedFrames: 1, jpegSplice }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false, evidence: false });
    expect(noEvidence.splice?.regions).toHaveLength(1);
    expect(noEvidence.splice?.artifact).toBeUndefined();
    const video = await runPipeline({ kind: 'video', frames: [{ index: 0, timeSec: 0, ...base }], expectedFrames: 1, jpegSplice }, { ...std, imageModels: [] }, { thresholds: null });
    expect(video.splice).toBeUndefined();
    const none = await runPipeline({ kind: 'image', frames: still, expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false });
    expect(none.splice).toBeUndefined();
  });

  it('carries the shifted-grid map of a JPEG still: regions, the picture’s own grid, warning, overlay and verdict; not on video frames', async () => {
    const base = texture(400, 300, 9);
    const still = [{ index: 0, timeSec: 0, ...base }];
    const heat = new Float32Array(50 * 38);
    for (let y = 5; y < 15; y++) heat.fill(1.8, y * 50 + 30, y * 50 + 44);
    const region = { x: 240, y: 40, w: 112, h: 80, areaShare: 0.0747, peak: 43.2, dx: 6, dy: 1, earlierStep: 13 };
    const upright = { regions: [region], heat: { width: 50, height: 38, data: heat }, coverage: 1, width: 400, height: 300 };
    const jpegGrid = { method: 'shifted-grid DC lattice map 1', threshold: 24, pictureGrid: null, upright };
    const r = await runPipeline({ kind: 'image', frames: still, expectedFrames: 1, jpegGrid }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false });
    // The DC step 13: ≈59, the middle of the libjpeg qualities with that luma DC step.
    expect(r.grid).toEqual({ method: 'shifted-grid DC lattice map 1', pictureGrid: null, regions: [{ ...region, earlierQuality: 59 }], threshold: 24, coverage: 1, artifact: 'grid' });
    expect(r.warnings.find((w) => w.code === 'SHIFTED_GRID_REGIONS')?.message).toBe(
      '1 region of the JPEG carries the trace of an earlier JPEG compression on another 8×8 grid than the rest of the picture (largest 7.5 % of the picture, earlier at quality ≈59): the trace of content pasted in from another JPEG.',
    );
    expect(r.verdict.band).not.toBe('authentic');
    expect(r.verdict.explanation).toMatch(/shifted-grid map (also )?found that 1 region/);
    const art = r.artifacts.find((a) => a.ref.kind === 'grid');
    expect(art?.ref).toMatchObject({ key: 'grid', mime: 'image/png', width: 400, height: 300 });
    expect(art?.ref.note).toMatch(/^Shifted-grid map: .* Regions: 1: 112×80 px at \(240, 40\)\.$/);
    const png = await sharp(art!.data).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [...png.data.subarray((y * 400 + x) * 3, (y * 400 + x) * 3 + 3)];
    const [rIn, , bIn] = px(290, 80);
    const [rOut, , bOut] = px(20, 280);
    expect(rIn! - bIn!).toBeGreaterThan(rOut! - bOut!);

    // A cropped picture: its own earlier grid is named, no region: an overlay, no warning, the models' verdict.
    const quietHeat = { ...upright.heat, data: new Float32Array(50 * 38) };
    const cropped = await runPipeline(
      { kind: 'image', frames: still, expectedFrames: 1, jpegGrid: { ...jpegGrid, pictureGrid: { dx: 5, dy: 3, earlierStep: 8, share: 0.94 }, upright: { ...upright, regions: [], heat: quietHeat } } },
      { ...std, imageModels: [] },
      { thresholds: null, copyMove: false },
    );
    expect(cropped.grid).toMatchObject({ pictureGrid: { dx: 5, dy: 3, earlierStep: 8, earlierQuality: 75, share: 0.94 }, regions: [], artifact: 'grid' });
    expect(cropped.artifacts.find((a) => a.ref.kind === 'grid')?.ref.note).toMatch(/over 94 % of it, carries an earlier compression on a grid shifted by \(5, 3\) px.* No region reached the threshold\.$/);
    expect(cropped.warnings.some((w) => w.code === 'SHIFTED_GRID_REGIONS')).toBe(false);
    expect(cropped.verdict.explanation).not.toMatch(/shifted-grid/);
    // Nothing at all: the finding is kept, without an overlay.
    const quiet = await runPipeline({ kind: 'image', frames: still, expectedFrames: 1, jpegGrid: { ...jpegGrid, upright: { ...upright, regions: [], heat: quietHeat } } }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false });
    expect(quiet.grid).toEqual({ method: 'shifted-grid DC lattice map 1', pictureGrid: null, regions: [], threshold: 24, coverage: 1 });
    expect(quiet.artifacts.some((a) => a.ref.kind === 'grid')).toBe(false);
    const video = await runPipeline({ kind: 'video', frames: [{ index: 0, timeSec: 0, ...base }], expectedFrames: 1, jpegGrid }, { ...std, imageModels: [] }, { thresholds: null });
    expect(video.grid).toBeUndefined();
    const none = await runPipeline({ kind: 'image', frames: still, expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false });
    expect(none.grid).toBeUndefined();
  });

  it('runs the copy-move check on a still picture: finding, warning, overlay and verdict; not on video frames', async () => {
    const base = texture(400, 300, 7);
    const forged = cloneRegion(base, 30, 40, 100, 80, 250, 180);
    const still = (img: { width: number; height: number; data: Uint8Array }) => [{ index: 0, timeSec: 0, ...img }];
    const r = await runPipeline({ kind: 'image', frames: still(forged), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(r.copyMove?.method).toMatch(/^dense-dct-patchmatch /);
    expect(r.copyMove?.regions).toHaveLength(1);
    expect(r.copyMove?.analysedLongSide).toBe(400);
    expect(r.copyMove?.regions[0]).not.toHaveProperty('areaPx');
    expect(r.warnings.find((w) => w.code === 'CLONED_REGIONS')?.message).toMatch(/^1 region of the picture is a copy of another part of it/);
    const art = r.artifacts.find((a) => a.ref.kind === 'clone');
    expect(art?.ref).toMatchObject({ key: 'clone', mime: 'image/png', width: 400, height: 300 });
    expect(art?.ref.note).toMatch(/^Copy-move check: .* 1: \d+×\d+ px at \(\d+, \d+\) ↔ \(\d+, \d+\)\.$/);
    expect(r.copyMove?.artifact).toBe('clone');
    const png = await sharp(art!.data).raw().toBuffer({ resolveWithObject: true });
    expect(png.info).toMatchObject({ width: 400, height: 300, channels: 3 });
    expect(r.timingsMs['copy-move']).toBeGreaterThan(0);
    // Whatever the test face model makes of the texture, the picture is not called authentic and the copy is named.
    expect(r.verdict.band).not.toBe('authentic');
    expect(r.verdict.explanation).toMatch(/copy-move check (also )?found that 1 region/);

    const clean = await runPipeline({ kind: 'image', frames: still(base), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(clean.copyMove?.regions).toEqual([]);
    expect(clean.copyMove?.artifact).toBeUndefined();
    expect(clean.artifacts.some((a) => a.ref.kind === 'clone')).toBe(false);
    expect(clean.warnings.some((w) => w.code === 'CLONED_REGIONS')).toBe(false);

    const noEvidence = await runPipeline({ kind: 'image', frames: still(forged), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null, evidence: false });
    expect(noEvidence.copyMove?.regions).toHaveLength(1);
    expect(noEvidence.artifacts).toEqual([]);
    const off = await runPipeline({ kind: 'image', frames: still(forged), expectedFrames: 1 }, { ...std, imageModels: [] }, { thresholds: null, copyMove: false });
    expect(off.copyMove).toBeUndefined();
    const video = await runPipeline({ kind: 'video', frames: [{ index: 0, timeSec: 0, ...forged }, { index: 1, timeSec: 1, ...forged }], expectedFrames: 2 }, { ...std, imageModels: [] }, { thresholds: null });
    expect(video.copyMove).toBeUndefined();
  });

  it('stops a still picture when cancelled during its copy-move check, not only after it', async () => {
    const forged = cloneRegion(texture(400, 300, 7), 30, 40, 100, 80, 250, 180);
    let total = 0;
    await runPipeline({ kind: 'image', frames: [{ index: 0, timeSec: 0, ...forged }], expectedFrames: 1 }, std, { thresholds: null, check: () => void total++ });
    // The check's stages each call check() (copy-move.test.ts), so a still asks many times.
    expect(total).toBeGreaterThanOrEqual(10);
    for (const after of [1, 3, 5, 8]) {
      let n = 0;
      const check = () => {
        if (++n > after) throw Object.assign(new Error('cancelled'), { code: 'CANCELLED' });
      };
      await expect(runPipeline({ kind: 'image', frames: [{ index: 0, timeSec: 0, ...forged }], expectedFrames: 1 }, std, { thresholds: null, check })).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(n).toBe(after + 1);
    }
  });

  it('stops when cancelled between frames', async () => {
    let n = 0;
    const check = () => {
      if (++n > 3) throw Object.assign(new Error('cancelled'), { code: 'CANCELLED' });
    };
    await expect(runPipeline({ kind: 'video', frames: frames(10, () => solidFrame(W, H, [120, 120, 120])), expectedFrames: 10 }, std, { thresholds: null, check })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(n).toBe(4);
  });
});
