/**
 * Identify a file by its content — magic bytes, then ffprobe for containers the bytes do
 * not settle — and compare with what its name claims. The extension is never trusted.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MediaIdentity } from '../../../src-shared/domain/media';
import { AppError } from '../../../src-shared/result';
import { ioError } from './input-path';
import { ffInputArg, lastErrorLine, runTool, SAFE_INPUT_OPTS } from './run-tool';
import { extensionOf, FORMAT_MIME, isExtensionMismatch, sniff } from './sniff';
import type { ResolvedTools } from './tools';

const HEAD_BYTES = 4096;

/** The first bytes of a file (fewer when the file is shorter). */
export async function readHead(p: string, n = HEAD_BYTES): Promise<Buffer> {
  let fh: fs.promises.FileHandle | null = null;
  try {
    fh = await fs.promises.open(p, 'r');
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw ioError(e, p, 'read');
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** ffprobe demuxer names → our format names (only demuxers that carry real video). */
export function formatFromDemuxer(formatName: string): string | null {
  const names = formatName.split(',');
  const first = names[0] ?? '';
  if (names.includes('mov') || names.includes('mp4')) return 'mp4';
  if (names.includes('matroska') || names.includes('webm')) return 'matroska';
  const map: Record<string, string> = { avi: 'avi', mpegts: 'mpegts', mpeg: 'mpeg', mpegvideo: 'mpeg', flv: 'flv', asf: 'asf', ogg: 'ogg', h264: 'h264', hevc: 'hevc', m4v: 'mpeg4', ivf: 'ivf', nut: 'nut', mxf: 'mxf', rm: 'rm' };
  return map[first] ?? null;
}

interface FfprobeFormatAnswer {
  format?: { format_name?: string; probe_score?: number };
  streams?: { codec_type?: string; disposition?: { attached_pic?: number } }[];
}

/** Ask ffprobe what an unknown container is; only a confident answer with a picture stream counts. */
async function ffprobeIdentify(p: string, tools: ResolvedTools, signal?: AbortSignal): Promise<{ format: string } | { refused: string }> {
  const r = await runTool(tools.ffprobe.path, ['-v', 'error', ...SAFE_INPUT_OPTS, '-print_format', 'json', '-show_format', '-show_streams', ffInputArg(p)], {
    what: 'ffprobe',
    timeoutMs: 30_000,
    signal,
    maxStdoutBytes: 16 * 1024 * 1024,
  });
  if (r.code !== 0) {
    const why = lastErrorLine(r.stderr).replaceAll(ffInputArg(p), '').replace(/^:\s*/, '');
    return { refused: `neither its bytes nor ffprobe recognise it as an image or a video (${why || 'unknown format'})` };
  }
  let j: FfprobeFormatAnswer;
  try {
    j = JSON.parse(r.stdout.toString('utf8')) as FfprobeFormatAnswer;
  } catch {
    return { refused: 'ffprobe gave an unreadable answer' };
  }
  // Below 51 the demuxer matched on the file name alone (AVPROBE_SCORE_EXTENSION = 50): not evidence.
  const score = j.format?.probe_score ?? 0;
  const fmt = formatFromDemuxer(j.format?.format_name ?? '');
  const hasVideo = (j.streams ?? []).some((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!fmt || score <= 50) return { refused: 'its content is not a recognised image or video format' };
  if (!hasVideo) return { refused: `it is a ${fmt} file with no video stream (audio only?)` };
  return { format: fmt };
}

/** Identify by content; throws AppError('UNSUPPORTED_MEDIA') with the reason when it is neither an image nor a video. */
export async function identify(p: string, opts: { tools?: ResolvedTools; signal?: AbortSignal } = {}): Promise<MediaIdentity> {
  const head = await readHead(p);
  const name = path.basename(p);
  const claimedExtension = extensionOf(name);
  const s = sniff(head);
  let kind: MediaIdentity['kind'];
  let format: string;
  if (s.kind === 'refused') throw new AppError('UNSUPPORTED_MEDIA', `"${name}" cannot be analysed: ${s.reason}.`, { reason: s.reason });
  if (s.kind === 'unknown') {
    if (!opts.tools) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" cannot be analysed: its content is not a recognised image or video format.`);
    const answer = await ffprobeIdentify(p, opts.tools, opts.signal);
    if ('refused' in answer) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" cannot be analysed: ${answer.refused}.`, { reason: answer.refused });
    kind = 'video';
    format = answer.format;
  } else {
    kind = s.kind;
    format = s.format;
  }
  return {
    kind,
    format,
    mime: FORMAT_MIME[format] ?? (kind === 'video' ? 'video/octet-stream' : 'application/octet-stream'),
    claimedExtension,
    extensionMismatch: isExtensionMismatch(format, claimedExtension),
  };
}
