/**
 * The per-frame work of the live monitor — decode the JPEG, find the faces, score each face
 * with every face classifier — as a pure function of the frame and the loaded models. It
 * runs where the models live: in the live-monitor worker thread (`runner.ts`,
 * `createLiveRunner`), or on the calling thread with the in-process runner (tests). The
 * session state (tracking, the frames and tracks kept for the summary) stays with
 * LiveService in the main thread: it is cheap, and it survives a crash of the worker.
 */
import { sharp } from '../native';
import type { FaceBox } from '../../../src-shared/domain/detection';
import type { ModelRef, ModelThresholds, RealExceedance } from '../../../src-shared/domain/models';
import { AppError } from '../../../src-shared/result';
import { alignedCrop, cropOptions, eyeIndices } from './align';
import { meanOrNull } from './aggregate';
import { faceSizePx } from './calibration';
import { classifierSize, classify } from './classify';
import { detectFaces } from './face-detect';
import { resolveModels } from './model-set';
import { minJudgedFacePx, type PipelineModels } from './pipeline';
import type { ModelRegistry } from './registry';

/** Faces scored per live frame at most (the largest, as the detector orders them). */
export const LIVE_MAX_FACES = 8;
/** Frames are fitted into this many pixels before detection. */
const LIVE_MAX_SIDE = 1280;
/** Larger pictures are refused before decoding (a hostile frame cannot claim gigapixels). */
const LIVE_MAX_INPUT_PIXELS = 4096 * 4096;

/** What the summary record needs to know about the models that scored a session's frames. */
export interface LiveModelSet {
  /** Detector first, then the face classifiers. */
  models: ModelRef[];
  /** The first face classifier's thresholds and real-face exceedance table (the summary's verdict). */
  thresholds: ModelThresholds | null;
  realExceedance: RealExceedance | null;
}

/** One scored frame: each face's box (frame pixels, after fitting) and mean calibrated probability. */
export interface LiveFrameScore {
  faces: { box: FaceBox; probability: number | null }[];
  models: LiveModelSet;
}

/** The models the live monitor runs with: detector and face classifiers, never the whole-image models. */
export async function resolveLiveModels(registry: ModelRegistry): Promise<PipelineModels> {
  const models = await resolveModels(registry, { imageModels: [] });
  if (!models.detector || !models.faceClassifiers.length) {
    throw new AppError('MODEL_MISSING', `Live monitoring needs a face detector and a face-manipulation model: ${models.missing.join(' ')}`);
  }
  return models;
}

export function liveModelSet(m: PipelineModels): LiveModelSet {
  const first = m.faceClassifiers[0]!.manifest;
  return { models: [m.detector!, ...m.faceClassifiers].map((x) => ({ ...x.ref })), thresholds: first.thresholds ?? null, realExceedance: first.realExceedance ?? null };
}

/** Decode and score one JPEG (base64) frame; UNSUPPORTED_MEDIA when it cannot be decoded. */
export async function scoreLiveFrame(m: PipelineModels, jpegBase64: string): Promise<LiveFrameScore> {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    const r = await sharp(Buffer.from(jpegBase64, 'base64'), { limitInputPixels: LIVE_MAX_INPUT_PIXELS, failOn: 'truncated' })
      .resize({ width: LIVE_MAX_SIDE, height: LIVE_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    img = { width: r.info.width, height: r.info.height, data: r.data };
  } catch (e) {
    throw new AppError('UNSUPPORTED_MEDIA', `The frame could not be decoded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const boxes = (await detectFaces(m.detector!, img, { zoomOut: true })).slice(0, LIVE_MAX_FACES);
  const per: number[][] = boxes.map(() => []);
  for (const clf of m.faceClassifiers) {
    // as in file analysis: faces under the model's minimum size are located, not judged
    const minPx = minJudgedFacePx(clf.manifest);
    const judged = boxes.map((box, i) => ({ box, i })).filter(({ box }) => faceSizePx(box) >= minPx);
    if (!judged.length) continue;
    const size = classifierSize(clf.manifest);
    const crops = judged.map(({ box }) => alignedCrop(img, box, cropOptions(clf.manifest.input, size, eyeIndices(undefined))).image);
    const res = await classify(clf, crops, { facePx: judged.map(({ box }) => faceSizePx(box)) });
    res.forEach((r, k) => per[judged[k]!.i]!.push(r.probability));
  }
  return { faces: boxes.map((box, i) => ({ box, probability: meanOrNull(per[i]!) })), models: liveModelSet(m) };
}
