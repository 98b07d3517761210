/**
 * The model part of an analysis, as a pure function of decoded frames and loaded models:
 * faces → tracks → aligned crops → classifiers (+ whole-image detectors) → heatmaps →
 * aggregation → verdict, plus evidence images. Frames stream through one at a time, so a
 * long video holds only the best crop of each track, never all frames.
 */
import type { AnalysisWarning, CopyMoveCheck, Detection, GridCheck, SpliceCheck, FaceObservation, FaceTrack, FrameResult, ImageScore } from '../../../src-shared/domain/detection';
import type { MediaKind } from '../../../src-shared/domain/media';
import type { ModelThresholds, StillCoding } from '../../../src-shared/domain/models';
import { alignedCrop, cropOptions, eyeIndices } from './align';
import { decide, facesProbability, meanOrNull, scoreTracks } from './aggregate';
import { bandOf, calibrationFor, DEFAULT_THRESHOLDS, faceSizePx } from './calibration';
import { classifierSize, classify, classifyImage, type HeatMap } from './classify';
import { COPY_MOVE_METHOD, detectCopyMoveAsync, type CopyMoveResult } from './copy-move';
import type { Upright, UprightSplice } from '../media/jpeg-splice';
import { earlierQualityOfStep, type GridFinding, type GridRegion as GridFindingRegion } from '../media/jpeg-grid';
import { detectFaces } from './face-detect';
import { cloneEvidence, faceEvidence, gridEvidence, imageEvidence, spliceEvidence, stillEvidence, type TrackBest } from './evidence';
import { shrink } from './render';
import type { LoadedModel } from './registry';
import { FaceTracker } from './tracking';
import type { ArtifactOut, CancelCheck, RgbImage, SampledFrame, StageProgress } from './types';

/** The models one analysis runs with (resolved by the caller from the registry). */
export interface PipelineModels {
  detector: LoadedModel | null;
  faceClassifiers: LoadedModel[];
  imageModels: LoadedModel[];
  /** Plain-language lines naming what is not installed or failed to load. */
  missing: string[];
}

export interface PipelineInput {
  kind: MediaKind;
  frames: AsyncIterable<SampledFrame> | Iterable<SampledFrame>;
  /** How many frames will come (for progress). */
  expectedFrames: number;
  /** Estimated JPEG quality of a still image (from its quantisation tables), if it is a JPEG. */
  jpegQuality?: number | null;
  durationSec?: number | null;
  bitRate?: number | null;
  fps?: number | null;
  /**
   * How the still picture was coded, when it matters to a detector: 'hevc' for HEIC/HEIF, 'av1' for
   * AVIF (stillCodingOf). Whole-image detectors do not judge such pictures unless their manifest says
   * they were calibrated on them (`limits.judgesHevc: 1`, `limits.judgesAv1: 1`; see judgesCoding), and
   * then with the manifest's calibration and thresholds for that coding where it has them (`codings`).
   */
  stillCoding?: StillCoding | null;
  /** A twice-saved JPEG still: its splice map, turned upright (jpeg-splice.ts; computed at intake from the file's coefficients). */
  jpegSplice?: { method: string; threshold: number; earlierQuality: number | null; upright: UprightSplice } | null;
  /** A JPEG still: its shifted-grid map, turned upright (jpeg-grid.ts; computed at intake from the same decode). */
  jpegGrid?: { method: string; threshold: number; pictureGrid: GridFinding['pictureGrid']; upright: Upright<GridFindingRegion> } | null;
  /** jpegSplice and jpegGrid still being computed beside the models (analyze-file: on its own thread, forensics-thread.ts); awaited before the verdict, they stand for both. */
  jpegLater?: Promise<Pick<PipelineInput, 'jpegSplice' | 'jpegGrid'>>;
}

