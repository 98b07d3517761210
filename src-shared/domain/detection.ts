import type { FileHashes, MediaInfo, MediaKind, MetadataReport, SamplingRecord, ToolInfo } from './media';
import type { ModelRef, ModelThresholds } from './models';
import type { SourceCameraCheck } from './cameras';

/** The three verdict bands, plus 'undetermined' when no model could judge the file. */
export const VERDICT_BANDS = ['authentic', 'inconclusive', 'manipulated', 'undetermined'] as const;
export type VerdictBand = (typeof VERDICT_BANDS)[number];

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** An input-quality or scope warning attached to a verdict. */
export interface AnalysisWarning {
  code:
    | 'NO_FACE'
    | 'SMALL_FACES'
    | 'SHORT_VIDEO'
    | 'HEAVY_RECOMPRESSION'
    | 'TOO_MANY_FACES'
    | 'EXTENSION_MISMATCH'
    | 'CAMERA_RAW'
    | 'MODEL_ERROR'
    | 'MODEL_MISSING'
    | 'SEEK_FALLBACK'
    | 'LOW_RESOLUTION'
    | 'NOT_JUDGED'
    | 'METADATA'
    | 'CLONED_REGIONS'
    | 'SPLICED_REGIONS'
    | 'SHIFTED_GRID_REGIONS'
    | 'SENSOR_NOISE_GAPS'
    | 'HIDDEN_MEDIA'
    | 'APPENDED_MEDIA'
    | 'DECLARED_GENERATED'
    | 'OTHER';
  message: string;
}

/** Stored evidence images (heatmaps, thumbnails, key frames), served by record id + key. */
export interface ArtifactRef {
  key: string;
  kind: 'keyframe' | 'heatmap' | 'face' | 'ela' | 'noise' | 'overlay' | 'clone' | 'splice' | 'grid' | 'hidden' | 'sensor';
  mime: string;
  width: number;
  height: number;
  frameIndex?: number;
  trackId?: number;
  /** Heatmaps: what the map shows and which model made it, in words for the viewer and the report. */
  note?: string;
}

export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Detector confidence 0..1. */
  confidence: number;
  landmarks?: [number, number][];
}

/** One face in one frame with its score. */
export interface FaceObservation {
  frameIndex: number;
  timeSec: number;
  box: FaceBox;
  /** Calibrated probability of manipulation, or null when the classifier failed. */
  probability: number | null;
  rawLogit: number | null;
  faceArtifact?: string;
  heatmapArtifact?: string;
}

/** A person followed across frames. */
export interface FaceTrack {
  trackId: number;
  observations: FaceObservation[];
  probability: number | null;
  band: VerdictBand;
}

/** One sampled frame. */
export interface FrameResult {
  index: number;
  timeSec: number;
  faceCount: number;
  /** Highest calibrated face probability in this frame, or null. */
  probability: number | null;
  keyframeArtifact?: string;
  heatmapArtifact?: string;
}

/** Whole-image score from a detector that does not need faces. */
export interface ImageScore {
  modelId: string;
  probability: number | null;
  rawLogit: number | null;
  band: VerdictBand;
  heatmapArtifact?: string;
  /** The model failed on this file. */
  error?: string;
  /** The model did not judge this file, and why (e.g. a picture under its minimum size). */
  notJudged?: string;
  /** The score used the model's calibration for this still's coding (a HEIC judged with its HEVC calibration), in words. */
  calibratedFor?: string;
}

/** A box in the analysed picture's own pixels. */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Two places of a still picture that hold the same content: one is a copy of the other. */
export interface CloneRegion {
  /** One place (which of the two is the original cannot be told). */
  a: PixelBox;
  /** The other place. */
  b: PixelBox;
  /** From a's centre to b's, pixels. */
  shift: { dx: number; dy: number };
  /** b is a's mirror image (flipped left–right). */
  mirrored: boolean;
  /** Share of the picture one side covers (0..1). */
  areaShare: number;
  /** Median root-mean-square difference of the matched patches, grey levels (0: identical). */
  rmsDiff: number;
}

/**
 * The copy-move check of a still picture (copy-move.ts): regions copied from elsewhere in the
 * same picture. It does not vote in the probability; a finding keeps a picture the models call
 * authentic out of the authentic band.
 */
export interface CopyMoveCheck {
  /** Method and version, e.g. 'dense-dct-patchmatch 1'. */
  method: string;
  /** Region pairs found, largest first (empty: none found). */
  regions: CloneRegion[];
  /** Long side of the luma the check analysed, px (pictures are shrunk to it). */
  analysedLongSide: number;
  /** Share of the picture with texture the check can match (flat areas cannot be checked). */
  texturedShare: number;
  /**
   * When the picture repeats itself at this many different steps (3 or more: wallpaper, a
   * step-and-repeat banner, tiles), copies cannot be told from the pattern and none is reported.
   */
  patternSteps?: number;
  /** Key of the overlay showing the regions, when there are any. */
  artifact?: string;
}

