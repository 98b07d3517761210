/** Model manifests: what every model file ships with (models/<id>.json). */

export type ModelTask = 'face-detection' | 'face-manipulation' | 'generated-image';

export interface ModelInputSpec {
  name: string;
  shape: number[];
  layout: 'NCHW' | 'NHWC';
  colorOrder: 'RGB' | 'BGR';
  /** Pixels are divided by this first (255 for 0..1, 1 for raw). */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  /**
   * How a whole frame becomes the model input: resampled to the input size ('stretch',
   * or 'letterbox' keeping the aspect ratio), or 'center-crop': the central region of at
   * most the input size taken at native resolution, never resampled (models that read
   * pixel-level traces; the graph must accept smaller inputs for smaller frames).
   */
  resize: 'stretch' | 'letterbox' | 'center-crop';
  /** Face models: square crop side = cropMargin × max(face w, h), centred on the face. */
  cropMargin?: number;
  /** Face models: false keeps crops axis-aligned instead of levelling the eyes (default true). */
  align?: boolean;
  /** Face models: what fills a crop past the frame's edge: black (default) or the frame mirrored. */
  border?: 'black' | 'reflect';
}

export type ModelCalibration =
  | { method: 'temperature'; params: { T: number }; fittedOn: string }
  | { method: 'platt'; params: { a: number; b: number }; fittedOn: string }
  | { method: 'isotonic'; params: { x: number[]; y: number[] }; fittedOn: string };

export interface ModelThresholds {
  /** Calibrated probability below this is 'authentic'. */
  authentic: number;
  /** Calibrated probability at or above this is 'manipulated'. */
  manipulated: number;
}

/**
 * Face models: the share of held-out real faces whose calibrated probability is at least p,
 * at increasing p. The verdict uses it to keep the false-alarm rate of a picture with several
 * judged faces at the single-face rate (the most suspicious of k faces has k chances).
 */
export interface RealExceedance {
  p: number[];
  share: number[];
  measuredOn: string;
}

/**
 * Face models: a raw-logit offset by face size, added before calibration. A face's box short
 * side `px` (frame pixels) gets `logit` interpolated linearly in log(px) between the points,
 * flat beyond the ends; without one, no offset. It keeps a real face's score the same at every
 * size the model judges (fewer pixels over a face make it look more like a blend).
 */
export interface SizeCorrection {
  px: number[];
  logit: number[];
  measuredOn: string;
}

/**
 * Video-codec intra coding of a still picture: HEVC (HEIC/HEIF, the iPhone's format) or AV1 (AVIF).
 * Their in-loop filters smooth away the fine residual a whole-image detector reads, so such a model
 * judges these stills only when its manifest opts in (`limits.judgesHevc` / `limits.judgesAv1`).
 */
export type StillCoding = 'hevc' | 'av1';

/**
 * Whole-image models: the calibration, band thresholds and error rates for stills of one coding,
 * fitted on held-out pictures after that coding's round trip (they replace the manifest's own
 * for such a still).
 */
export interface CodingCalibration {
  calibration: ModelCalibration;
  thresholds: ModelThresholds;
  errorRates?: Record<string, unknown>;
}

export interface ModelMetric {
  name: string;
  value: number;
  data: string;
}

export interface ModelManifest {
  id: string;
  version: string;
  file: string;
  sha256: string;
  task: ModelTask;
  input: ModelInputSpec;
  /** Outputs; a heatmap's `caption` says in plain words what its map shows (the viewer and report print it). */
  outputs: Record<string, { name: string; shape?: number[]; meaning?: string; caption?: string; format?: string; points?: string[] } | number | string>;
  calibration?: ModelCalibration;
  thresholds?: ModelThresholds;
  errorRates?: Record<string, unknown>;
  realExceedance?: RealExceedance;
  sizeCorrection?: SizeCorrection;
  /** Whole-image models: per-coding calibration (CodingCalibration), used for a HEIC/AVIF still the model judges. */
  codings?: Partial<Record<StillCoding, CodingCalibration>>;
  metrics: ModelMetric[];
  license: string;
  provenance: Record<string, unknown>;
  limits?: Record<string, number>;
  description?: string;
}

/** A model as listed to the user. */
export interface ModelSummary {
  id: string;
  version: string;
  task: ModelTask;
  sha256: string;
  file: string;
  sizeBytes: number;
  license: string;
  source: 'bundled' | 'imported' | 'path';
  /** null until verified; false when the file's hash does not match the manifest. */
  verified: boolean | null;
  error?: string;
}

/** The model reference stored with every verdict. */
export interface ModelRef {
  id: string;
  version: string;
  sha256: string;
  task: ModelTask;
  provider: string;
}
