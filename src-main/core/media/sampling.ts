/**
 * Which frames to extract, decided from the demuxed packet index (presentation order, key
 * flags) before anything is decoded, and how: seeking or decoding from the start. Pure.
 */
import type { SamplingStrategy } from '../../../src-shared/domain/media';

/** One frame of the main video stream, in presentation order. */
export interface FrameEntry {
  /** Seconds from the first frame of the stream. */
  timeSec: number;
  /** Absolute presentation time in seconds (container timeline). */
  ptsSec: number;
  key: boolean;
}

/**
 * Parse `ffprobe -show_entries packet=pts_time,dts_time,flags:format=start_time -of csv` output.
 * Raw elementary streams (.h264) carry no timestamps at all: their frames are then timed from
 * the frame rate in read order, and `timestamps` is false (seeking there is blind).
 */
export function parsePacketCsv(csv: string, fps?: number | null): { frames: FrameEntry[]; formatStart: number; timestamps: boolean } {
  const raw: { pts: number; key: boolean }[] = [];
  const untimed: boolean[] = [];
  let formatStart = 0;
  for (const line of csv.split(/\r?\n/)) {
    const cells = line.trim().split(',');
    if (cells[0] === 'format') {
      const v = Number(cells[1]);
      if (Number.isFinite(v)) formatStart = v;
      continue;
    }
    if (cells[0] !== 'packet') continue;
    const [, ptsS, dtsS, flags = ''] = cells;
    if (flags.includes('D')) continue; // discarded by an edit list: never shown
    const pts = Number(ptsS === 'N/A' ? dtsS : ptsS);
    if (!Number.isFinite(pts)) {
      if (ptsS === 'N/A' && dtsS === 'N/A') untimed.push(flags.includes('K'));
      continue;
    }
    raw.push({ pts, key: flags.includes('K') });
  }
  if (raw.length === 0 && untimed.length > 0) {
    const step = fps && fps > 0 ? 1 / fps : 1 / 25;
    return { frames: untimed.map((key, i) => ({ timeSec: round6(i * step), ptsSec: round6(i * step), key })), formatStart, timestamps: false };
  }
  raw.sort((a, b) => a.pts - b.pts);
  const t0 = raw[0]?.pts ?? 0;
  return { frames: raw.map((r) => ({ timeSec: round6(r.pts - t0), ptsSec: r.pts, key: r.key })), formatStart, timestamps: true };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Spread `n` picks evenly over `items` (keeps order, no duplicates). */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  if (n <= 0) return [];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.min(items.length - 1, Math.floor(((i + 0.5) * items.length) / n))]!);
  return out;
}

/**
 * Frame indices for a strategy that can be planned from the index alone (not 'scene',
 * which needs the pictures). Capped at maxFrames.
 */
export function planIndices(frames: readonly FrameEntry[], strategy: SamplingStrategy, maxFrames: number): number[] {
  const total = frames.length;
  if (total === 0) return [];
  const all = frames.map((_, i) => i);
  switch (strategy.kind) {
    case 'even': {
      const n = Math.max(1, Math.min(strategy.count, maxFrames, total));
      // Centre of each of n equal segments: never only the very first/last frame.
      return [...new Set(spread(all, n))];
    }
    case 'rate': {
      if (!(strategy.fps > 0)) return [0];
      const picks: number[] = [];
      let next = 0;
      for (let i = 0; i < total; i++) {
        if (frames[i]!.timeSec + 1e-6 >= next) {
          picks.push(i);
          next = Math.floor(frames[i]!.timeSec * strategy.fps + 1e-6) / strategy.fps + 1 / strategy.fps;
        }
      }
      return spread(picks, Math.min(strategy.max, maxFrames));
    }
    case 'keyframes': {
      const keys = all.filter((i) => frames[i]!.key);
      return spread(keys.length ? keys : [0], Math.min(strategy.max, maxFrames));
    }
    case 'scene':
      throw new Error('scene sampling is planned from decoded pictures (see pickScenes)');
  }
}

/** Index of the last keyframe at or before frame i (where a seek would start decoding). */
export function keyBefore(frames: readonly FrameEntry[], i: number): number {
  for (let k = i; k >= 0; k--) if (frames[k]!.key) return k;
  return 0;
}

/**
 * Decide seek vs sequential by decoded-frame cost. A seek decodes from the previous keyframe,
 * seeks are batched 8 to a process, and the first one landing past frame 0 is verified
 * against a decode from the start. A sequential pass decodes up to the last wanted frame.
 */
export function preferSeek(frames: readonly FrameEntry[], targets: readonly number[], processCost = 50, batch = 8): boolean {
  if (targets.length === 0) return false;
  const last = Math.max(...targets);
  const seq = last + 1 + processCost;
  let seek = Math.ceil(targets.length / batch) * processCost;
  for (const t of targets) seek += t - keyBefore(frames, t) + 1 + 2;
  const risky = targets.find((t) => keyBefore(frames, t) > 0);
  if (risky !== undefined) seek += risky + 1 + 2 * processCost;
  return seek < seq * 0.8;
}

/**
 * Scene-change picks from per-frame difference scores (0..1, score[i] compares frame i with
 * i-1): frame 0 always, then the strongest changes above the threshold, at most `max`.
 */
export function pickScenes(scores: readonly number[], threshold: number, max: number): number[] {
  if (scores.length === 0 || max <= 0) return [];
  const cand = scores
    .map((s, i) => ({ s, i }))
    .filter((c) => c.i > 0 && c.s >= threshold)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, max - 1)
    .map((c) => c.i);
  return [0, ...cand].sort((a, b) => a - b);
}
