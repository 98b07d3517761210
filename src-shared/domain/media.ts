/** What a file is, by its content. */
export type MediaKind = 'image' | 'video';

export interface FileHashes {
  sha256: string;
  sha1: string;
  md5: string;
}

export interface StreamInfo {
  index: number;
  type: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';
  codec: string | null;
  profile?: string | null;
  width?: number;
  height?: number;
  pixFmt?: string | null;
  fps?: number | null;
  bitRate?: number | null;
  durationSec?: number | null;
  frameCount?: number | null;
  sampleRate?: number | null;
  channels?: number | null;
  tags?: Record<string, string>;
}

/** What the content says the file is (magic bytes, then ffprobe), next to what its name claims. */
export interface MediaIdentity {
  kind: MediaKind;
  /** Identified format, e.g. jpeg, png, webp, gif, tiff, bmp, heif, avif, mp4, mov, matroska, webm, avi. */
  format: string;
  mime: string;
  /** Lower-case extension of the file name without the dot, or null when it has none. */
  claimedExtension: string | null;
  /** True when the name has an extension that does not belong to the identified format. */
  extensionMismatch: boolean;
}

/**
 * Facts about the container and streams (ffprobe for video, decoder for images).
 * width/height are as displayed: rotation (and non-square pixels) already applied.
 */
export interface MediaInfo {
  kind: MediaKind;
  /** Identified format, e.g. jpeg, png, webp, gif, tiff, bmp, heif, avif, mp4, mov, matroska, webm, avi. */
  format: string;
  mime: string;
  sizeBytes: number;
  width: number;
  height: number;
  rotation: number;
  durationSec: number | null;
  fps: number | null;
  frameCount: number | null;
  bitRate: number | null;
  container: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  streams: StreamInfo[];
  tags: Record<string, string>;
  /** Intake observations the report should state (extension lies, truncated stream...). */
  warnings?: MetadataFlag[];
  /** ffprobe index of the analysed video stream (videos only). */
  videoStreamIndex?: number;
}

export type MetadataFlagSeverity = 'info' | 'notice' | 'warning';

/** Something in the metadata an investigator looks at (editing software, missing camera data...). */
export interface MetadataFlag {
  code: string;
  severity: MetadataFlagSeverity;
  message: string;
}

/** EXIF/XMP/IPTC highlights and flags. */
export interface MetadataReport {
  highlights: { label: string; value: string }[];
  /** Raw parsed tags, grouped (exif, xmp, iptc, gps, container); values stringified. */
  groups: Record<string, Record<string, string>>;
  flags: MetadataFlag[];
  hasEmbeddedThumbnail: boolean;
  thumbnailDiffers: boolean | null;
}

/** How frames were chosen. */
export type SamplingStrategy =
  | { kind: 'even'; count: number }
  | { kind: 'rate'; fps: number; max: number }
  | { kind: 'scene'; threshold: number; max: number }
  | { kind: 'keyframes'; max: number };

export interface SamplingRecord {
  strategy: SamplingStrategy;
  /** 'seek' when frames were fetched by seeking, 'sequential' when decoded from the start. */
  method: 'seek' | 'sequential' | 'image';
  /** Why sequential decoding was used, if it was a fallback. */
  fallbackReason?: string;
  frames: { index: number; timeSec: number }[];
  /** Frames in the stream according to the demuxed packet index (videos). */
  totalFrames?: number;
  /** The seek check: one frame fetched by seeking compared with the same frame decoded from the start. */
  seekCheck?: { frameIndex: number; meanAbsDiff: number; decoderErrors: boolean; passed: boolean };
  /** Decoder complaints and other observations (truncated stream, damaged packets). */
  warnings?: MetadataFlag[];
}

/** The ffmpeg/ffprobe binaries that ran, and where they came from. */
export interface ToolInfo {
  path: string;
  version: string;
  source: 'setting' | 'env' | 'bundled' | 'path';
}

const FORMAT_NAMES: Record<string, string> = { mov: 'QuickTime', matroska: 'Matroska', webm: 'WebM', heif: 'HEIF', mpegts: 'MPEG-TS' };

/** A format as people name it: "MP4", "Matroska", "JPEG", "QuickTime". */
export const formatName = (format: string | null): string => (format ? (FORMAT_NAMES[format] ?? format.toUpperCase()) : 'unknown');

/** "a" or "an" before a word as it is said: "an MP4", "an AVI", "a JPEG", "a Matroska", "an 8-s". */
export function article(word: string): 'a' | 'an' {
  if (/^[A-Z0-9]{2,}\b/.test(word)) return /^[AEFHILMNORSX8]/.test(word) ? 'an' : 'a';
  return /^[aeiou8]/i.test(word) ? 'an' : 'a';
}
