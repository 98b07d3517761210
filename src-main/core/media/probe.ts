/**
 * Facts about a file before anything is decoded: ffprobe JSON for videos, header-only
 * metadata for images. Limits are enforced here, before decoding: a decompression bomb is
 * refused from its declared dimensions, an over-long video from its declared duration.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Metadata } from 'sharp';
import { sharp } from '../native';
import type { MediaIdentity, MediaInfo, MetadataFlag } from '../../../src-shared/domain/media';
import { DEFAULT_SETTINGS, type AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { cameraRawOf, describeCameraRaw, describePreview, previewBytes, type CameraRaw } from './camera-raw';
import { errorSummary, firstErrorLine } from './error-text';
import { mediaInfoFromFfprobe, mainVideoStream, type FfprobeJson } from './ffprobe-parse';
import { identify, readHead } from './identify';
import { readHeifHeader } from './heif';
import { readImageBytes } from './image-decode';
import { apngFrameCount, headerDimensions, jpegDimensions, type Dimensions } from './image-header';
import { ioError } from './input-path';
import { ffInputArg, runTool, SAFE_INPUT_OPTS } from './run-tool';
import type { ResolvedTools } from './tools';

export interface ProbeOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  limits?: AppSettings['limits'];
  /** Skip re-identifying when the caller already did. */
  identity?: MediaIdentity;
}

/** EXIF orientation → clockwise degrees to display upright. */
export function orientationDegrees(o: number | undefined): number {
  switch (o) {
    case 3:
    case 4:
      return 180;
    case 5:
    case 6:
      return 90;
    case 7:
    case 8:
      return 270;
    default:
      return 0;
  }
}

/** Refuse images whose declared pixel count exceeds the limit (decompression bombs). */
export function checkPixels(d: Dimensions, limits: Pick<AppSettings['limits'], 'maxImagePixels'>, name: string): void {
  const pixels = d.width * d.height;
  if (d.width <= 0 || d.height <= 0) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" declares an empty picture (${d.width}×${d.height}).`);
  if (pixels > limits.maxImagePixels) {
    throw new AppError(
      'LIMIT_EXCEEDED',
      `"${name}" declares ${d.width}×${d.height} pixels (${(pixels / 1e6).toFixed(0)} MP), over the ${(limits.maxImagePixels / 1e6).toFixed(0)} MP limit; it was not decoded (possible decompression bomb).`,
      { width: d.width, height: d.height, limit: limits.maxImagePixels },
    );
  }
}

function identityWarnings(id: MediaIdentity, name: string): MetadataFlag[] {
  if (!id.extensionMismatch) return [];
  return [
    {
      code: 'EXTENSION_MISMATCH',
      severity: 'warning',
      message: `"${name}" is named .${id.claimedExtension} but its content is ${id.format.toUpperCase()}; it was analysed as ${id.format.toUpperCase()}.`,
    },
  ];
}

/**
 * A camera raw file's picture is its largest rendered preview (camera-raw.ts): its header read by sharp,
 * with IFD0's orientation (which applies to every image of the file). Refused when it embeds none.
 */
async function rawPreviewMeta(bytes: Buffer, raw: CameraRaw, name: string, limits: AppSettings['limits']): Promise<Metadata> {
  if (!raw.previews.length) {
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `"${name}" is a camera raw file (${describeCameraRaw(raw)}) with no preview MediaGuard can decode, only undeveloped sensor data. ` +
        'MediaGuard does not develop raw sensor data: develop the file to TIFF or JPEG with a raw converter and analyse that copy (the raw file stays the evidence; its hashes identify it).',
      { cameraRaw: describeCameraRaw(raw) },
    );
  }
  const p = raw.previews[0]!;
  checkPixels(p.dir, limits, name);
  let m: Metadata | null = null;
  if (p.coding === 'jpeg') {
    try {
      m = await sharp(previewBytes(bytes, p), { limitInputPixels: false, failOn: 'none' }).metadata();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new AppError('UNSUPPORTED_MEDIA', `"${name}" is a camera raw file (${describeCameraRaw(raw)}) whose ${p.dir.width}×${p.dir.height} JPEG preview (${p.dir.where}) is damaged: ${firstErrorLine(msg)}`, {
        cameraRaw: describeCameraRaw(raw),
        decoder: errorSummary(msg),
      });
    }
  }
  return { format: 'tiff', width: m?.width ?? p.dir.width, height: m?.height ?? p.dir.height, channels: 3, space: 'srgb', depth: 'uchar', pages: 1, orientation: raw.orientation } as unknown as Metadata;
}

/** MediaInfo tags of a camera raw file. */
function rawTags(raw: CameraRaw): Record<string, string> {
  const p = raw.previews[0]!;
  return {
    cameraRaw: describeCameraRaw(raw),
    analysedPreview: describePreview(p),
    rawPreviews: String(raw.previews.length),
  };
}

