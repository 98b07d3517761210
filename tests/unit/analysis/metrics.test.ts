import { describe, expect, it } from 'vitest';
import { auc, bandAccuracy, eer, pairedAucBootstrap, tprAtFpr } from '../../../src-main/core/analysis/metrics';
import { bandOf, calibrate, calibrationFor, logit, sigmoid, sizeOffset } from '../../../src-main/core/analysis/calibration';
import { parseManifest as parseModelManifest } from '../../../src-main/core/analysis/manifest';
import { testManifest } from '../../helpers/analysis-models';
import { decodeNormalised, iou, nms } from '../../../src-main/core/analysis/face-detect';
import { FaceTracker } from '../../../src-main/core/analysis/tracking';
import { alignedCrop, cropOptions, cropTransform, reflectedRegion, reflectIndex, rollAngle } from '../../../src-main/core/analysis/align';
import { resize } from '../../../src-main/core/analysis/image-ops';
import type { ModelInputSpec } from '../../../src-shared/domain/models';

const s = (fake: boolean, score: number) => ({ fake, score });

describe('metrics', () => {
  it('AUC: perfect, inverted, chance with ties, undefined with one class', () => {
    expect(auc([s(true, 0.9), s(true, 0.8), s(false, 0.1), s(false, 0.2)])).toBe(1);
    expect(auc([s(true, 0.1), s(false, 0.9)])).toBe(0);
    expect(auc([s(true, 0.5), s(false, 0.5)])).toBe(0.5);
    expect(auc([s(true, 0.5)])).toBeNull();
  });
  it('EER and TPR at 5 % FPR', () => {
    const sep = [s(true, 0.9), s(true, 0.8), s(false, 0.1), s(false, 0.2)];
    expect(eer(sep)).toBe(0);
    expect(tprAtFpr(sep)).toBe(1);
    const mixed = [s(true, 0.9), s(false, 0.8), s(true, 0.3), s(false, 0.1)];
    expect(eer(mixed)).toBeCloseTo(0.5, 5);
    expect(tprAtFpr(mixed)).toBe(0.5);
  });
  it('paired AUC bootstrap: zero for the same scores, a clear gap for a better system, reproducible, checked input', () => {
    const labels = Array.from({ length: 60 }, (_, i) => i % 3 === 0);
    // a separates the classes with a little overlap; b is a fixed, label-blind ordering.
    const a = labels.map((fake, i) => s(fake, (fake ? 0.6 : 0.4) + ((i * 37) % 11) / 40));
    const b = labels.map((fake, i) => s(fake, ((i * 53) % 17) / 17));
    const same = pairedAucBootstrap(a, a, { resamples: 200 })!;
    expect(same).toMatchObject({ diff: 0, lo: 0, hi: 0, shareBetter: 0.5 });
    const gap = pairedAucBootstrap(a, b, { resamples: 500, seed: 7 })!;
    expect(gap.diff).toBeCloseTo(auc(a)! - auc(b)!, 12);
    expect(gap.diff).toBeGreaterThan(0.3);
    expect(gap.lo).toBeGreaterThan(0);
    expect(gap.lo).toBeLessThan(gap.diff);
    expect(gap.hi).toBeGreaterThan(gap.diff);
    expect(gap.shareBetter).toBe(1);
    expect(pairedAucBootstrap(a, b, { resamples: 500, seed: 7 })).toEqual(gap);
    expect(pairedAucBootstrap(b, a, { resamples: 500, seed: 7 })!.hi).toBeLessThan(0);
    expect(pairedAucBootstrap([s(true, 1)], [s(true, 0)])).toBeNull();
    expect(() => pairedAucBootstrap(a, b.slice(1))).toThrow(/59/);
    expect(() => pairedAucBootstrap([s(true, 1), s(false, 0)], [s(false, 1), s(false, 0)])).toThrow(/labels/);
  });
  it('paired AUC bootstrap over clusters: singletons change nothing, copies of one file move together', () => {
    const labels = Array.from({ length: 40 }, (_, i) => i % 2 === 0);
    const a = labels.map((fake, i) => s(fake, (fake ? 0.55 : 0.45) + ((i * 37) % 11) / 30));
    const b = labels.map((fake, i) => s(fake, (fake ? 0.52 : 0.48) + ((i * 53) % 17) / 30));
    const plain = pairedAucBootstrap(a, b, { resamples: 400, seed: 3 })!;
    expect(pairedAucBootstrap(a, b, { resamples: 400, seed: 3, clusters: a.map((_, i) => `f${i}`) })).toEqual(plain);
    // every file five times over (five frames of one video, say): as independent files the interval shrinks
    // by about sqrt(5); resampled as clusters it stays about as wide as for the 40 files themselves
    const rep = <T,>(xs: T[]) => xs.flatMap((x) => [x, x, x, x, x]);
    const keys = rep(a.map((_, i) => `video${i}`));
    const naive = pairedAucBootstrap(rep(a), rep(b), { resamples: 400, seed: 3 })!;
    const clustered = pairedAucBootstrap(rep(a), rep(b), { resamples: 400, seed: 3, clusters: keys })!;
    expect(clustered.diff).toBeCloseTo(plain.diff, 12);
    const width = (d: { lo: number; hi: number }) => d.hi - d.lo;
    expect(width(naive)).toBeLessThan(0.6 * width(plain));
    expect(width(clustered)).toBeGreaterThan(1.5 * width(naive));
    expect(width(clustered)).toBeGreaterThan(0.7 * width(plain));
    expect(width(clustered)).toBeLessThan(1.4 * width(plain));
    // a key shared by a real and a fake file splits by label rather than failing
    expect(pairedAucBootstrap(a, b, { resamples: 50, clusters: a.map(() => 'one') })).toMatchObject({ lo: plain.diff, hi: plain.diff });
    expect(() => pairedAucBootstrap(a, b, { clusters: ['x'] })).toThrow(/1 cluster keys for 40/);
  });
  it('band accuracy leaves inconclusive out', () => {
    expect(bandAccuracy([{ fake: true, band: 'manipulated' }, { fake: false, band: 'manipulated' }, { fake: true, band: 'inconclusive' }])).toEqual({ accuracy: 0.5, decided: 2, inconclusive: 1 });
  });
});