export interface PipelineOptions {
  /** Thresholds from settings; null → the deciding model's manifest, then defaults. */
  thresholds: ModelThresholds | null;
  /** Faces analysed per frame (largest first). */
  maxFacesPerFrame?: number;
  /** Frames of a video the whole-image detectors see (spread evenly). */
  imageModelFrames?: number;
  progress?: StageProgress;
  check?: CancelCheck;
  /** Produce evidence images (default true; evaluation and benchmarks of bare scoring turn it off). */
  evidence?: boolean;
  /** Run the copy-move check on still pictures (default true). */
  copyMove?: boolean;
  /** Runs the copy-move check elsewhere (analyze-file: on its own thread), started as the still arrives and awaited before the verdict. */
  copyMoveOffThread?: (img: RgbImage) => Promise<CopyMoveResult>;
}

/** The scoring part of a Detection record, plus the evidence images to store with it. */
export type PipelineResult = Pick<Detection, 'verdict' | 'faceTracks' | 'frames' | 'imageScores' | 'copyMove' | 'splice' | 'grid' | 'models' | 'warnings' | 'timingsMs'> & {
  artifacts: ArtifactOut[];
  executionProvider: string;
};

const SMALL_FACE_PX = 64;
/**
 * Faces smaller than this (box side, frame pixels) are shown but not judged by a face
 * classifier whose manifest sets no `limits.minFacePx`: blown up to a 150–160-pixel input such a
 * crop is mostly interpolation, and in a group photo dozens of them would each get a chance
 * to raise a false alarm (the verdict follows the most suspicious face).
 */
const DEFAULT_MIN_JUDGED_FACE_PX = 32;

/**
 * Frames whose shorter side is under this (pixels) are not judged by a whole-image detector
 * whose manifest sets no `limits.minImagePx`. Measured on DEV real and generated pictures
 * with mg-gen-residual (native central crops; scratch measurement in session 12, README
 * "Limits"): AUC 0.58–0.63 and 13–19 % of real pictures called manipulated at 8–16 px,
 * 0.63 / 7.8 % at 32 px, 0.69 / 5.6 % at 64 px, 0.71–0.72 / 1–3 % at 96–128 px. Below 64 px the
 * residual statistics say more about the picture's size than about its origin (a 1×1 picture
 * was called 96 % manipulated).
 */
const DEFAULT_MIN_IMAGE_PX = 64;

export type { StillCoding };

/** Video-codec intra coding of a still picture (HEIC, AVIF): what it is called and the manifest key that opts a model in. */
const CODINGS: Record<StillCoding, { name: string; files: string; optIn: string }> = {
  hevc: { name: 'HEVC', files: 'HEIC/HEIF', optIn: 'judgesHevc' },
  av1: { name: 'AV1', files: 'AVIF', optIn: 'judgesAv1' },
};

/** The coding of a still picture of this format that whole-image detectors are careful with, or null. */
export function stillCodingOf(format: string): StillCoding | null {
  return format === 'heif' ? 'hevc' : format === 'avif' ? 'av1' : null;
}

/** What an image score says when its model does not judge a still of this coding (judgesCoding). */
export function codingNotJudgedText(coding: StillCoding): string {
  const c = CODINGS[coding];
  return `the picture is ${c.name}-coded (${c.files}), which this model was not calibrated on: ${c.name} compression erases the traces it reads`;
}

/** What an image score says when its model judged a still of this coding with its calibration for that coding. */
export function codingCalibratedText(coding: StillCoding): string {
  const c = CODINGS[coding];
  return `${c.name}-coded picture (${c.files}): scored with this model's ${c.name} calibration and thresholds, fitted on held-out pictures after a ${c.files.split('/')[0]} round trip`;
}

/** The smallest frame (shorter side, pixels) a whole-image detector judges. */
export function minJudgedImagePx(m: { limits?: Record<string, number> }): number {
  const v = m.limits?.minImagePx;
  return typeof v === 'number' && v > 0 ? v : DEFAULT_MIN_IMAGE_PX;
}

