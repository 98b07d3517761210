/** Internal types of the analysis engine (what moves between intake, models and aggregation). */
import type { ArtifactRef } from '../../../src-shared/domain/detection';

/** A decoded picture: tightly packed RGB24 rows. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** One sampled frame of a video (or the single frame of an image). */
export interface SampledFrame extends RgbImage {
  index: number;
  timeSec: number;
}

/** An evidence image produced by the pipeline, before it is stored. */
export interface ArtifactOut {
  ref: ArtifactRef;
  data: Buffer;
}

/** Progress callback inside the pipeline: stage plus fraction (0..1) of that stage. */
export type StageProgress = (stage: StageName, fraction: number, message?: string) => void;

/** Stage names as reported in progress events. */
export type StageName = 'probe' | 'hash' | 'metadata' | 'frames' | 'faces' | 'classify' | 'image-model' | 'forensics' | 'aggregate' | 'store';

/** Throws a CANCELLED AppError when the signal is aborted; checked between units of work. */
export type CancelCheck = () => void;
