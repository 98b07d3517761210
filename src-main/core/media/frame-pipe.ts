/**
 * ffmpeg → rawvideo RGB24 over stdout → one preallocated Buffer per frame. Chunks are
 * copied straight into the frame being filled (no per-chunk concatenation), and scaling
 * and rotation happen inside ffmpeg so only the pixels the models need cross the pipe.
 */
import type { MediaInfo } from '../../../src-shared/domain/media';
import { AppError } from '../../../src-shared/result';
import { ffInputArg, ffInputOf, runTool } from './run-tool';
import type { ResolvedTools } from './tools';

/** Output size: the displayed picture fitted inside maxSide (never enlarged). */
export function outputSize(info: Pick<MediaInfo, 'width' | 'height'>, maxSide?: number): { width: number; height: number } {
  const w = Math.max(1, info.width);
  const h = Math.max(1, info.height);
  if (!maxSide || maxSide <= 0 || Math.max(w, h) <= maxSide) return { width: w, height: h };
  const s = maxSide / Math.max(w, h);
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

/**
 * Collects a rawvideo byte stream into whole frames of a fixed size. With onFrame, frames are
 * handed over as they complete and not kept (two buffers alternate), so a pass over a
 * four-hour video holds two small frames, not all of them.
 */
export class FrameCollector {
  readonly frames: Buffer[] = [];
  private current: Buffer | null = null;
  private filled = 0;
  private count = 0;
  private spare: Buffer | null = null;
  private prev: Buffer | null = null;
  constructor(
    private readonly frameBytes: number,
    private readonly maxFrames: number,
    private readonly onFrame?: (frame: Buffer, index: number) => void,
  ) {}

  /** Copy a chunk into the frames; throws if ffmpeg sends more frames than were asked for. */
  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (!this.current) {
        if (this.count >= this.maxFrames) throw new AppError('INTERNAL', `ffmpeg sent more than the ${this.maxFrames} frames requested`);
        this.current = this.onFrame && this.spare ? this.spare : Buffer.allocUnsafe(this.frameBytes);
        this.filled = 0;
      }
      const n = Math.min(this.frameBytes - this.filled, chunk.length - off);
      chunk.copy(this.current, this.filled, off, off + n);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        if (this.onFrame) {
          this.onFrame(this.current, this.count);
          // The caller may keep the previous frame until the next one completes.
          const done = this.current;
          this.current = null;
          this.spare = this.prev;
          this.prev = done;
        } else {
          this.frames.push(this.current);
          this.current = null;
        }
        this.count++;
      }
    }
  }

  /** Frames completed so far. */
  get frameCount(): number {
    return this.count;
  }

  /** Bytes of an incomplete last frame (a clean run ends with 0). */
  get partialBytes(): number {
    return this.current ? this.filled : 0;
  }
}

/** '-fps_mode' arrived in ffmpeg 5.1; older builds only know '-vsync'. Git builds are new. */
export function passthroughArgs(version: string): string[] {
  const m = /^n?(\d+)\.(\d+)/i.exec(version);
  if (m && (Number(m[1]) < 5 || (Number(m[1]) === 5 && Number(m[2]) < 1))) return ['-vsync', 'passthrough'];
  return ['-fps_mode', 'passthrough'];
}

/** Lines in which a decoder (not the muxer or the CLI) complains. */
export function decoderErrorLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n/)
    .filter((l) => /^\[(h264|hevc|mpeg4|mpeg2video|mpeg1video|vp8|vp9|av1|libdav1d|mjpeg|msmpeg4v\d|h263|theora|prores|dvvideo|vc1|wmv\d)\s@\s/i.test(l.trim()))
    .map((l) => l.trim().slice(0, 200));
}