/**
 * Whether a whole-image detector judges a still picture of this coding. HEVC (HEIC, the iPhone's
 * format) and AV1 (AVIF) are out unless the manifest opts in (`limits.judgesHevc: 1`,
 * `limits.judgesAv1: 1`): their in-loop filters (deblocking, SAO / CDEF, loop restoration) smooth
 * away the fine residual a detector trained on JPEG/PNG stills reads, and what is left looks like a
 * camera's. Measured with mg-gen-residual on DEV stills re-encoded (README "File formats"): AUC
 * 0.92 → 0.42 at HEIC q50 and 0.41 at AVIF q50, with 47 and 48 of 60 generated pictures called
 * authentic (JPEG q75 on the same files: 0.84, 6 of 60).
 */
export function judgesCoding(m: { limits?: Record<string, number> }, coding: StillCoding | null | undefined): boolean {
  if (!coding) return true;
  return m.limits?.[CODINGS[coding].optIn] === 1;
}

export function minJudgedFacePx(m: { limits?: Record<string, number> }): number {
  const v = m.limits?.minFacePx;
  return typeof v === 'number' && v > 0 ? v : DEFAULT_MIN_JUDGED_FACE_PX;
}


/** Run the model pipeline over frames. Model failures become warnings, never exceptions. */
export async function runPipeline(input: PipelineInput, models: PipelineModels, opts: PipelineOptions): Promise<PipelineResult> {
  const timings: Record<string, number> = {};
  const time = async <T>(stage: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[stage] = (timings[stage] ?? 0) + (performance.now() - t0);
    }
  };
  const check = opts.check ?? (() => undefined);
  const progress = opts.progress ?? (() => undefined);
  // The coding of a still picture (a video's frames have none): whether whole-image detectors judge it, and with which calibration.
  const stillCoding = input.kind === 'image' ? (input.stillCoding ?? null) : null;
  const warnings: AnalysisWarning[] = models.missing.map((m) => ({ code: 'MODEL_MISSING', message: m }));
  const failed = new Set<string>();
  const fail = (model: LoadedModel, e: unknown) => {
    if (failed.has(model.manifest.id)) return;
    failed.add(model.manifest.id);
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    warnings.push({ code: 'MODEL_ERROR', message: `Model '${model.manifest.id}' failed and was left out of the verdict: ${why}` });
  };
  const maxFaces = opts.maxFacesPerFrame ?? 8;
  const tracker = new FaceTracker();
  const tracks = new Map<number, FaceObservation[]>();
  const best = new Map<number, TrackBest>();
  const frames: FrameResult[] = [];
  const imageFrameScores = new Map<string, { probability: number; rawLogit: number }[]>();
  const imageMaps = new Map<string, { map: HeatMap; frame: RgbImage; p: number }>();
  const imageEvery = Math.max(1, Math.ceil(input.expectedFrames / (opts.imageModelFrames ?? 8)));
  let keyframe: { frame: RgbImage; index: number; score: number; boxes: FaceObservation[] } | null = null;
  let firstFrame: SampledFrame | null = null;
  let tooMany = 0;
  let unjudgedFaces = 0;
  let faceSizes: number[] = [];
  let seen = 0;
  const canJudgeFaces = models.detector !== null && models.faceClassifiers.length > 0;
  /** Whole-image detectors that skipped a frame as too small to judge (minJudgedImagePx). */
  const tooSmallForImage = new Set<string>();
  const codingNotJudged = new Set<string>();

  // Still pictures: the copy-move check, when it runs elsewhere, starts as the picture arrives.
  let clonesLater: Promise<CopyMoveResult> | null = null;
  for await (const frame of input.frames) {
    check();
    if (!firstFrame) {
      firstFrame = frame;
      if (input.kind === 'image' && (opts.copyMove ?? true) && opts.copyMoveOffThread) {
        clonesLater = opts.copyMoveOffThread(frame);
        clonesLater.catch(() => undefined); // (observed here too: when a later step fails, no one else awaits it)
      }
    }
    const obsHere: FaceObservation[] = [];
    if (canJudgeFaces && !failed.has(models.detector!.manifest.id)) {
      let boxes: Awaited<ReturnType<typeof detectFaces>> = [];
      try {
        boxes = await time('faces', () => detectFaces(models.detector!, frame, { tiles: input.kind === 'image', zoomOut: true }));
      } catch (e) {
        fail(models.detector!, e);
      }
      faceSizes = faceSizes.concat(boxes.map(faceSizePx));
      if (boxes.length > maxFaces) {
        tooMany = Math.max(tooMany, boxes.length);
        boxes = [...boxes].sort((a, b) => b.w * b.h - a.w * a.h).slice(0, maxFaces);
      }
      // The tracker counts sampled frames, not video frame numbers (samples may be far apart).
      const tracked = tracker.update(seen, boxes);
      const perModel = new Map<string, ({ p: number; logit: number; map: HeatMap | null } | null)[]>();
      const cropsByModel = new Map<string, (RgbImage | null)[]>();
      await time('classify', async () => {
        for (const clf of models.faceClassifiers) {
          if (failed.has(clf.manifest.id) || !tracked.length) continue;
          try {
            const size = classifierSize(clf.manifest);
            const eyes = eyeIndices(pointsOf(models.detector!));
            const minPx = minJudgedFacePx(clf.manifest);
            const judged = tracked.map((t) => faceSizePx(t.box) >= minPx);
            unjudgedFaces += judged.filter((j) => !j).length;
            const crops = tracked.map((t, i) => (judged[i] ? alignedCrop(frame, t.box, cropOptions(clf.manifest.input, size, eyes)).image : null));
            const res = await classify(
              clf,
              crops.filter((c): c is RgbImage => c !== null),
              { facePx: tracked.filter((_, i) => judged[i]).map((t) => faceSizePx(t.box)) },
            );
            let k = 0;
            cropsByModel.set(clf.manifest.id, crops);
            perModel.set(
              clf.manifest.id,
              crops.map((c) => {
                if (!c) return null;
                const r = res[k++]!;
                return { p: r.probability, logit: r.rawLogit, map: r.heatmap };
              }),
            );
          } catch (e) {
            fail(clf, e);
          }
        }
      });
      tracked.forEach((t, i) => {
        const ps = [...perModel.values()].map((r) => r[i]?.p ?? null);
        const logits = [...perModel.values()].map((r) => r[i]?.logit ?? null);
        const probability = meanOrNull(ps);
        const obs: FaceObservation = { frameIndex: frame.index, timeSec: frame.timeSec, box: t.box, probability, rawLogit: meanOrNull(logits) };
        obsHere.push(obs);
        const list = tracks.get(t.trackId) ?? [];
        list.push(obs);
        tracks.set(t.trackId, list);
        const score = probability ?? -1 + t.box.confidence;
        const prev = best.get(t.trackId);
        if (!prev || score > prev.score) {
          const crops = new Map<string, RgbImage>();
          const maps = new Map<string, HeatMap | null>();
          const probs = new Map<string, number>();
          for (const [id, cs] of cropsByModel) if (cs[i]) crops.set(id, cs[i]!);
          for (const [id, rs] of perModel) {
            const r = rs[i];
            if (!r) continue;
            maps.set(id, r.map);
            probs.set(id, r.p);
          }
          const thumb = alignedCrop(frame, t.box, { margin: 1.3, size: 160, eyes: eyeIndices(pointsOf(models.detector!)) }).image;
          best.set(t.trackId, { obs, score, thumb, crops, maps, probs });
        }
      });
    }
    const frameP = maxOrNull(obsHere.map((o) => o.probability));
    frames.push({ index: frame.index, timeSec: frame.timeSec, faceCount: obsHere.length, probability: frameP });

    if (seen % imageEvery === 0) {
      await time('image-model', async () => {
        for (const im of models.imageModels) {
          if (failed.has(im.manifest.id)) continue;
          if (!judgesCoding(im.manifest, stillCoding)) {
            codingNotJudged.add(im.manifest.id);
            continue;
          }
          if (Math.min(frame.width, frame.height) < minJudgedImagePx(im.manifest)) {
            tooSmallForImage.add(im.manifest.id);
            continue;
          }
          try {
            const r = await classifyImage(im, frame, stillCoding);
            const list = imageFrameScores.get(im.manifest.id) ?? [];
            list.push({ probability: r.probability, rawLogit: r.rawLogit });
            imageFrameScores.set(im.manifest.id, list);
            const prev = imageMaps.get(im.manifest.id);
            if (r.heatmap && (!prev || r.probability > prev.p)) imageMaps.set(im.manifest.id, { map: r.heatmap, frame: await shrink(frame, 1024), p: r.probability });
          } catch (e) {
            fail(im, e);
          }
        }
      });
    }
    const kScore = frameP ?? -1;
    if (!keyframe || kScore > keyframe.score) keyframe = { frame: await shrink(frame, 1280), index: frame.index, score: kScore, boxes: obsHere };
    if (keyframe.index === frame.index && keyframe.frame.width !== frame.width) {
      const s = keyframe.frame.width / frame.width;
      keyframe.boxes = obsHere.map((o) => ({ ...o, box: { ...o.box, x: o.box.x * s, y: o.box.y * s, w: o.box.w * s, h: o.box.h * s } }));
    }
    seen++;
    progress('classify', Math.min(1, seen / Math.max(1, input.expectedFrames)));
  }
  check();

  // --- aggregation ---------------------------------------------------------------------
  progress('aggregate', 0);
  const t0 = performance.now();
  // A HEVC/AV1-coded still a model judges is calibrated and banded by the manifest's entry for that coding, if any.
  const imageThresholds = (im: LoadedModel | null) => (im ? calibrationFor(im.manifest, stillCoding).thresholds : undefined);
  const imageScores: ImageScore[] = models.imageModels.map((im) => {
    const list = imageFrameScores.get(im.manifest.id) ?? [];
    const probability = meanOrNull(list.map((s) => s.probability));
    const cal = calibrationFor(im.manifest, stillCoding);
    const t = opts.thresholds ?? cal.thresholds ?? DEFAULT_THRESHOLDS;
    const s: ImageScore = { modelId: im.manifest.id, probability, rawLogit: meanOrNull(list.map((x) => x.rawLogit)), band: bandOf(probability, t) };
    if (probability !== null && stillCoding && cal.perCoding) s.calibratedFor = codingCalibratedText(stillCoding);
    if (failed.has(im.manifest.id)) s.error = warnings.find((w) => w.message.includes(`'${im.manifest.id}'`))?.message ?? 'model failed';
    else if (probability === null && codingNotJudged.has(im.manifest.id) && stillCoding) s.notJudged = codingNotJudgedText(stillCoding);
    else if (probability === null && tooSmallForImage.has(im.manifest.id)) s.notJudged = `the picture is under ${minJudgedImagePx(im.manifest)} px on its shorter side, too small for this model`;
    return s;
  });
  const faceModel = models.faceClassifiers.find((m) => !failed.has(m.manifest.id)) ?? null;
  const faceThresholds = opts.thresholds ?? faceModel?.manifest.thresholds ?? DEFAULT_THRESHOLDS;
  let faceTracks: FaceTrack[] = [...tracks.entries()].map(([trackId, observations]) => ({ trackId, observations, probability: null, band: 'undetermined' }));
  faceTracks = scoreTracks(faceTracks, faceThresholds);
  const fp = facesProbability(faceTracks, { table: faceModel?.manifest.realExceedance, thresholds: faceThresholds });
  let topImage: ImageScore | null = null;
  for (const s of imageScores) if (s.probability !== null && (!topImage || s.probability > topImage.probability!)) topImage = s;
  const imageModel = topImage ? models.imageModels.find((m) => m.manifest.id === topImage!.modelId)! : null;
  const decidingThresholds =
    opts.thresholds ?? (topImage && (fp.probability === null || topImage.probability! > fp.probability) ? imageThresholds(imageModel) : faceModel?.manifest.thresholds) ?? DEFAULT_THRESHOLDS;
  let tooSmallNote: string | null = null;
  if (tooSmallForImage.size) {
    const minPx = Math.min(...models.imageModels.filter((m) => tooSmallForImage.has(m.manifest.id)).map((m) => minJudgedImagePx(m.manifest)));
    tooSmallNote = `Too small for the whole-image detector (${firstFrame ? `${firstFrame.width}×${firstFrame.height}` : '?'}; it judges pictures from ${minPx} px on the shorter side): ${faceTracks.length ? 'only the faces were judged' : 'it did not judge this file'}.`;
  }
  const coding = stillCoding ? CODINGS[stillCoding] : null;
  const codingNote =
    codingNotJudged.size && coding
      ? `${coding.name}-coded picture (${coding.files}): the whole-image detector does not judge it, because ${coding.name} compression erases the fine traces it reads and makes generated pictures look like photos; ${faceTracks.length ? 'only the faces were judged, and they can flag the picture but not clear it' : 'nothing else judged this file'}.`
      : null;
  let clones: CopyMoveResult | null = null;
  let copyMove: CopyMoveCheck | null = null;
  // Still pictures: regions copied within the picture (copy-move.ts). It needs no model. It calls
  // check() before each of its stages and gives the event loop a turn between them, so a cancel
  // lands within one stage.
  if (input.kind === 'image' && firstFrame && (opts.copyMove ?? true)) {
    progress('forensics', 0, 'Looking for copied regions');
    const still = firstFrame;
    // (A cancelled job's check on its thread is answered at once, as a failure: the cancellation is what to report.)
    clones = clonesLater
      ? await time('copy-move-wait', () =>
        clonesLater!.catch((e: unknown) => {
          check();
          throw e;
        }),
      )
      : await time('copy-move', () => detectCopyMoveAsync(still, {}, check));
    copyMove = {
      method: COPY_MOVE_METHOD,
      regions: clones.regions.map(({ areaPx: _, ...r }) => r),
      analysedLongSide: Math.max(clones.analysed.width, clones.analysed.height),
      texturedShare: Math.round(clones.texturedShare * 1000) / 1000,
      ...(clones.patternSteps ? { patternSteps: clones.patternSteps } : {}),
    };
    check();
  }
  // The JPEG maps, when they were still being made beside the models.
  const jpegIn = input.jpegLater ? await time('jpeg-wait', async () => ({ ...input, ...(await input.jpegLater) })) : input;
  check();
  // Twice-saved JPEG stills: regions lacking the earlier compression (mapped at intake).
  const js = input.kind === 'image' ? (jpegIn.jpegSplice ?? null) : null;
  const splice: SpliceCheck | null = js
    ? { method: js.method, earlierQuality: js.earlierQuality, regions: js.upright.regions.slice(0, 50), threshold: js.threshold, coverage: Math.round(js.upright.coverage * 1000) / 1000 }
    : null;
  // JPEG stills: regions compressed earlier on another grid (mapped at intake).
  const jg = input.kind === 'image' ? (jpegIn.jpegGrid ?? null) : null;
  const grid: GridCheck | null = jg
    ? {
        method: jg.method,
        pictureGrid: jg.pictureGrid ? { ...jg.pictureGrid, earlierQuality: earlierQualityOfStep(jg.pictureGrid.earlierStep) } : null,
        regions: jg.upright.regions.slice(0, 50).map((r) => ({ ...r, earlierQuality: earlierQualityOfStep(r.earlierStep) })),
        threshold: jg.threshold,
        coverage: Math.round(jg.upright.coverage * 1000) / 1000,
      }
    : null;
  const verdict = decide({
    gridShifted: grid?.regions.length ? { count: grid.regions.length, largestShare: grid.regions[0]!.areaShare } : null,
    clones: copyMove?.regions.length ? { count: copyMove.regions.length, largestShare: copyMove.regions[0]!.areaShare } : null,
    spliced: splice?.regions.length ? { count: splice.regions.length, largestShare: splice.regions[0]!.areaShare } : null,
    faces: { ...fp, trackCount: faceTracks.length },
    image: { probability: topImage?.probability ?? null, modelId: topImage?.modelId ?? null },
    thresholds: decidingThresholds,
    undeterminedReason: undeterminedReason(models, warnings, faceTracks.length, tooSmallNote, codingNote),
    imageNotJudged: codingNote && coding ? `it is ${coding.name}-coded` : null,
  });

  // --- warnings ----------------------------------------------------------------------
  if (canJudgeFaces && !failed.has(models.detector!.manifest.id) && faceTracks.length === 0 && faceSizes.length === 0) {
    warnings.push({ code: 'NO_FACE', message: `No face was found in ${seen} frame(s); ${imageScores.length ? 'only the whole-image detector judged this file' : 'no detector that works without faces is installed'}.` });
  }
  if (faceSizes.length) {
    const sorted = [...faceSizes].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    if (median < SMALL_FACE_PX && !unjudgedFaces) warnings.push({ code: 'SMALL_FACES', message: `Faces are small (median ${Math.round(median)} px, under ${SMALL_FACE_PX} px): manipulation traces may be lost at this size.` });
  }
  if (unjudgedFaces) {
    const minPx = Math.min(...models.faceClassifiers.map((c) => minJudgedFacePx(c.manifest)));
    warnings.push({ code: 'SMALL_FACES', message: `${unjudgedFaces} face observation(s) under ${minPx} px were located but not judged: too small for the face model.` });
  }
  if (tooMany) warnings.push({ code: 'TOO_MANY_FACES', message: `Up to ${tooMany} faces in a frame; only the ${maxFaces} largest were analysed.` });
  if (input.kind === 'video' && ((input.durationSec ?? Infinity) < 2 || seen < 4)) {
    warnings.push({ code: 'SHORT_VIDEO', message: `Very short video (${input.durationSec?.toFixed(1) ?? '?'} s, ${seen} frame(s) sampled): the verdict rests on little evidence.` });
  }
  if (codingNote) warnings.push({ code: 'NOT_JUDGED', message: codingNote });
  if (tooSmallNote) {
    warnings.push({ code: 'LOW_RESOLUTION', message: tooSmallNote });
  } else if (firstFrame && Math.min(firstFrame.width, firstFrame.height) < 256) {
    warnings.push({ code: 'LOW_RESOLUTION', message: `Low resolution (${firstFrame.width}×${firstFrame.height}).` });
  }
  const quality = input.jpegQuality ?? null;
  if (quality !== null && quality < 70) warnings.push({ code: 'HEAVY_RECOMPRESSION', message: `JPEG quality is about ${quality}: heavy compression hides fine traces.` });
  if (input.kind === 'video' && firstFrame && input.bitRate && input.fps) {
    const bpp = input.bitRate / (firstFrame.width * firstFrame.height * input.fps);
    if (bpp < 0.04) warnings.push({ code: 'HEAVY_RECOMPRESSION', message: `Heavily compressed video (${bpp.toFixed(3)} bits per pixel): fine traces may be gone.` });
  }
  if (copyMove?.regions.length) {
    const r0 = copyMove.regions[0]!;
    const n = copyMove.regions.length;
    warnings.push({
      code: 'CLONED_REGIONS',
      message: `${n} region${n > 1 ? 's' : ''} of the picture ${n > 1 ? 'are copies' : 'is a copy'} of another part of it (largest ${(r0.areaShare * 100).toFixed(1)} % of the picture${r0.mirrored ? ', mirrored' : ''}): the trace a clone tool or a pasted duplicate leaves. Content that repeats for real (a collage, repeated icons or printed patterns) can show it too.`,
    });
  }
  if (splice?.regions.length) {
    const n = splice.regions.length;
    warnings.push({
      code: 'SPLICED_REGIONS',
      message: `The JPEG was saved twice${splice.earlierQuality !== null ? ` (earlier at quality ≈${splice.earlierQuality})` : ''}, but ${n} region${n > 1 ? 's do' : ' does'} not carry the earlier compression (largest ${(splice.regions[0]!.areaShare * 100).toFixed(1)} % of the picture): the trace of content pasted in between the two saves. A region re-drawn or heavily retouched then shows it too.`,
    });
  }
  if (grid?.regions.length) {
    const n = grid.regions.length;
    const r0 = grid.regions[0]!;
    warnings.push({
      code: 'SHIFTED_GRID_REGIONS',
      message: `${n} region${n > 1 ? 's' : ''} of the JPEG ${n > 1 ? 'carry' : 'carries'} the trace of an earlier JPEG compression on another 8×8 grid than the rest of the picture (largest ${(r0.areaShare * 100).toFixed(1)} % of the picture, earlier${r0.earlierQuality !== null ? ` at quality ≈${r0.earlierQuality}` : ` DC step ${r0.earlierStep}`}): the trace of content pasted in from another JPEG.`,
    });
  }
  timings.aggregate = performance.now() - t0 - (timings['copy-move'] ?? 0) - (timings['copy-move-wait'] ?? 0) - (timings['jpeg-wait'] ?? 0);
  check();

  // --- evidence images ---------------------------------------------------------------
  const artifacts: ArtifactOut[] = [];
  if (opts.evidence ?? true) {
    await time('heatmaps', async () => {
      artifacts.push(...(await faceEvidence(faceTracks, best, models.faceClassifiers.filter((m) => !failed.has(m.manifest.id)), fail)));
      artifacts.push(...(await imageEvidence(imageScores, imageMaps, models.imageModels)));
    });
    check();
    progress('forensics', 0);
    await time('forensics', async () => {
      artifacts.push(...(await stillEvidence({ kind: input.kind, keyframe, firstFrame, frames, thresholds: faceThresholds })));
      if (clones && copyMove && firstFrame && clones.regions.length) {
        const art = await cloneEvidence(firstFrame, clones);
        artifacts.push(art);
        copyMove.artifact = art.ref.key;
      }
      if (js && splice && firstFrame) {
        const art = await spliceEvidence(firstFrame, js.upright, js.threshold);
        artifacts.push(art);
        splice.artifact = art.ref.key;
      }
      if (jg && grid && firstFrame && (grid.regions.length || grid.pictureGrid)) {
        const art = await gridEvidence(firstFrame, jg.upright, jg.threshold, grid.pictureGrid);
        artifacts.push(art);
        grid.artifact = art.ref.key;
      }
    });
  }

  const used = [models.detector, ...models.faceClassifiers, ...models.imageModels].filter((m): m is LoadedModel => m !== null);
  const providers = [...new Set(used.map((m) => m.ref.provider))];
  return {
    verdict,
    faceTracks,
    frames,
    imageScores,
    ...(copyMove ? { copyMove } : {}),
    ...(splice ? { splice } : {}),
    ...(grid ? { grid } : {}),
    models: used.map((m) => m.ref),
    warnings,
    timingsMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    artifacts,
    executionProvider: providers.join('+') || 'none',
  };
}

function maxOrNull(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
}

function pointsOf(detector: LoadedModel): string[] | undefined {
  const lm = detector.manifest.outputs.landmarks;
  return typeof lm === 'object' && lm !== null ? lm.points : undefined;
}


/** Why no verdict was possible, naming what is missing or failed. */
function undeterminedReason(models: PipelineModels, warnings: AnalysisWarning[], trackCount: number, tooSmall: string | null, coding: string | null): string {
  const problems = warnings.filter((w) => w.code === 'MODEL_MISSING' || w.code === 'MODEL_ERROR').map((w) => w.message);
  if (problems.length) return `No verdict: ${problems.join(' ')}`;
  if (models.detector && models.faceClassifiers.length && trackCount === 0 && !models.imageModels.length) {
    return 'No verdict: no face was found, and no detector that works without faces is installed.';
  }
  if (coding) return `No verdict: no face was found and the picture's coding is not judged. ${coding}`;
  if (tooSmall) return `No verdict: the picture is too small to judge. ${tooSmall}`;
  return 'No verdict: no model could judge this file.';
}