describe('calibration and bands', () => {
  it('maps logits through temperature, platt and isotonic fits', () => {
    expect(calibrate(2, undefined)).toBeCloseTo(sigmoid(2));
    expect(calibrate(2, { method: 'temperature', params: { T: 2 }, fittedOn: 'x' })).toBeCloseTo(sigmoid(1));
    expect(calibrate(1, { method: 'platt', params: { a: 2, b: -1 }, fittedOn: 'x' })).toBeCloseTo(sigmoid(1));
    const iso = { method: 'isotonic' as const, params: { x: [-2, 0, 2], y: [0.1, 0.4, 0.9] }, fittedOn: 'x' };
    expect(calibrate(-5, iso)).toBe(0.1);
    expect(calibrate(1, iso)).toBeCloseTo(0.65);
    expect(calibrate(9, iso)).toBe(0.9);
    expect(logit(sigmoid(1.5))).toBeCloseTo(1.5);
    expect(Number.isFinite(logit(1))).toBe(true);
  });
  it('size correction: linear in log(px) between points, flat beyond the ends, none without a table or size', () => {
    const sc = { px: [32, 64, 128], logit: [-4, -1, 0], measuredOn: 'test' };
    expect(sizeOffset(20, sc)).toBe(-4);
    expect(sizeOffset(32, sc)).toBe(-4);
    expect(sizeOffset(Math.sqrt(32 * 64), sc)).toBeCloseTo(-2.5, 10); // the geometric midpoint
    expect(sizeOffset(64, sc)).toBeCloseTo(-1, 10);
    expect(sizeOffset(96, sc)).toBeCloseTo(-1 + Math.log(1.5) / Math.log(2), 10);
    expect(sizeOffset(500, sc)).toBe(0);
    for (const px of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(sizeOffset(px, sc)).toBe(0);
    expect(sizeOffset(40, undefined)).toBe(0);
  });
  it('a manifest size correction must have increasing sizes and one offset per size', () => {
    const m = (sizeCorrection: unknown) => ({ ...testManifest('t', 'face-manipulation'), file: 't.onnx', sha256: 'a'.repeat(64), sizeCorrection });
    expect(parseModelManifest(m({ px: [32, 160], logit: [-2, 0], measuredOn: 'x' }), 't.json').sizeCorrection?.logit).toEqual([-2, 0]);
    expect(() => parseModelManifest(m({ px: [64, 32], logit: [-2, 0], measuredOn: 'x' }), 't.json')).toThrow(/px must increase/);
    expect(() => parseModelManifest(m({ px: [32, 64], logit: [-2], measuredOn: 'x' }), 't.json')).toThrow(/differ in length/);
    expect(() => parseModelManifest(m({ px: [0, 64], logit: [-2, 0], measuredOn: 'x' }), 't.json')).toThrow();
    expect(() => parseModelManifest(m({ px: [32, 64], logit: [Number.NaN, 0], measuredOn: 'x' }), 't.json')).toThrow();
  });
  it('a generated-image manifest may carry a calibration per still coding; the HEVC one serves HEIC stills only', () => {
    const hevc = { calibration: { method: 'platt', params: { a: 0.5, b: 1 }, fittedOn: 'HEIC round trips' }, thresholds: { authentic: 0.2, manipulated: 0.9 }, errorRates: { x: 1 } };
    const m = (task: 'generated-image' | 'face-manipulation', codings: unknown) => ({ ...testManifest('t', task), file: 't.onnx', sha256: 'a'.repeat(64), codings });
    const parsed = parseModelManifest(m('generated-image', { hevc }), 't.json');
    expect(parsed.codings?.hevc?.thresholds).toEqual({ authentic: 0.2, manipulated: 0.9 });
    expect(calibrationFor(parsed, 'hevc')).toEqual({ calibration: hevc.calibration, thresholds: hevc.thresholds, perCoding: true });
    for (const coding of [null, undefined, 'av1'] as const) expect(calibrationFor(parsed, coding)).toEqual({ calibration: parsed.calibration, thresholds: parsed.thresholds, perCoding: false });
    expect(calibrate(2, calibrationFor(parsed, 'hevc').calibration)).toBeCloseTo(sigmoid(2));
    expect(() => parseModelManifest(m('face-manipulation', { hevc }), 't.json')).toThrow(/codings: per-coding calibration is for generated-image models only/);
    expect(() => parseModelManifest(m('generated-image', { jpeg: hevc }), 't.json')).toThrow(/codings/);
    expect(() => parseModelManifest(m('generated-image', { hevc: { ...hevc, thresholds: { authentic: 0.9, manipulated: 0.2 } } }), 't.json')).toThrow(/authentic threshold must not exceed manipulated/);
    expect(() => parseModelManifest(m('generated-image', { hevc: { thresholds: hevc.thresholds } }), 't.json')).toThrow(/codings\.hevc\.calibration/);
  });
  it('bands follow the thresholds, null is undetermined', () => {
    const t = { authentic: 0.3, manipulated: 0.7 };
    expect([bandOf(0.1, t), bandOf(0.3, t), bandOf(0.69, t), bandOf(0.7, t), bandOf(null, t)]).toEqual(['authentic', 'inconclusive', 'inconclusive', 'manipulated', 'undetermined']);
  });
});

describe('detection geometry', () => {
  const box = (x: number, y: number, w: number, h: number, confidence = 0.9) => ({ x, y, w, h, confidence });
  it('IoU and NMS keep the best of overlapping boxes', () => {
    expect(iou(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(50 / 150);
    const kept = nms([box(0, 0, 10, 10, 0.8), box(1, 1, 10, 10, 0.95), box(50, 50, 10, 10, 0.6)], 0.3);
    expect(kept.map((b) => b.confidence)).toEqual([0.95, 0.6]);
  });
  it('decodes normalised boxes and drops low scores and degenerate boxes', () => {
    const boxes = Float32Array.from([0.1, 0.1, 0.5, 0.5, 0.2, 0.2, 0.1, 0.3, 0, 0, 1, 1]);
    const r = decodeNormalised(boxes, Float32Array.from([0.9, 0.9, 0.2]), null, { inW: 100, inH: 50, threshold: 0.5 });
    expect(r).toHaveLength(1);
    expect(r[0]!.x).toBeCloseTo(10);
    expect(r[0]!.y).toBeCloseTo(5);
    expect(r[0]!.w).toBeCloseTo(40);
    expect(r[0]!.h).toBeCloseTo(20);
  });
  it('tracks a moving face across sparse frames and starts new tracks for new faces', () => {
    const tr = new FaceTracker();
    const a = tr.update(0, [box(100, 100, 50, 50)]);
    const b = tr.update(1, [box(115, 105, 52, 52), box(400, 100, 50, 50)]);
    expect(b[0]!.trackId).toBe(a[0]!.trackId);
    expect(b[1]!.trackId).not.toBe(a[0]!.trackId);
    const c = tr.update(6, [box(115, 105, 52, 52)]);
    expect(c[0]!.trackId).not.toBe(a[0]!.trackId);
  });
  it('levels the eyes: roll angle and crop centre', () => {
    const f = { ...box(0, 0, 100, 100), landmarks: [[30, 40], [70, 60]] as [number, number][] };
    expect(rollAngle(f, [0, 1])).toBeCloseTo(Math.atan2(20, 40));
    const m = cropTransform(f, 1.5, 64, 0);
    expect(m.a * 32 + m.b * 32 + m.c).toBeCloseTo(50);
    expect(m.a).toBeCloseTo(150 / 64);
  });

  it('area interpolation averages a fine checkerboard to grey; plain bilinear aliases it', () => {
    const w = 90;
    const data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data.fill((x + y) % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const img = { width: w, height: w, data };
    const spread = (r: { data: Uint8Array }) => Math.max(...r.data) - Math.min(...r.data);
    expect(spread(resize(img, 30, 30, 'area'))).toBeLessThan(40);
    expect(spread(resize(img, 30, 30, 'bilinear'))).toBeGreaterThan(150);
  });
  it('reads crop options from the manifest', () => {
    const spec: ModelInputSpec = { name: 'x', shape: [1, 3, 8, 8], layout: 'NCHW', colorOrder: 'RGB', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch', cropMargin: 1.5 };
    expect(cropOptions(spec, 8, [0, 1])).toMatchObject({ margin: 1.5, align: true, interpolation: undefined });
    expect(cropOptions({ ...spec, align: false, interpolation: 'area' } as ModelInputSpec, 8, [0, 1])).toMatchObject({ align: false, interpolation: 'area' });
    expect(cropOptions(spec, 8, [0, 1]).border).toBe('black');
    expect(cropOptions({ ...spec, border: 'reflect' }, 8, [0, 1]).border).toBe('reflect');
  });
  it("mirrors the frame past its edges like OpenCV's BORDER_REFLECT", () => {
    expect([-3, -2, -1, 0, 4, 5, 6, 9, 10, 12, -11].map((i) => reflectIndex(i, 5))).toEqual([2, 1, 0, 0, 4, 4, 3, 0, 0, 2, 0]);
  });
  it('fills a crop past the frame edge with black, or with the mirrored frame when asked', () => {
    // a 6×4 frame whose pixel (x, y) holds (10x + 1, 10y + 1, 7): no pixel is black
    const W = 6;
    const H = 4;
    const data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([10 * x + 1, 10 * y + 1, 7], (y * W + x) * 3);
    const frame = { width: W, height: H, data };
    // a face box at the top-left corner: with margin 2 the 4×4 crop starts one pixel left of and above the frame
    const face = { ...box(0, 0, 2, 2), landmarks: [[0.5, 1], [1.5, 1]] as [number, number][] };
    const opts = { margin: 2, size: 4, eyes: [0, 1] as [number, number], align: false, interpolation: 'area' as const };
    const px = (img: { data: Uint8Array; width: number }, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
    const black = alignedCrop(frame, face, opts);
    const mirrored = alignedCrop(frame, face, { ...opts, border: 'reflect' });
    expect(black.transform).toEqual(mirrored.transform);
    expect(px(black.image, 0, 0)).toEqual([0, 0, 0]);
    expect(px(black.image, 1, 1)).toEqual([1, 1, 7]); // frame (0, 0)
    expect(px(mirrored.image, 1, 1)).toEqual([1, 1, 7]);
    expect(px(mirrored.image, 0, 1)).toEqual([1, 1, 7]); // frame (-1, 0) mirrors to (0, 0)
    expect(px(mirrored.image, 0, 0)).toEqual([1, 1, 7]); // frame (-1, -1) mirrors to (0, 0)
    expect(px(mirrored.image, 3, 0)).toEqual([21, 1, 7]); // frame (2, -1) mirrors to (2, 0)
    expect(mirrored.image.data.includes(0)).toBe(false);
    // inside the frame both are the same picture
    const inner = { ...box(2, 1, 1, 1), landmarks: face.landmarks };
    expect(alignedCrop(frame, inner, { ...opts, margin: 2, size: 2, border: 'reflect' }).image).toEqual(alignedCrop(frame, inner, { ...opts, margin: 2, size: 2 }).image);
    const big = { width: 10, height: 10, data: new Uint8Array(300) };
    expect(reflectedRegion(big, cropTransform({ ...box(4, 4, 2, 2) }, 1, 2, 0), 2)).toBeNull();
    expect(reflectedRegion(big, cropTransform({ ...box(0, 4, 2, 2) }, 1, 2, 0), 2)).not.toBeNull();
  });
});