/** A region of a twice-saved JPEG that lacks the earlier compression (upright picture pixels). */
export interface SplicedRegion {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Share of the mapped picture its blocks cover. */
  areaShare: number;
  /** Strongest window's evidence (log-likelihood ratio, nats) against the threshold. */
  peak: number;
}

/**
 * The splice map of a JPEG saved twice (jpeg-splice.ts): where the picture lacks the earlier,
 * lower-quality compression the rest of it carries — a region pasted in between the two saves.
 * Present only when the compression history found such an earlier save. Like the copy-move
 * check it does not vote in the probability; a region found keeps the picture out of the
 * authentic band.
 */
export interface SpliceCheck {
  /** Method and version, e.g. 'double-quantisation block map 1'. */
  method: string;
  /** The earlier save's quality the history named (null when its steps match no standard table). */
  earlierQuality: number | null;
  /** Regions found, largest first (empty: none). */
  regions: SplicedRegion[];
  /** Evidence a region needs (nats, summed over 6×6 blocks). */
  threshold: number;
  /** Share of the picture the map covers (under 1 only past about 16.8 megapixels). */
  coverage: number;
  /** Key of the map overlay. */
  artifact?: string;
}

/** A region of a JPEG whose content was compressed earlier on another 8×8 grid (upright picture pixels). */
export interface GridRegion {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Share of the mapped picture its box covers. */
  areaShare: number;
  /** Strongest window's evidence (n·R² of the lattice above the window's median over the 64 shifts) against the threshold. */
  peak: number;
  /** The earlier grid's offset from the file's, in stored (not upright) pixels, 0..7 each. */
  dx: number;
  dy: number;
  /** The earlier DC quantisation step the lattice fits, and the libjpeg quality with that DC step (null when none has it). */
  earlierStep: number;
  earlierQuality: number | null;
}

/**
 * The shifted-grid map of a JPEG still (jpeg-grid.ts): content that carries the lattice of an
 * earlier JPEG compression on a grid other than the file's own — a region pasted in from another
 * JPEG. When one such grid spreads over most of the picture, holds a fifth of it, or is preferred
 * well above chance off its regions too, the picture itself was cropped after an earlier save, or
 * is mostly made of a picture that was (`pictureGrid`; not a manipulation by itself). Like the splice map it does not vote
 * in the probability; a region found keeps the picture out of the authentic band.
 */
export interface GridCheck {
  /** Method and version, e.g. 'shifted-grid DC lattice map 1'. */
  method: string;
  /** The picture's own earlier grid (offset in stored pixels; share: the part of the picture it spans). */
  pictureGrid: { dx: number; dy: number; earlierStep: number; earlierQuality: number | null; share: number } | null;
  /** Regions found, largest first (empty: none). */
  regions: GridRegion[];
  /** Evidence a region needs (over a 64-pixel window). */
  threshold: number;
  /** Share of the picture the map covers (under 1 only past about 16.8 megapixels). */
  coverage: number;
  /** Key of the map overlay. */
  artifact?: string;
}

/** A frame of the media a video's edit list hides, analysed apart from the played frames. */
export interface HiddenFrame {
  /** Where in the track's media it lies, seconds (media time, not presentation time). */
  mediaSec: number;
  faceCount: number;
  /** The most suspicious face's calibrated probability, or null when no face was judged. */
  probability: number | null;
  /** That probability's band at the verdict's thresholds. */
  band: VerdictBand;
  /** Key of the frame's picture. */
  artifact?: string;
}

/**
 * The media of an MP4/QuickTime video track that its edit list does not play — what a cut without
 * re-encoding leaves inside the file (mp4-structure.ts) — and what a few of its frames show, run
 * through the same models apart from the played frames. It does not vote in the probability; a
 * hidden part in the manipulated band keeps the file out of the authentic band.
 */
export interface HiddenMediaCheck {
  /** The video track's ID in the file. */
  trackId: number;
  /** The hidden spans of the track's media, seconds (media time). */
  spans: { startSec: number; endSec: number }[];
  hiddenSec: number;
  /** Length of the track's media, seconds. */
  mediaSec: number;
  frames: HiddenFrame[];
  /** The hidden frames' verdict alone: the face analysis of their tracks (null when no face was judged). */
  probability: number | null;
  band: VerdictBand;
  /** What was or could not be done, in words (e.g. why no frame could be decoded). */
  note: string;
}