async function probeImage(p: string, id: MediaIdentity, sizeBytes: number, limits: AppSettings['limits']): Promise<MediaInfo> {
  const name = path.basename(p);
  const declared = id.format === 'jpeg' ? await jpegDimensions(p).catch(() => null) : headerDimensions(id.format, await readHead(p, 64));
  if (declared) checkPixels(declared, limits, name);
  let meta: Metadata;
  let raw: CameraRaw | null = null;
  let animation = 'The image has';
  if (id.format === 'bmp') {
    // This sharp build has no BMP reader (decoded by ffmpeg instead): the header is all we need.
    if (!declared) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" has a damaged BMP header.`);
    meta = { format: 'bmp', width: declared.width, height: declared.height, channels: 3, space: 'srgb' } as unknown as Metadata;
  } else if (id.format === 'heif') {
    // HEVC-coded HEIF is not in this sharp build: libheif (WebAssembly) reads the header.
    const h = readHeifHeader(await readImageBytes(p), name);
    meta = { format: 'heif', width: h.width, height: h.height, channels: h.hasAlpha ? 4 : 3, space: 'srgb', pages: h.images } as unknown as Metadata;
  } else try {
    // Header only: sharp does not decode pixels for metadata().
    const bytes = await readImageBytes(p);
    raw = id.format === 'tiff' ? cameraRawOf(bytes) : null;
    meta = raw ? await rawPreviewMeta(bytes, raw, name, limits) : await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
    // libvips reads an APNG as its first (default) image and says nothing of the animation.
    const apng = id.format === 'png' && !(meta.pages && meta.pages > 1) ? apngFrameCount(bytes) : null;
    if (apng !== null && apng > 1) {
      meta.pages = apng;
      animation = 'The image is an animated PNG (APNG) with';
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new AppError('UNSUPPORTED_MEDIA', `"${name}" looks like ${id.format.toUpperCase()} but its header cannot be read: ${firstErrorLine(msg)}`, { format: id.format, decoder: errorSummary(msg) });
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  checkPixels({ width: w, height: h }, limits, name);
  const rotation = orientationDegrees(meta.orientation);
  const swap = rotation === 90 || rotation === 270;
  const warnings = identityWarnings(id, name);
  if (raw) {
    const p = raw.previews[0]!;
    warnings.push({
      code: 'CAMERA_RAW',
      severity: 'warning',
      message:
        `"${name}" is a camera raw file (${describeCameraRaw(raw)}). MediaGuard does not develop raw sensor data: what was analysed is the ` +
        `${p.dir.width}×${p.dir.height} ${p.coding === 'jpeg' ? 'JPEG' : 'RGB'} preview the file embeds (${p.dir.where}), as the camera or raw converter rendered it. ` +
        'An edit made to the sensor data and not rendered into this preview is not seen.',
    });
  }
  if ((meta.pages ?? 1) > 1) {
    const message = id.format === 'heif' ? `The HEIF file holds ${meta.pages} pictures; only its primary picture is analysed.` : `${animation} ${meta.pages} frames; only the first is analysed.`;
    warnings.push({ code: 'MULTI_FRAME_IMAGE', severity: 'info', message });
  }
  return {
    kind: 'image',
    format: id.format,
    mime: raw?.dngVersion ? 'image/x-adobe-dng' : id.mime,
    sizeBytes,
    width: swap ? h : w,
    height: swap ? w : h,
    rotation,
    durationSec: null,
    fps: null,
    frameCount: meta.pages ?? 1,
    bitRate: null,
    container: meta.format ?? id.format,
    videoCodec: null,
    audioCodec: null,
    streams: [
      {
        index: 0,
        type: 'video',
        codec: meta.format ?? id.format,
        width: w,
        height: h,
        pixFmt: [meta.space, meta.channels ? `${meta.channels}ch` : null, meta.depth].filter(Boolean).join(' ') || null,
      },
    ],
    tags: Object.fromEntries(
      Object.entries({
        space: meta.space,
        channels: meta.channels,
        depth: meta.depth,
        density: meta.density,
        hasAlpha: meta.hasAlpha,
        progressive: meta.isProgressive,
        orientation: meta.orientation,
        chromaSubsampling: meta.chromaSubsampling,
        hasProfile: meta.hasProfile,
        ...(raw ? rawTags(raw) : {}),
      })
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => [k, String(v)]),
    ),
    warnings,
  };
}

/** Run ffprobe and return its JSON; UNSUPPORTED_MEDIA with ffprobe's reason when it cannot read the file. */
export async function ffprobeJson(p: string, tools: ResolvedTools, opts: { signal?: AbortSignal; timeoutMs?: number; extra?: string[] } = {}): Promise<FfprobeJson> {
  const r = await runTool(tools.ffprobe.path, ['-v', 'error', ...SAFE_INPUT_OPTS, '-print_format', 'json', '-show_format', '-show_streams', ...(opts.extra ?? []), ffInputArg(p)], {
    what: 'ffprobe',
    signal: opts.signal,
    timeoutMs: opts.timeoutMs ?? 60_000,
    maxStdoutBytes: 64 * 1024 * 1024,
  });
  const cleaned = r.stderr
    .split(/\r?\n/)
    .map((l) => l.replaceAll(ffInputArg(p), '').replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '').replace(/^:\s*/, ''))
    .join('\n');
  const why = errorSummary(cleaned, { lines: 3, from: 'end', max: 400 });
  if (r.code !== 0) {
    throw new AppError('UNSUPPORTED_MEDIA', `"${path.basename(p)}" cannot be read as a video: ${why || `ffprobe exited with ${r.code}`} (damaged, truncated or not a video).`, {
      ffprobe: why,
    });
  }
  try {
    return JSON.parse(r.stdout.toString('utf8')) as FfprobeJson;
  } catch {
    throw new AppError('UNSUPPORTED_MEDIA', `ffprobe gave an unreadable answer for "${path.basename(p)}".`);
  }
}

