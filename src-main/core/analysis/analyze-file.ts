/**
 * One file from path to result: intake (path check, identify, hash, probe, metadata,
 * frames — the media module) then the model pipeline. Runs inside the analysis worker (or
 * in-process in tests); knows nothing about the store, which the engine writes afterwards.
 */
import path from 'node:path';
import type { AppendedMediaCheck, DetectionFile, HiddenMediaCheck } from '../../../src-shared/domain/detection';
import type { MediaInfo, MetadataReport, SamplingRecord, SamplingStrategy, ToolInfo } from '../../../src-shared/domain/media';
import type { AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { extractFrames } from '../media/frames';
import { decodeImage, type DecodedImage } from '../media/image-decode';
import { hashFile } from '../media/hash';
import { identify } from '../media/identify';
import { assertUnchanged, checkInputPath } from '../media/input-path';
import { estimateJpegQuality, JPEG_HEADER_BYTES, parseDqt, type JpegQuality } from '../media/jpeg-quality';
import { readMetadata } from '../media/metadata';
import { appendedOf, readContainerStructure } from '../media/container-structure';
import { hiddenVideoOf } from '../media/mp4-structure';
import { appendedOfPicture, readPictureEnd } from '../media/picture-end';
import { uprightSplice, type JpegForensics } from '../media/jpeg-splice';
import { readJpegHead } from '../media/jpeg-history';
import { probe } from '../media/probe';
import { extensionOf } from '../media/sniff';
import { resolveTools, type ResolvedTools } from '../media/tools';
import { inlineForensics, type ForensicsRunner } from './forensics-thread';
import { analyseAppendedMedia, appendedMediaWarning, withAppendedMedia } from './appended-media';
import { analyseHiddenMedia, hiddenMediaWarning, withHiddenMedia } from './hidden-media';
import { trustAnchorsAt } from '../media/c2pa-trust';
import { sourceCameraCheck } from '../cameras/camera-compute';
import { sensorGapsWarning, uprightSensorMap, withSensorGaps } from '../cameras/sensor-map';
import { sensorEvidence } from './evidence';
import type { SourceCameraCheck } from '../../../src-shared/domain/cameras';
import { withDeclaredGenerator } from '../media/generator-marks';
import { resolveModels, type ModelSelection } from './model-set';
import { runPipeline, stillCodingOf, type PipelineResult } from './pipeline';
import type { ModelRegistry } from './registry';
import type { RgbImage, StageName } from './types';

/** What the caller may choose per job (the contract's analysis options). */
export interface JobOptions {
  frames?: number;
  strategy?: 'even' | 'rate' | 'scene';
  fps?: number;
  models?: ModelSelection;
}

/** Everything an analysis produced, before it becomes a stored record. */
export interface AnalysisOutput {
  kind: MediaInfo['kind'];
  file: DetectionFile;
  media: MediaInfo;
  metadata: MetadataReport | null;
  sampling: SamplingRecord;
  tools: { ffmpeg: ToolInfo | null; ffprobe: ToolInfo | null };
  result: PipelineResult;
  /** An MP4/QuickTime video whose edit list hides part of its video track: that part, analysed apart. */
  hiddenMedia?: HiddenMediaCheck | null;
  /** A second file appended inside a video file: analysed apart. */
  appendedMedia?: AppendedMediaCheck | null;
  /** A still picture compared with the camera library's sensor-noise fingerprints (absent when the library is empty). */
  sourceCamera?: SourceCameraCheck | null;
}

/** Longest side video frames are decoded at, unless the caller says otherwise (`npm run eval` uses it too). */
export const VIDEO_FRAME_MAX_SIDE = 1920;

/** Where each stage sits in the overall progress (fractions of the whole job). */
const STAGE_SPAN: Record<StageName, [number, number]> = {
  probe: [0, 0.03],
  hash: [0.03, 0.12],
  metadata: [0.12, 0.15],
  frames: [0.15, 0.4],
  faces: [0.4, 0.45],
  classify: [0.45, 0.88],
  'image-model': [0.88, 0.9],
  aggregate: [0.9, 0.92],
  forensics: [0.92, 0.98],
  store: [0.98, 1],
};

/** Overall fraction for a stage and its own fraction. */
export function overallFraction(stage: StageName, f: number): number {
  const [a, b] = STAGE_SPAN[stage];
  return a + (b - a) * Math.min(1, Math.max(0, f));
}

/** The sampling strategy for a job: job options first, then settings. */
export function samplingFor(opts: JobOptions, s: AppSettings): SamplingStrategy {
  const strategy = opts.strategy ?? s.sampling.strategy;
  const max = Math.min(s.limits.maxFrames, s.sampling.max);
  switch (strategy) {
    case 'rate':
      return { kind: 'rate', fps: opts.fps ?? s.sampling.fps, max: opts.frames ?? max };
    case 'scene':
      return { kind: 'scene', threshold: 0.3, max: opts.frames ?? max };
    default:
      return { kind: 'even', count: Math.min(opts.frames ?? s.sampling.count, s.limits.maxFrames) };
  }
}

let toolsCache: { key: string; tools: Promise<ResolvedTools> } | null = null;

function tools(s: AppSettings): Promise<ResolvedTools> {
  const key = `${s.ffmpegPath ?? ''}|${s.ffprobePath ?? ''}`;
  if (!toolsCache || toolsCache.key !== key) {
    const p = resolveTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath, env: process.env });
    p.catch(() => (toolsCache = null));
    toolsCache = { key, tools: p };
  }
  return toolsCache.tools;
}

