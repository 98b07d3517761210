/**
 * ffprobe JSON → MediaInfo. Pure, so odd and hostile ffprobe answers (missing fields,
 * "N/A", rotation in tags or in display-matrix side data) are unit-tested without files.
 */
import type { MediaInfo, StreamInfo } from '../../../src-shared/domain/media';

export interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  bit_rate?: string;
  duration?: string;
  nb_frames?: string;
  sample_rate?: string;
  channels?: number;
  sample_aspect_ratio?: string;
  start_time?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

export interface FfprobeJson {
  format?: { format_name?: string; duration?: string; bit_rate?: string; size?: string; start_time?: string; tags?: Record<string, string> };
  streams?: FfprobeStream[];
}

/** "30000/1001" → 29.97; "0/0", "N/A" → null. */
export function parseRate(r: string | undefined): number | null {
  if (!r) return null;
  const m = /^(\d+)\/(\d+)$/.exec(r);
  if (m) {
    const n = Number(m[1]);
    const d = Number(m[2]);
    return d > 0 && n > 0 ? n / d : null;
  }
  const v = Number(r);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** A finite number from ffprobe's string fields, else null. */
export function num(s: string | number | undefined): number | null {
  if (s === undefined || s === null || s === 'N/A' || s === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * Clockwise degrees the picture must be turned to be seen upright (0/90/180/270). Older
 * ffprobe reports tags.rotate (clockwise); newer a display matrix whose "rotation" is
 * counter-clockwise.
 */
export function streamRotation(s: FfprobeStream): number {
  const tag = num(s.tags?.rotate);
  let deg = 0;
  if (tag !== null) deg = tag;
  else {
    const dm = (s.side_data_list ?? []).find((d) => typeof d.rotation === 'number');
    if (dm?.rotation !== undefined) deg = -dm.rotation;
  }
  const r = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  return r;
}

const STREAM_TYPES: readonly StreamInfo['type'][] = ['video', 'audio', 'subtitle', 'data', 'attachment'];

/** The first real picture stream (cover art in audio files does not count). */
export function mainVideoStream(j: FfprobeJson): FfprobeStream | null {
  return (j.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && (s.width ?? 0) > 0) ?? null;
}

function cleanTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v).slice(0, 1000);
  return out;
}

/** Build MediaInfo for a video from ffprobe JSON; width/height are as displayed (rotation applied). */
export function mediaInfoFromFfprobe(j: FfprobeJson, base: { format: string; mime: string; sizeBytes: number }): MediaInfo {
  const v = mainVideoStream(j);
  const a = (j.streams ?? []).find((s) => s.codec_type === 'audio') ?? null;
  const rotation = v ? streamRotation(v) : 0;
  const fps = v ? (parseRate(v.avg_frame_rate) ?? parseRate(v.r_frame_rate)) : null;
  const durationSec = num(j.format?.duration) ?? num(v?.duration);
  const streams: StreamInfo[] = (j.streams ?? []).map((s, i) => ({
    index: s.index ?? i,
    type: STREAM_TYPES.includes(s.codec_type as StreamInfo['type']) ? (s.codec_type as StreamInfo['type']) : 'unknown',
    codec: s.codec_name ?? null,
    profile: s.profile ?? null,
    ...(s.width ? { width: s.width, height: s.height ?? 0 } : {}),
    pixFmt: s.pix_fmt ?? null,
    fps: s.codec_type === 'video' ? (parseRate(s.avg_frame_rate) ?? parseRate(s.r_frame_rate)) : null,
    bitRate: num(s.bit_rate),
    durationSec: num(s.duration),
    frameCount: num(s.nb_frames),
    sampleRate: num(s.sample_rate),
    channels: s.channels ?? null,
    tags: cleanTags(s.tags),
  }));
  const w = v?.width ?? 0;
  const h = v?.height ?? 0;
  const sar = v?.sample_aspect_ratio && /^\d+:\d+$/.test(v.sample_aspect_ratio) ? v.sample_aspect_ratio.split(':').map(Number) : null;
  // Non-square pixels (DV, some phones): the displayed width differs from the coded one.
  const dispW = sar && sar[0]! > 0 && sar[1]! > 0 ? Math.round((w * sar[0]!) / sar[1]!) : w;
  const swap = rotation === 90 || rotation === 270;
  return {
    kind: 'video',
    format: base.format,
    mime: base.mime,
    sizeBytes: base.sizeBytes,
    width: swap ? h : dispW,
    height: swap ? dispW : h,
    rotation,
    durationSec,
    fps,
    frameCount: v ? num(v.nb_frames) : null,
    bitRate: num(j.format?.bit_rate),
    container: j.format?.format_name ?? null,
    videoCodec: v?.codec_name ?? null,
    audioCodec: a?.codec_name ?? null,
    streams,
    tags: cleanTags(j.format?.tags),
    ...(v?.index !== undefined ? { videoStreamIndex: v.index } : {}),
  };
}
