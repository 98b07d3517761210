/** Detection records from analysis outputs (what history, reports and the CLI show). */
import path from 'node:path';
import type { QueuedJob } from '../../../src-shared/contract/analysis';
import type { Detection } from '../../../src-shared/domain/detection';
import type { AnalysisOutput } from './analyze-file';
import { DEFAULT_THRESHOLDS } from './calibration';

const VIDEO_EXT = new Set(['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'wmv', 'flv', 'mpg', 'mpeg', 'ts', 'mts', '3gp', 'ogv']);

/** The record stored while a job runs (so a crash leaves an 'interrupted' record that can be re-run). */
export function placeholderDetection(id: string, owner: { userId: string; username: string }, job: QueuedJob, createdAt: string, appVersion: string): Detection {
  const ext = path.extname(job.fileName).slice(1).toLowerCase();
  return {
    id,
    ownerId: owner.userId,
    ownerName: owner.username,
    status: 'running',
    createdAt,
    finishedAt: null,
    // A guess from the name until intake identifies the content; replaced when the job ends.
    kind: VIDEO_EXT.has(ext) ? 'video' : 'image',
    file: { name: job.fileName, path: job.path, sizeBytes: 0, hashes: { sha256: '', sha1: '', md5: '' }, claimedExtension: ext, extensionMismatch: false },
    media: null,
    metadata: null,
    sampling: null,
    verdict: { band: 'undetermined', probability: null, thresholds: DEFAULT_THRESHOLDS, explanation: 'Analysis in progress.', decidedBy: 'none' },
    faceTracks: [],
    frames: [],
    imageScores: [],
    models: [],
    warnings: [],
    timingsMs: {},
    tools: { ffmpeg: null, ffprobe: null, appVersion, executionProvider: 'none' },
    artifacts: [],
    annotations: [],
    error: null,
    reports: [],
  };
}

/** The finished record. */
export function buildDetection(id: string, owner: { userId: string; username: string }, o: AnalysisOutput, createdAt: string, finishedAt: string, appVersion: string): Detection {
  const r = o.result;
  return {
    id,
    ownerId: owner.userId,
    ownerName: owner.username,
    status: 'done',
    createdAt,
    finishedAt,
    kind: o.kind,
    file: o.file,
    media: o.media,
    metadata: o.metadata,
    sampling: o.sampling,
    verdict: r.verdict,
    faceTracks: r.faceTracks,
    frames: r.frames,
    imageScores: r.imageScores,
    ...(r.copyMove ? { copyMove: r.copyMove } : {}),
    ...(r.splice ? { splice: r.splice } : {}),
    ...(r.grid ? { grid: r.grid } : {}),
    ...(o.hiddenMedia ? { hiddenMedia: o.hiddenMedia } : {}),
    ...(o.appendedMedia ? { appendedMedia: o.appendedMedia } : {}),
    ...(o.sourceCamera ? { sourceCamera: o.sourceCamera } : {}),
    models: r.models,
    warnings: r.warnings,
    timingsMs: { ...r.timingsMs },
    tools: { ffmpeg: o.tools.ffmpeg, ffprobe: o.tools.ffprobe, appVersion, executionProvider: r.executionProvider },
    artifacts: r.artifacts.map((a) => a.ref),
    annotations: [],
    error: null,
    reports: [],
  };
}

/** The CLI's --json line for a finished analysis. */
export function jsonSummary(o: AnalysisOutput, detectionId: string | null): Record<string, unknown> {
  const r = o.result;
  return {
    file: o.file.path,
    name: o.file.name,
    sha256: o.file.hashes.sha256,
    kind: o.kind,
    format: o.media.format,
    verdict: r.verdict.band,
    score: r.verdict.probability,
    explanation: r.verdict.explanation,
    thresholds: r.verdict.thresholds,
    decidedBy: r.verdict.decidedBy,
    faces: r.faceTracks.map((t) => ({
      track: t.trackId,
      probability: t.probability,
      band: t.band,
      observations: t.observations.map((ob) => ({ frame: ob.frameIndex, timeSec: ob.timeSec, box: { x: Math.round(ob.box.x), y: Math.round(ob.box.y), w: Math.round(ob.box.w), h: Math.round(ob.box.h), confidence: ob.box.confidence }, probability: ob.probability, rawLogit: ob.rawLogit })),
    })),
    frames: r.frames.map((f) => ({ index: f.index, timeSec: f.timeSec, faces: f.faceCount, score: f.probability })),
    imageScores: r.imageScores.map((s) => ({ model: s.modelId, probability: s.probability, band: s.band, ...(s.error ? { error: s.error } : {}), ...(s.notJudged ? { notJudged: s.notJudged } : {}), ...(s.calibratedFor ? { calibratedFor: s.calibratedFor } : {}) })),
    ...(r.copyMove ? { copyMove: { method: r.copyMove.method, regions: r.copyMove.regions, analysedLongSide: r.copyMove.analysedLongSide, texturedShare: r.copyMove.texturedShare, ...(r.copyMove.patternSteps ? { patternSteps: r.copyMove.patternSteps } : {}) } } : {}),
    ...(r.splice ? { splice: { method: r.splice.method, earlierQuality: r.splice.earlierQuality, regions: r.splice.regions, threshold: r.splice.threshold, coverage: r.splice.coverage } } : {}),
    ...(r.grid ? { grid: { method: r.grid.method, pictureGrid: r.grid.pictureGrid, regions: r.grid.regions, threshold: r.grid.threshold, coverage: r.grid.coverage } } : {}),
    ...(o.hiddenMedia
      ? {
        hiddenMedia: {
          trackId: o.hiddenMedia.trackId,
          spans: o.hiddenMedia.spans,
          hiddenSec: o.hiddenMedia.hiddenSec,
          mediaSec: o.hiddenMedia.mediaSec,
          frames: o.hiddenMedia.frames.map((f) => ({ mediaSec: f.mediaSec, faces: f.faceCount, score: f.probability, band: f.band })),
          probability: o.hiddenMedia.probability,
          band: o.hiddenMedia.band,
          note: o.hiddenMedia.note,
        },
      }
      : {}),
    ...(o.appendedMedia
      ? {
        appendedMedia: {
          ...o.appendedMedia,
          frames: o.appendedMedia.frames.map((f) => ({ mediaSec: f.mediaSec, faces: f.faceCount, score: f.probability, band: f.band })),
        },
      }
      : {}),
    ...(o.sourceCamera ? { sourceCamera: o.sourceCamera } : {}),
    models: r.models.map((m) => ({ id: m.id, version: m.version, sha256: m.sha256, task: m.task, provider: m.provider })),
    warnings: r.warnings,
    // The file's own findings (metadata flags, JPEG compression history), beside the models' warnings.
    metadata: o.metadata ? { highlights: o.metadata.highlights, flags: o.metadata.flags } : null,
    timings: r.timingsMs,
    sampling: { method: o.sampling.method, frames: o.sampling.frames.length, ...(o.sampling.fallbackReason ? { fallbackReason: o.sampling.fallbackReason } : {}) },
    executionProvider: r.executionProvider,
    ...(detectionId ? { detectionId } : {}),
  };
}
