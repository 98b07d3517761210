/**
 * Classifiers: face-manipulation models on aligned crops and generated-image models on
 * whole frames. Each output is turned into a raw logit (whatever the model's score format)
 * and then into a calibrated probability by the manifest's calibration; a face crop's logit is
 * first moved by the manifest's size correction for the face's size in the frame (sizeOffset).
 *
 * Heatmaps — why this choice: when a model exports a localisation map (the project's
 * models do: a blending-boundary / manipulation map trained with the classifier, as in
 * Face X-ray), that map is the evidence, computed in the same pass at no extra cost.
 * Class-activation maps would need the feature maps exported from the graph, which
 * third-party models do not offer. For a model without a map (e.g. the MesoNet
 * references) we fall back to occlusion sensitivity: grey out each cell of a grid and
 * measure how much the probability of manipulation drops. It is model-agnostic and
 * honest (it shows what moves the score), at the price of extra inferences, so it is
 * computed only for the best crop of the three most suspicious tracks.
 */
import type { ModelCalibration, ModelManifest, StillCoding } from '../../../src-shared/domain/models';
import { calibrate, calibrationFor, logit, sizeOffset } from './calibration';
import { floatTensor, readOutput } from './ort-session';
import { centerCrop, inputSize, interpolationOf, placeFrame, toTensor } from './image-ops';
import { outputName, scoreFormat } from './manifest';
import type { LoadedModel } from './registry';
import type { RgbImage } from './types';

/** A 0..1 map over the model input. */
export interface HeatMap {
  width: number;
  height: number;
  data: Float32Array;
}

export interface ClassifierOutput {
  /** The model's own score as a logit: before the size correction and the calibration. */
  rawLogit: number;
  probability: number;
  heatmap: HeatMap | null;
}

/** Turn a model's score into a logit of manipulation, per its declared format. */
export function toLogit(m: ModelManifest, value: number): number {
  switch (scoreFormat(m)) {
    case 'probability-manipulated':
      return logit(value);
    case 'probability-real':
      return logit(1 - value);
    default:
      return value;
  }
}

/** Crop size a classifier wants. */
export function classifierSize(m: ModelManifest): number {
  const { w, h } = inputSize(m.input);
  if (w !== h || w <= 0) throw new Error(`model ${m.id}: face classifiers need a fixed square input, got ${w}×${h}`);
  return w;
}

/** Whether the batch dimension is dynamic (several crops per run). */
function batchable(model: LoadedModel): boolean {
  const d = model.ort.inputShapes[model.manifest.input.name]?.[0];
  return typeof d !== 'number' || d < 0;
}

/** Options of classify(): the faces' sizes (box short side, frame pixels; one per image) for the size correction. */
export interface ClassifyOptions {
  facePx?: readonly (number | undefined)[];
  maxBatch?: number;
}

async function runBatch(
  model: LoadedModel,
  images: RgbImage[],
  size?: { w: number; h: number },
  facePx?: readonly (number | undefined)[],
  cal: ModelCalibration | undefined = model.manifest.calibration,
): Promise<ClassifierOutput[]> {
  const m = model.manifest;
  const { w, h } = size ?? inputSize(m.input);
  const dims = m.input.layout === 'NCHW' ? [images.length, 3, h, w] : [images.length, h, w, 3];
  const res = await model.ort.session.run({ [m.input.name]: floatTensor(toTensor(images, m.input, w, h), dims) });
  const scores = readOutput(res, outputName(m, 'logit')!);
  if (scores.data.length < images.length) throw new Error(`model ${m.id} returned ${scores.data.length} scores for ${images.length} inputs`);
  const per = scores.data.length / images.length;
  const hmName = outputName(m, 'heatmap');
  const hm = hmName ? readOutput(res, hmName) : null;
  const hmH = hm ? hm.dims[hm.dims.length - 2]! : 0;
  const hmW = hm ? hm.dims[hm.dims.length - 1]! : 0;
  return images.map((_, i) => {
    const rawLogit = toLogit(m, scores.data[i * per]!);
    const heatmap = hm ? { width: hmW, height: hmH, data: clamp01(hm.data.slice(i * hmW * hmH, (i + 1) * hmW * hmH)) } : null;
    return { rawLogit, probability: calibrate(rawLogit + sizeOffset(facePx?.[i], m.sizeCorrection), cal), heatmap };
  });
}

function clamp01(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = Number.isFinite(a[i]!) ? Math.min(1, Math.max(0, a[i]!)) : 0;
  return a;
}

/**
 * Score crops already at the model's input size, batching when the model allows it. With
 * `facePx`, each face crop's probability includes the manifest's size correction.
 */
export async function classify(model: LoadedModel, images: RgbImage[], opts: ClassifyOptions = {}): Promise<ClassifierOutput[]> {
  if (opts.facePx && opts.facePx.length !== images.length) throw new Error(`classify: ${opts.facePx.length} face sizes for ${images.length} crops`);
  const out: ClassifierOutput[] = [];
  const step = batchable(model) ? Math.max(1, opts.maxBatch ?? 16) : 1;
  for (let i = 0; i < images.length; i += step) out.push(...(await runBatch(model, images.slice(i, i + step), undefined, opts.facePx?.slice(i, i + step))));
  return out;
}

/**
 * Score a whole frame with a generated-image model (fitted per the manifest's resize mode). A
 * HEVC/AV1-coded still (`coding`) is calibrated by the manifest's entry for that coding when it
 * has one (calibrationFor).
 */
export async function classifyImage(model: LoadedModel, frame: RgbImage, coding?: StillCoding | null): Promise<ClassifierOutput> {
  const { w, h } = inputSize(model.manifest.input);
  const { calibration } = calibrationFor(model.manifest, coding);
  if (model.manifest.input.resize === 'center-crop') {
    const crop = centerCrop(frame, w, h);
    const [r] = await runBatch(model, [crop], { w: crop.width, h: crop.height }, undefined, calibration);
    return r!;
  }
  const { image } = placeFrame(frame, w, h, model.manifest.input.resize, interpolationOf(model.manifest.input));
  const [r] = await runBatch(model, [image], undefined, undefined, calibration);
  return r!;
}

/**
 * Occlusion sensitivity over a grid×grid partition of the crop: each cell greyed out in
 * turn; the map is how much the probability of manipulation falls, scaled to 0..1. `facePx`
 * is the face's size, so that the variants get the same size correction as `base` did.
 */
export async function occlusionMap(model: LoadedModel, crop: RgbImage, base: number, grid = 5, facePx?: number): Promise<HeatMap> {
  const variants: RgbImage[] = [];
  const cw = Math.ceil(crop.width / grid);
  const ch = Math.ceil(crop.height / grid);
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const data = Uint8Array.from(crop.data);
      for (let y = gy * ch; y < Math.min(crop.height, (gy + 1) * ch); y++) {
        data.fill(128, (y * crop.width + gx * cw) * 3, (y * crop.width + Math.min(crop.width, (gx + 1) * cw)) * 3);
      }
      variants.push({ width: crop.width, height: crop.height, data });
    }
  }
  const res = await classify(model, variants, { facePx: variants.map(() => facePx) });
  const drops = res.map((r) => Math.max(0, base - r.probability));
  const peak = Math.max(1e-6, ...drops);
  return { width: grid, height: grid, data: Float32Array.from(drops, (d) => d / peak) };
}