export interface PipeRequest {
  /**
   * Input-side seeks (seconds on the container timeline, relative to its start): one input per
   * seek, one frame from each, all in one process. Omitted = decode from the start.
   */
  seeksSec?: readonly number[];
  /** Select these presentation-order frame numbers (sorted, unique); only without seeks. */
  select?: readonly number[];
  maxFrames: number;
  /** Read the whole of an MP4's media, ignoring its edit list (seeks are then in media time): for the part playback skips. */
  ignoreEditList?: boolean;
  /** Read only the file's first bytes, up to where another file appended to it begins. */
  endByte?: number;
  width: number;
  height: number;
  pixFmt?: 'rgb24' | 'gray';
  /** Stream frames to this callback instead of keeping them (the buffer is reused after the next frame). */
  onFrame?: (frame: Buffer, index: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  what: string;
}

/**
 * A select-filter expression true exactly on the given frame numbers. Runs of consecutive
 * frames become between(); terms are summed as a balanced tree, because ffmpeg's expression
 * parser refuses a flat sum of a hundred-odd terms.
 */
export function selectExpr(frames: readonly number[]): string {
  const sorted = [...new Set(frames)].sort((a, b) => a - b);
  const terms: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    terms.push(i === j ? `eq(n\\,${sorted[i]})` : `between(n\\,${sorted[i]}\\,${sorted[j]})`);
    i = j + 1;
  }
  const tree = (t: string[]): string => (t.length === 1 ? t[0]! : `(${tree(t.slice(0, t.length >> 1))}+${tree(t.slice(t.length >> 1))})`);
  return terms.length ? tree(terms) : '0';
}

/** The ffmpeg argument list for a request (exported for tests: no shell, file: inputs). */
export function decodeArgs(p: string, info: MediaInfo, tools: ResolvedTools, req: PipeRequest): string[] {
  const stream = info.videoStreamIndex !== undefined ? String(info.videoStreamIndex) : 'v:0';
  // Autorotation runs before these filters, so the size asked for is the displayed one.
  const scale = `scale=${req.width}:${req.height}:flags=area,setsar=1`;
  const common = ['-nostdin', '-hide_banner', '-v', 'error'];
  const input = ffInputOf(p, req.endByte);
  const tail = [...passthroughArgs(tools.ffmpeg.version), '-frames:v', String(req.maxFrames), '-pix_fmt', req.pixFmt ?? 'rgb24', '-f', 'rawvideo', 'pipe:1'];
  if (req.seeksSec && req.seeksSec.length > 0) {
    const editList = req.ignoreEditList ? ['-ignore_editlist', '1'] : [];
    const inputs = req.seeksSec.flatMap((t) => [...input.opts, ...editList, '-ss', t.toFixed(6), '-i', input.arg]);
    const n = req.seeksSec.length;
    const chains = req.seeksSec.map((_, i) => `[${i}:${stream}]trim=end_frame=1,${scale}[v${i}]`);
    const graph = n === 1 ? chains[0]!.replace('[v0]', '[out]') : `${chains.join(';')};${req.seeksSec.map((_, i) => `[v${i}]`).join('')}concat=n=${n}:v=1:a=0[out]`;
    return [...common, ...inputs, '-filter_complex', graph, '-map', '[out]', ...tail];
  }
  const filters: string[] = [];
  if (req.select) filters.push(`select='${selectExpr(req.select)}'`);
  filters.push(scale);
  return [...common, ...input.opts, '-i', input.arg, '-map', `0:${stream}`, '-an', '-sn', '-dn', '-vf', filters.join(','), ...tail];
}

/** Run one ffmpeg decode into frame buffers; returns the frames and the decoders' complaints. */
export async function decodeToFrames(p: string, info: MediaInfo, tools: ResolvedTools, req: PipeRequest): Promise<{ frames: Buffer[]; decoderErrors: string[] }> {
  const channels = req.pixFmt === 'gray' ? 1 : 3;
  const collector = new FrameCollector(req.width * req.height * channels, req.maxFrames, req.onFrame);
  const args = decodeArgs(p, info, tools, req);
  const r = await runTool(tools.ffmpeg.path, args, { what: req.what, signal: req.signal, timeoutMs: req.timeoutMs, onStdout: (c) => collector.push(c) });
  if (r.code !== 0 && collector.frameCount === 0) {
    const why = r.stderr.split(/\r?\n/).filter(Boolean).slice(-1)[0] ?? `exit ${r.code}`;
    throw new AppError('UNSUPPORTED_MEDIA', `ffmpeg could not decode the video: ${why.replaceAll(ffInputOf(p, req.endByte).arg, '(input)').replaceAll(ffInputArg(p), '(input)').slice(0, 300)}`);
  }
  return { frames: collector.frames, decoderErrors: decoderErrorLines(r.stderr) };
}

/** Mean absolute difference of two equal-size pixel buffers (0..255). */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) return 255;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