/** Whether a stream has at least one packet (reads one packet only); null when ffprobe cannot say. */
async function hasPackets(p: string, tools: ResolvedTools, streamIndex: number, opts: ProbeOptions): Promise<boolean | null> {
  try {
    const r = await runTool(
      tools.ffprobe.path,
      ['-v', 'error', ...SAFE_INPUT_OPTS, '-select_streams', String(streamIndex), '-read_intervals', '%+#1', '-show_entries', 'packet=size', '-of', 'csv=p=0', ffInputArg(p)],
      { what: 'ffprobe', signal: opts.signal, timeoutMs: Math.min(opts.timeoutMs ?? 30_000, 30_000), maxStdoutBytes: 1024 * 1024 },
    );
    if (r.code !== 0) return null;
    return r.stdout.toString('utf8').trim().length > 0;
  } catch (e) {
    if (e instanceof AppError && e.code === 'CANCELLED') throw e;
    return null;
  }
}

async function probeVideo(p: string, id: MediaIdentity, sizeBytes: number, tools: ResolvedTools, opts: ProbeOptions, limits: AppSettings['limits']): Promise<MediaInfo> {
  const name = path.basename(p);
  const j = await ffprobeJson(p, tools, opts);
  const v = mainVideoStream(j);
  if (!v) {
    const kinds = [...new Set((j.streams ?? []).map((s) => (s.codec_type === 'video' && s.disposition?.attached_pic ? 'cover picture' : (s.codec_type ?? 'unknown'))))];
    // A video stream of unknown picture size: ffprobe could not decode one frame of it.
    const empty = (j.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
    if (empty) {
      const packets = await hasPackets(p, tools, empty.index ?? 0, opts);
      const why =
        packets === false
          ? 'it holds no frames at all (an empty or cut-off recording)'
          : packets
            ? 'it holds data, but not one frame of it decodes to a picture (damaged stream)'
            : 'not one frame of it could be read or decoded';
      throw new AppError('UNSUPPORTED_MEDIA', `"${name}" has a video stream (${empty.codec_name ?? 'unknown codec'}), but ${why}; there are no pictures to analyse.`, {
        streams: kinds,
        videoStream: empty.index ?? null,
        ...(packets !== null ? { hasPackets: packets } : {}),
      });
    }
    throw new AppError('UNSUPPORTED_MEDIA', `"${name}" has no video stream${kinds.length ? ` (only ${kinds.join(', ')})` : ''}; there are no pictures to analyse.`, {
      streams: kinds,
    });
  }
  if (!v.codec_name) throw new AppError('UNSUPPORTED_MEDIA', `The video stream of "${name}" uses a codec ffmpeg does not know.`);
  const format = id.format === 'mp4' && j.format?.tags?.major_brand?.trim() === 'qt' ? 'mov' : id.format;
  const info = mediaInfoFromFfprobe(j, { format, mime: id.mime, sizeBytes });
  if (info.durationSec !== null && info.durationSec > limits.maxVideoSeconds) {
    throw new AppError('LIMIT_EXCEEDED', `"${name}" lasts ${Math.round(info.durationSec)} s, over the ${limits.maxVideoSeconds} s video limit in Settings.`, {
      durationSec: info.durationSec,
      limit: limits.maxVideoSeconds,
    });
  }
  info.warnings = identityWarnings({ ...id, format }, name);
  if (info.durationSec === null) info.warnings.push({ code: 'NO_DURATION', severity: 'notice', message: 'The container does not state a duration (stream may be incomplete).' });
  return info;
}

/** Probe a file (already checked with checkInputPath); AppError for unsupported, damaged or over-limit media. */
export async function probe(p: string, tools: ResolvedTools, opts: ProbeOptions = {}): Promise<MediaInfo> {
  const limits = opts.limits ?? DEFAULT_SETTINGS.limits;
  const id = opts.identity ?? (await identify(p, { tools, signal: opts.signal }));
  let sizeBytes: number;
  try {
    sizeBytes = (await fs.promises.stat(p)).size;
  } catch (e) {
    throw ioError(e, p, 'read');
  }
  switch (id.kind) {
    case 'image':
      return probeImage(p, id, sizeBytes, limits);
    case 'video':
      return probeVideo(p, id, sizeBytes, tools, opts, limits);
  }
}