/** The quality estimate of a JPEG from its quantisation tables; null when they cannot be read. */
function qualityOfHead(buf: Buffer): JpegQuality | null {
  try {
    return estimateJpegQuality(parseDqt(buf.subarray(0, JPEG_HEADER_BYTES)));
  } catch {
    return null;
  }
}

/** Analyse one file. Expected failures throw AppError; model failures end up as warnings. */
export async function analyzeFile(
  filePath: string,
  ctx: {
    registry: ModelRegistry;
    settings: AppSettings;
    options: JobOptions;
    signal: AbortSignal;
    /** Longest side of decoded video frames (faces stay large enough; memory stays bounded). */
    maxSide?: number;
    timeoutMs?: number;
    progress: (stage: StageName, fraction: number, message?: string) => void;
    /** Where the checks that need no model run (the host's threads; default: this thread). */
    forensics?: ForensicsRunner;
    /** The camera library's folder: a still picture is compared with its sensor-noise fingerprints. */
    camerasDir?: string;
  },
): Promise<AnalysisOutput> {
  const { settings, signal } = ctx;
  const forensics = ctx.forensics ?? inlineForensics;
  const check = () => {
    if (signal.aborted) throw signal.reason instanceof AppError ? signal.reason : new AppError('CANCELLED', 'The analysis was cancelled.');
  };
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = Math.round((performance.now() - t0) * 10) / 10;
    }
  };
  const t0 = performance.now();
  // Models first: with no model there is no verdict, so do not spend minutes decoding.
  const models = await timed('models', () => resolveModels(ctx.registry, ctx.options.models));
  if (!models.imageModels.length && (!models.detector || !models.faceClassifiers.length)) {
    throw new AppError('MODEL_MISSING', `No verdict is possible: ${models.missing.join(' ')}`);
  }
  check();
  ctx.progress('probe', 0);
  const checked = await timed('probe', () => checkInputPath(path.resolve(filePath), settings.limits));
  const t = await tools(settings);
  const identity = await timed('identify', () => identify(checked.path, { tools: t, signal }));
  const media = await timed('probe', () => probe(checked.path, t, { signal, limits: settings.limits, identity, timeoutMs: 60_000 }));
  check();
  // A JPEG still's own coefficients: its compression history (for the metadata report), the splice map
  // when it was saved twice and the shifted-grid map (for the verdict) — one decode for all, on a thread
  // of its own when the build has one (forensics-thread.ts): its 1–2 s for a 12 MP photo then run
  // beside hashing, decoding, the models and the copy-move check, and are awaited only where needed.
  // The quality estimate (the quantisation tables) is read here, from the same head.
  const head = media.kind === 'image' && media.format === 'jpeg' ? await readJpegHead(checked.path).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))) : null;
  const jpegQuality = head && !(head instanceof Error) ? qualityOfHead(head.buf) : null;
  const jpegRead: Promise<JpegForensics> | null = head
    ? timed('jpeg-coefficients', () => (head instanceof Error ? Promise.resolve({ ok: false as const, reason: head.message }) : forensics.jpeg(head, signal)))
    : null;
  check();
  ctx.progress('hash', 0);
  const hashes = await timed('hash', () => hashFile(checked.path, { signal, onProgress: (done, total) => ctx.progress('hash', total ? done / total : 1) }));
  check();
  ctx.progress('metadata', 0);
  const orientation = Number(media.tags.orientation ?? 1);
  const jpegFindings = jpegRead?.then((jpeg) => ({
    jpegSplice: jpeg.ok && jpeg.splice ? { method: jpeg.splice.method, threshold: jpeg.splice.threshold, earlierQuality: jpeg.history?.earlierQuality ?? null, upright: uprightSplice(jpeg.splice, orientation) } : null,
    jpegGrid: jpeg.ok && jpeg.grid ? { method: jpeg.grid.method, threshold: jpeg.grid.threshold, pictureGrid: jpeg.grid.pictureGrid, upright: uprightSplice(jpeg.grid, orientation) } : null,
  }));
  // (Observed here too: when a later stage fails, no one else awaits it.)
  jpegFindings?.catch(() => undefined);
  // A HEIC is decoded once (WebAssembly, ≈ 0.4–1 s at 12 MP): by the metadata stage when it compares a
  // thumbnail with the picture, else by the frames stage; whichever comes first, the other reuses it.
  let heifPicture: Promise<DecodedImage> | undefined;
  const decoded = media.kind === 'image' && media.format === 'heif' ? () => (heifPicture ??= decodeImage(checked.path, media, { tools: t })) : undefined;
  // A video container's own structure (MP4 boxes, Matroska elements, AVI chunks: headers only,
  // milliseconds; transport-stream packet headers: the whole file, ≈ as long as the hash), read once: for
  // the metadata report, the media an edit list hides and a file appended.
  const structure = await readContainerStructure(checked.path, media, signal);
  // A picture's end and what follows it (MPF pictures, a motion photo's video, appended data).
  const pictureEnd = media.kind === 'image' ? await readPictureEnd(checked.path, media.format, media.sizeBytes).catch(() => null) : null;
  // Where a second file appended to this one begins: analysed apart, and its frames kept out of this file's
  // (FFmpeg's Matroska and AVI demuxers read on into a second file as if it continued the first).
  const foundAt = structure ? appendedOf(structure, media.sizeBytes) : pictureEnd ? appendedOfPicture(pictureEnd, media.sizeBytes) : null;
  const appendedAt = foundAt && foundAt.offset > 0 && foundAt.offset < media.sizeBytes ? foundAt : null;
  // The metadata stage reads the file now and finishes beside the frames and the models (a JPEG's report
  // waits for its compression history). Unreadable metadata is itself a finding, not a reason to refuse the picture.
  const metadataRead = timed('metadata', async () =>
    readMetadata(checked.path, media, {
      limits: settings.limits,
      decoded,
      structure,
      pictureEnd,
      c2paTrust: await trustAnchorsAt(settings.c2paTrustAnchors ?? null),
      ...(jpegRead ? { jpegHistory: jpegRead.then((jpeg) => (jpeg.ok ? { ok: true as const, history: jpeg.history } : jpeg)), jpegQuality } : {}),
    }),
  ).catch(() => null);
  check();
  ctx.progress('frames', 0, media.kind === 'video' ? 'decoding frames' : 'decoding image');
  const strategy = samplingFor(ctx.options, settings);
  const extracted = await timed('frames', () =>
    extractFrames(checked.path, media, t, {
      strategy,
      decoded,
      ...(media.kind === 'video' ? { maxSide: ctx.maxSide ?? VIDEO_FRAME_MAX_SIDE } : {}),
      signal,
      ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
      limits: settings.limits,
      ...(appendedAt ? { endByte: appendedAt.offset } : {}),
    }),
  );
  check();
  const result = await runPipeline(
    {
      kind: media.kind,
      frames: extracted.frames,
      expectedFrames: extracted.frames.length,
      jpegQuality: jpegQuality?.quality ?? null,
      ...(jpegFindings ? { jpegLater: jpegFindings } : {}),
      stillCoding: media.kind === 'image' ? stillCodingOf(media.format) : null,
      durationSec: media.durationSec,
      bitRate: media.bitRate,
      fps: media.fps,
    },
    models,
    { thresholds: settings.thresholds, progress: ctx.progress, check, ...(forensics.offThread ? { copyMoveOffThread: (img: RgbImage) => forensics.copyMove(img, signal) } : {}) },
  );
  // The part of the video its edit list hides: decoded, scored and pictured apart from the played frames.
  const hiddenVideo = structure?.kind === 'mp4' ? hiddenVideoOf(structure.s, media.videoStreamIndex) : null;
  const hidden = hiddenVideo
    ? await timed('hidden-media', () =>
      analyseHiddenMedia({
        path: checked.path,
        media,
        tools: t,
        hidden: hiddenVideo,
        playedFrames: extracted.frames.length,
        models,
        thresholds: settings.thresholds,
        maxSide: ctx.maxSide ?? VIDEO_FRAME_MAX_SIDE,
        signal,
        check,
      }),
    )
    : null;
  if (hidden) {
    result.artifacts.push(...hidden.artifacts);
    result.verdict = withHiddenMedia(result.verdict, hidden.check);
    result.warnings.push(hiddenMediaWarning(hidden.check));
  }
  // A second file appended inside this one (players show the first only): copied out and analysed apart.
  const appended = appendedAt
    ? await timed('appended-media', () =>
      analyseAppendedMedia({
        path: checked.path,
        sizeBytes: media.sizeBytes,
        at: appendedAt,
        tools: t,
        models,
        thresholds: settings.thresholds,
        limits: settings.limits,
        maxSide: ctx.maxSide ?? VIDEO_FRAME_MAX_SIDE,
        signal,
        check,
      }),
    )
    : null;
  if (appended) {
    result.artifacts.push(...appended.artifacts);
    result.verdict = withAppendedMedia(result.verdict, appended.check);
    result.warnings.push(appendedMediaWarning(appended.check));
  }
  const metadata: MetadataReport | null = await metadataRead;
  check();
  // Which camera took it: the picture's sensor noise against the library's fingerprints of its size (none: skipped, no decode).
  const cameraFound =
    media.kind === 'image' && ctx.camerasDir
      ? await timed('source-camera', () => sourceCameraCheck(ctx.camerasDir!, checked.path, { format: media.format, width: media.width, height: media.height }, settings.limits, signal))
      : null;
  check();
  let sourceCamera: SourceCameraCheck | null = cameraFound?.check ?? null;
  // It matches a camera: where does it lack that camera's noise (content pasted in or painted over)?
  if (sourceCamera && cameraFound?.map) {
    const { check: integrity, upright } = uprightSensorMap(cameraFound.map, orientation);
    const still = extracted.frames[0];
    if (integrity.regions.length && still) {
      const art = await sensorEvidence(still, upright, integrity);
      result.artifacts.push(art);
      integrity.artifact = art.ref.key;
    }
    sourceCamera = { ...sourceCamera, integrity };
    result.verdict = withSensorGaps(result.verdict, integrity);
    const gaps = sensorGapsWarning(integrity);
    if (gaps) result.warnings.push(gaps);
  }
  // What the file's own metadata declares of its making (an AI generator's settings, the IPTC source type).
  const declared = withDeclaredGenerator(result.verdict, metadata);
  result.verdict = declared.verdict;
  if (declared.warning) result.warnings.push(declared.warning);
  // Every read of the file is done: the hashes, metadata and frames must all have come from one
  // content. A file replaced (renamed over), rewritten or appended to while it was read fails here,
  // rather than giving a verdict on one file under another's hash.
  await assertUnchanged(checked);
  result.timingsMs = { ...timings, ...result.timingsMs, total: Math.round((performance.now() - t0) * 10) / 10 };
  // A Matroska/WebM file written live (MediaRecorder) states no duration by design, not because it is incomplete.
  const live = structure?.kind === 'mkv' && structure.s.segments[0] !== undefined && (structure.s.segments[0].declaredBytes === null || structure.s.segments[0].liveClusters > 0);
  for (const f of [...(media.warnings ?? []), ...(extracted.sampling.warnings ?? [])]) {
    const message =
      f.code === 'NO_DURATION' && live
        ? 'The container states no duration: it was written live (as browsers’ MediaRecorder and screen recorders write), which leaves the duration unwritten; the frames were indexed from the file itself.'
        : f.message;
    result.warnings.push({ code: f.code === 'EXTENSION_MISMATCH' || f.code === 'CAMERA_RAW' ? f.code : 'METADATA', message });
  }
  if (extracted.sampling.fallbackReason) result.warnings.push({ code: 'SEEK_FALLBACK', message: extracted.sampling.fallbackReason });
  const claimed = extensionOf(path.basename(filePath)) ?? '';
  return {
    kind: media.kind,
    file: {
      name: path.basename(filePath),
      path: checked.path,
      sizeBytes: hashes.sizeBytes,
      hashes: { sha256: hashes.sha256, sha1: hashes.sha1, md5: hashes.md5 },
      claimedExtension: claimed,
      extensionMismatch: identity.extensionMismatch,
    },
    media,
    metadata,
    sampling: extracted.sampling,
    tools: { ffmpeg: t.ffmpeg, ffprobe: t.ffprobe },
    result,
    ...(hidden ? { hiddenMedia: hidden.check } : {}),
    ...(appended ? { appendedMedia: appended.check } : {}),
    ...(sourceCamera ? { sourceCamera } : {}),
  };
}