/**
 * A second file inside the file — another MP4 after the first one's boxes, another Matroska file after
 * the first segment, a picture or video after the last box or element (media/mp4-structure.ts,
 * mkv-structure.ts) — which players and FFmpeg never show, copied out and analysed apart
 * (analysis/appended-media.ts). Like hidden media, not part of the probability; a manipulated one keeps
 * the file out of the authentic band.
 */
export interface AppendedMediaCheck {
  /** Byte offset where it begins in the file, and its length (to the end of the file). */
  offset: number;
  bytes: number;
  /** How it was found, in words. */
  foundAs: string;
  /** SHA-256 of its bytes (to match it with a file found elsewhere). */
  sha256: string;
  /** What it was identified as; null when it could not be read. */
  format: string | null;
  kind: MediaKind | null;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  /** Frames analysed (a picture: one); mediaSec is the time in the appended file. */
  frames: HiddenFrame[];
  probability: number | null;
  band: VerdictBand;
  note: string;
}

/** Where a video's hidden spans lie, in words: "0.00–3.20 s", the first four and how many more. */
export function hiddenSpansText(spans: HiddenMediaCheck['spans']): string {
  const listed = spans.slice(0, 4).map((s) => `${s.startSec.toFixed(2)}–${s.endSec.toFixed(2)} s`);
  return `${listed.join(', ')}${spans.length > 4 ? ` and ${spans.length - 4} more` : ''}`;
}

export interface Verdict {
  band: VerdictBand;
  /** Calibrated probability that the media is manipulated, or null when undetermined. */
  probability: number | null;
  thresholds: ModelThresholds;
  /** Plain-language explanation. */
  explanation: string;
  decidedBy: 'faces' | 'generated-image' | 'combined' | 'none';
}

export interface Annotation {
  id: string;
  authorId: string;
  authorName: string;
  createdAt: string;
  note: string;
  /** An investigator's override of the verdict, shown as such. */
  override?: { band: VerdictBand; reason: string };
}

export interface DetectionFile {
  name: string;
  path: string;
  sizeBytes: number;
  hashes: FileHashes;
  claimedExtension: string;
  extensionMismatch: boolean;
}

/** One analysis of one file: the record kept in history. */
export interface Detection {
  id: string;
  ownerId: string;
  ownerName: string;
  status: JobState;
  createdAt: string;
  finishedAt: string | null;
  kind: MediaKind;
  file: DetectionFile;
  media: MediaInfo | null;
  metadata: MetadataReport | null;
  sampling: SamplingRecord | null;
  verdict: Verdict;
  faceTracks: FaceTrack[];
  frames: FrameResult[];
  imageScores: ImageScore[];
  /** Still pictures: the copy-move check (absent on videos and on records from before it existed). */
  copyMove?: CopyMoveCheck | null;
  /** JPEG stills saved twice: the splice map (absent otherwise, and on records from before it existed). */
  splice?: SpliceCheck | null;
  /** JPEG stills: the shifted-grid map (absent on other files and on records from before it existed). */
  grid?: GridCheck | null;
  /** MP4/QuickTime videos whose edit list hides part of the video track: that part, analysed apart (absent otherwise). */
  hiddenMedia?: HiddenMediaCheck | null;
  /** A second file appended inside this one, analysed apart (videos). */
  appendedMedia?: AppendedMediaCheck | null;
  /** Still pictures: the comparison with the camera library's sensor-noise fingerprints (absent when the library was empty). */
  sourceCamera?: SourceCameraCheck | null;
  models: ModelRef[];
  warnings: AnalysisWarning[];
  timingsMs: Record<string, number>;
  tools: { ffmpeg: ToolInfo | null; ffprobe: ToolInfo | null; appVersion: string; executionProvider: string };
  artifacts: ArtifactRef[];
  annotations: Annotation[];
  error: { code: string; message: string } | null;
  reports: { id: string; path: string; sha256: string; createdAt: string }[];
}

/** A row of the history list: what the table needs, not the whole record. */
export interface DetectionSummary {
  id: string;
  ownerId: string;
  ownerName: string;
  status: JobState;
  createdAt: string;
  kind: MediaKind;
  fileName: string;
  sha256: string;
  band: VerdictBand;
  probability: number | null;
  overridden: boolean;
}

/** Progress pushed while a job runs. */
export interface AnalysisProgress {
  jobId: string;
  fileName: string;
  stage: 'queued' | 'probe' | 'hash' | 'metadata' | 'frames' | 'faces' | 'classify' | 'image-model' | 'forensics' | 'aggregate' | 'store' | 'done';
  /** 0..1 over the whole job. */
  fraction: number;
  etaSec: number | null;
  message?: string;
}
