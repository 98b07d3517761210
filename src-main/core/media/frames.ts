/**
 * Frame extraction with a recorded sampling strategy. Seeking is used when few frames are
 * needed, but only after checking that seeking returns the true pictures: on some files
 * (FaceForensics++ c40, intra-refresh streams) a keyframe is not a clean random-access
 * point, and a seek hands back grey/green garbage while decoding from the start is clean.
 * Any doubt falls back to sequential decoding, and the record says why.
 */
import path from 'node:path';
import type { MediaInfo, MetadataFlag, SamplingRecord, SamplingStrategy } from '../../../src-shared/domain/media';
import { DEFAULT_SETTINGS, type AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { decodeToFrames, meanAbsDiff, outputSize, type PipeRequest } from './frame-pipe';
import { decodeImage, type DecodedImage } from './image-decode';
import { ffInputOf, lastErrorLine, runTool } from './run-tool';
import { keyBefore, parsePacketCsv, pickScenes, planIndices, preferSeek, type FrameEntry } from './sampling';
import type { ResolvedTools } from './tools';
import { decoderComplaints } from './error-text';
import { timelineFlags } from './timeline-check';

export interface ExtractedFrame {
  index: number;
  timeSec: number;
  width: number;
  height: number;
  /** RGB24, row-major, width*height*3 bytes. */
  data: Buffer;
}

export interface ExtractOptions {
  strategy: SamplingStrategy;
  /** Longest side of the returned frames; omitted = full displayed size. */
  maxSide?: number;
  signal?: AbortSignal;
  /** For the whole extraction, all ffmpeg runs together. */
  timeoutMs?: number;
  limits?: Pick<AppSettings['limits'], 'maxFrames'>;
  /** Force a method (tests, bench); 'auto' picks by cost and checks seeking first. */
  method?: 'auto' | 'seek' | 'sequential';
  /** Refuse to hold more pixel memory than this (default 1.5 GiB). */
  maxBytes?: number;
  /** A still's picture, decoded whole and upright by an earlier stage of the same job (decodeImage without maxSide); used instead of decoding the file again when no maxSide is asked. */
  decoded?: () => Promise<DecodedImage>;
  /** Where another file appended to this one begins: its packets (which a demuxer may read on into) are not sampled. */
  endByte?: number;
}

/** Seeks per ffmpeg process: one input each, so the process start is paid once per batch. */
export const SEEK_BATCH = 8;

/**
 * Starting an ffmpeg process, in frames of this size it could have decoded meanwhile
 * (≈0.15 s of start-up against ≈2.5 ns per pixel of H.264 decoding).
 */
export function processCostFrames(pixels: number): number {
  return Math.min(1000, Math.max(10, Math.round(6e7 / Math.max(1, pixels))));
}

/** A seeked frame further than this (mean absolute difference, 0..255) from the true one is garbage. */
export const SEEK_TOLERANCE = 1.5;

/** The main video stream's frames in presentation order, from a demux-only ffprobe pass. */
export async function readFrameIndex(p: string, info: MediaInfo, tools: ResolvedTools, opts: { signal?: AbortSignal; timeoutMs?: number; endByte?: number }) {
  const sel = info.videoStreamIndex !== undefined ? String(info.videoStreamIndex) : 'v:0';
  const input = ffInputOf(p, opts.endByte);
  const r = await runTool(
    tools.ffprobe.path,
    ['-v', 'error', ...input.opts, '-select_streams', sel, '-show_entries', 'packet=pts_time,dts_time,flags:format=start_time', '-of', 'csv', input.arg],
    { what: 'frame index (ffprobe)', signal: opts.signal, timeoutMs: opts.timeoutMs, maxStdoutBytes: 512 * 1024 * 1024 },
  );
  if (r.code !== 0) throw new AppError('UNSUPPORTED_MEDIA', `Cannot index the frames of "${path.basename(p)}": ${lastErrorLine(r.stderr).replaceAll(input.arg, '(input)')}`);
  return parsePacketCsv(r.stdout.toString('utf8'), info.fps);
}

/** Per-frame scene-change scores (mean absolute luma difference of 64-px thumbnails, 0..1). */
async function sceneScores(p: string, info: MediaInfo, tools: ResolvedTools, total: number, o: RunCtx): Promise<number[]> {
  const small = outputSize(info, 64);
  const scores: number[] = [];
  let prev: Buffer | null = null;
  const onFrame = (f: Buffer) => {
    scores.push(prev ? meanAbsDiff(f, prev) / 255 : 1);
    prev = f;
  };
  await decodeToFrames(p, info, tools, { ...small, pixFmt: 'gray', maxFrames: total, onFrame, what: 'scene detection', signal: o.signal, timeoutMs: o.remaining(), ...(o.endByte !== undefined ? { endByte: o.endByte } : {}) });
  return scores;
}

interface RunCtx {
  signal?: AbortSignal;
  endByte?: number;
  remaining: () => number | undefined;
}

/** Where to put -ss so the first frame at or after it is exactly frame i: halfway from the previous one. */
function seekPoint(index: readonly FrameEntry[], formatStart: number, i: number): number {
  const cur = index[i]!;
  const prev = index[i - 1];
  const half = prev ? (cur.ptsSec - prev.ptsSec) / 2 : 0;
  return Math.max(0, cur.ptsSec - formatStart - half);
}

/** Extract frames by a strategy; RGB24 buffers sized by maxSide, rotation applied, with the sampling record. */
export async function extractFrames(p: string, info: MediaInfo, tools: ResolvedTools, opts: ExtractOptions): Promise<{ frames: ExtractedFrame[]; sampling: SamplingRecord }> {
  const maxFrames = opts.limits?.maxFrames ?? DEFAULT_SETTINGS.limits.maxFrames;
  if (info.kind === 'image') {
    const img = opts.decoded && !opts.maxSide ? await opts.decoded() : await decodeImage(p, info, { maxSide: opts.maxSide, tools });
    return {
      frames: [{ index: 0, timeSec: 0, width: img.width, height: img.height, data: img.data }],
      sampling: { strategy: opts.strategy, method: 'image', frames: [{ index: 0, timeSec: 0 }] },
    };
  }
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : null;
  const ctx: RunCtx = {
    signal: opts.signal,
    ...(opts.endByte !== undefined ? { endByte: opts.endByte } : {}),
    remaining: () => {
      if (deadline === null) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new AppError('TIMEOUT', `Frame extraction took longer than ${Math.round(opts.timeoutMs! / 1000)} s and was stopped.`);
      return left;
    },
  };
  const warnings: MetadataFlag[] = [];
  const { frames: index, formatStart, timestamps } = await readFrameIndex(p, info, tools, { signal: ctx.signal, timeoutMs: ctx.remaining(), ...(opts.endByte !== undefined ? { endByte: opts.endByte } : {}) });
  const total = index.length;
  if (total === 0) {
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `"${path.basename(p)}" has a video stream (${info.videoCodec ?? 'unknown codec'}${info.width ? `, ${info.width}×${info.height}` : ''}), but it holds no frames (an empty or cut-off recording); there are no pictures to analyse.`,
      { frameCount: info.frameCount },
    );
  }
  // An MP4 cut by an edit list declares every frame of its media but plays fewer, as many as its duration holds: not damage.
  const played = info.durationSec !== null && info.fps ? Math.round(info.durationSec * info.fps) : null;
  if (info.frameCount && total < info.frameCount * 0.98 && (played === null || total < played * 0.98)) {
    warnings.push({ code: 'TRUNCATED', severity: 'warning', message: `The container declares ${info.frameCount} frames but only ${total} are present: the file is truncated or damaged.` });
  }
  warnings.push(...timelineFlags(index, timestamps));
  const size = outputSize(info, opts.maxSide);
  const frameBytes = size.width * size.height * 3;

  const targets =
    opts.strategy.kind === 'scene'
      ? pickScenes(await sceneScores(p, info, tools, total, ctx), opts.strategy.threshold, Math.min(opts.strategy.max, maxFrames))
      : planIndices(index, opts.strategy, maxFrames);
  if (targets.length * frameBytes > (opts.maxBytes ?? 1.5 * 1024 ** 3)) {
    throw new AppError('LIMIT_EXCEEDED', `${targets.length} frames of ${size.width}×${size.height} would need ${((targets.length * frameBytes) / 1024 ** 3).toFixed(1)} GiB; sample fewer frames or a smaller size.`);
  }

  const method = !timestamps ? 'sequential' : opts.method && opts.method !== 'auto' ? opts.method : preferSeek(index, targets, processCostFrames(info.width * info.height)) ? 'seek' : 'sequential';
  let fallbackReason: string | undefined = !timestamps && opts.method === 'seek' ? 'the stream carries no timestamps (raw elementary stream): frames are counted from the start' : undefined;
  if (!timestamps) warnings.push({ code: 'NO_TIMESTAMPS', severity: 'notice', message: 'The stream carries no timestamps; frame times are computed from the frame rate.' });
  let seekCheck: SamplingRecord['seekCheck'];
  let data: Buffer[] | null = null;

  const run = (req: Omit<PipeRequest, 'width' | 'height' | 'what' | 'signal' | 'timeoutMs'>) =>
    decodeToFrames(p, info, tools, { ...req, ...size, what: 'frame extraction', signal: ctx.signal, timeoutMs: ctx.remaining(), ...(ctx.endByte !== undefined ? { endByte: ctx.endByte } : {}) });

  if (method === 'seek') {
    // Only seeks that land on a later keyframe can go wrong (one landing on frame 0 is a decode
    // from the start). The earliest such target, cheapest to decode from the start, is the probe:
    // its true picture is decoded alongside the first batch of seeks (which includes it).
    const risky = targets.filter((t) => keyBefore(index, t) > 0);
    const probeAt = risky[0];
    const got = new Map<number, Buffer>();
    const batches: number[][] = [];
    const rest = targets.filter((t) => t !== probeAt);
    if (probeAt !== undefined) batches.push([probeAt, ...rest.splice(0, SEEK_BATCH - 1)]);
    while (rest.length) batches.push(rest.splice(0, SEEK_BATCH));
    const seekBatch = async (batch: number[]) => {
      const r = await run({ seeksSec: batch.map((t) => seekPoint(index, formatStart, t)), maxFrames: batch.length });
      r.frames.forEach((f, k) => got.set(batch[k]!, f));
      if (r.decoderErrors.length) return `the decoder reported errors after seeking (${r.decoderErrors[0]})`;
      if (r.frames.length < batch.length) return `seeking returned ${r.frames.length} of ${batch.length} pictures`;
      return null;
    };
    for (const [bi, batch] of batches.entries()) {
      if (bi === 0 && probeAt !== undefined) {
        const [truthRun, problem] = await Promise.all([run({ select: [probeAt], maxFrames: 1 }), seekBatch(batch)]);
        const truth = truthRun.frames[0] ?? null;
        const seeked = got.get(probeAt) ?? null;
        const diff = truth && seeked ? meanAbsDiff(truth, seeked) : 255;
        const passed = diff <= SEEK_TOLERANCE && !problem;
        seekCheck = { frameIndex: probeAt, meanAbsDiff: Math.round(diff * 100) / 100, decoderErrors: !!problem && problem.startsWith('the decoder'), passed };
        if (!passed) {
          fallbackReason =
            `seeking is unreliable in this file: frame ${probeAt} fetched by seeking differs from the same frame decoded from the start ` +
            `(mean difference ${diff.toFixed(1)}/255${problem ? `; ${problem}` : ''}); keyframes are not clean random-access points`;
          break;
        }
        if (truth) got.set(probeAt, truth);
        continue;
      }
      const problem = await seekBatch(batch);
      if (problem) {
        fallbackReason = `${problem}; decoding from the start instead`;
        break;
      }
    }
    if (!fallbackReason) data = targets.map((t) => got.get(t)!);
  }
  if (!data) {
    const r = await run({ select: targets, maxFrames: targets.length });
    data = r.frames;
    if (r.decoderErrors.length) warnings.push({ code: 'DECODE_ERRORS', severity: 'warning', message: `The decoder reported damaged data ${decoderComplaints(r.decoderErrors)}.` });
    if (data.length < targets.length) warnings.push({ code: 'FRAMES_MISSING', severity: 'warning', message: `Only ${data.length} of ${targets.length} requested frames could be decoded.` });
  }
  if (data.length === 0) throw new AppError('UNSUPPORTED_MEDIA', `No frame of "${path.basename(p)}" could be decoded (damaged or truncated video).`);

  const frames: ExtractedFrame[] = data.map((buf, k) => ({ index: targets[k]!, timeSec: index[targets[k]!]!.timeSec, width: size.width, height: size.height, data: buf }));
  const sampling: SamplingRecord = {
    strategy: opts.strategy,
    method: data && !fallbackReason && method === 'seek' ? 'seek' : 'sequential',
    ...(fallbackReason ? { fallbackReason } : {}),
    frames: frames.map((f) => ({ index: f.index, timeSec: f.timeSec })),
    totalFrames: total,
    ...(seekCheck ? { seekCheck } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
  return { frames, sampling };
}

/** At most this many frames of the media an edit list hides are analysed. */
export const MAX_HIDDEN_FRAMES = 8;

/**
 * Frames from the parts of the video track that its edit list does not play (media seconds, from
 * mp4-structure.ts hiddenVideoOf), spread evenly over their total length: `count` seeks in one
 * ffmpeg run with the edit list ignored. Each frame's `timeSec` is its place in the media. Frames
 * that cannot be decoded are left out; an empty list means none could be.
 */
export async function extractHiddenFrames(
  p: string,
  info: MediaInfo,
  tools: ResolvedTools,
  spans: readonly (readonly [number, number])[],
  opts: { count: number; maxSide?: number; signal?: AbortSignal; timeoutMs?: number },
): Promise<{ frames: ExtractedFrame[]; decoderErrors: string[] }> {
  const total = spans.reduce((sum, [a, z]) => sum + Math.max(0, z - a), 0);
  const count = Math.max(0, Math.min(MAX_HIDDEN_FRAMES, Math.floor(opts.count)));
  if (total <= 0 || count === 0) return { frames: [], decoderErrors: [] };
  // The middle of each of `count` equal slices of the hidden time, mapped back into the spans.
  const times: number[] = [];
  for (let k = 0; k < count; k++) {
    let at = ((k + 0.5) / count) * total;
    for (const [a, z] of spans) {
      const len = Math.max(0, z - a);
      if (at <= len) {
        times.push(a + at);
        break;
      }
      at -= len;
    }
  }
  const size = outputSize(info, opts.maxSide);
  const decode = (seeksSec: number[]) => decodeToFrames(p, info, tools, { seeksSec, maxFrames: seeksSec.length, ignoreEditList: true, ...size, what: 'hidden-media frames', signal: opts.signal, timeoutMs: opts.timeoutMs });
  const fps = info.fps && info.fps > 0 ? info.fps : 25;
  const frame = (data: Buffer, t: number): ExtractedFrame => ({ index: Math.round(t * fps), timeSec: t, width: size.width, height: size.height, data });
  const r = await decode(times);
  if (r.frames.length === times.length) return { frames: r.frames.map((data, k) => frame(data, times[k]!)), decoderErrors: r.decoderErrors };
  // A seek that gave nothing leaves the rest unaligned with their times: one seek per run then, keeping those that decode.
  const frames: ExtractedFrame[] = [];
  const decoderErrors = [...r.decoderErrors];
  for (const t of times) {
    const one = await decode([t]).catch(() => null);
    if (one?.frames[0]) frames.push(frame(one.frames[0], t));
    if (one) decoderErrors.push(...one.decoderErrors);
  }
  return { frames, decoderErrors };
}
