/**
 * Decode an image to RGB24 with sharp: first frame of animations, EXIF orientation applied,
 * alpha dropped, greyscale/CMYK converted to sRGB, pixel limit enforced by libvips too.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Sharp } from 'sharp';
import { sharp } from '../native';
import type { MediaInfo } from '../../../src-shared/domain/media';
import { DEFAULT_SETTINGS, type AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { cameraRawOf, orientationSteps, previewBytes, type CameraRaw } from './camera-raw';
import { errorSummary, firstErrorLine } from './error-text';
import { FrameCollector, outputSize } from './frame-pipe';
import { decodeHeif } from './heif';
import { ioError } from './input-path';
import { ffInputArg, lastErrorLine, runTool, SAFE_INPUT_OPTS } from './run-tool';
import type { ResolvedTools } from './tools';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGB24, row-major. */
  data: Buffer;
}

/**
 * The image file's bytes, for sharp. Given a path, libvips memory-maps the file and keeps the
 * mapping in its operation cache after the call returns, which would pin the evidence (a
 * removable drive could not be ejected, Windows could not move the file). Image files are
 * bounded by the size limit, so reading them whole is cheap.
 */
export async function readImageBytes(p: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(p);
  } catch (e) {
    throw ioError(e, p, 'read');
  }
}

/** Turn a sharp/libvips failure into a clear UNSUPPORTED_MEDIA or LIMIT_EXCEEDED. */
export function sharpError(e: unknown, name: string, format: string): AppError {
  const msg = e instanceof Error ? e.message : String(e);
  const first = firstErrorLine(msg);
  const details = { decoder: errorSummary(msg) };
  if (/pixel limit|exceeds pixel limit/i.test(msg)) return new AppError('LIMIT_EXCEEDED', `"${name}" is larger than the image pixel limit; it was not decoded.`);
  if (/premature end|truncated|unexpected end|end of (file|stream)|corrupt|not enough|read error|out of order|bad huffman|invalid|VipsJpeg|decode/i.test(msg)) {
    return new AppError('UNSUPPORTED_MEDIA', `"${name}" is a damaged or truncated ${format.toUpperCase()} image: ${first}`, details);
  }
  if (/unsupported|no decoder|not a known|codec/i.test(msg)) {
    return new AppError('UNSUPPORTED_MEDIA', `"${name}" is ${format.toUpperCase()}, which this build cannot decode: ${first}`, details);
  }
  return new AppError('UNSUPPORTED_MEDIA', `"${name}" could not be decoded as ${format.toUpperCase()}: ${first}`, details);
}

/** BMP (which this sharp build cannot read) through ffmpeg's content-probed bmp demuxer. */
async function decodeBmp(p: string, info: Pick<MediaInfo, 'width' | 'height'>, tools: ResolvedTools, maxSide?: number): Promise<DecodedImage> {
  const size = outputSize(info, maxSide);
  const collector = new FrameCollector(size.width * size.height * 3, 1);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', ...SAFE_INPUT_OPTS, '-f', 'bmp_pipe', '-i', ffInputArg(p), '-frames:v', '1', '-vf', `scale=${size.width}:${size.height}:flags=area`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
  const r = await runTool(tools.ffmpeg.path, args, { what: 'BMP decoding', timeoutMs: 60_000, onStdout: (c) => collector.push(c) });
  const frame = collector.frames[0];
  if (!frame) throw new AppError('UNSUPPORTED_MEDIA', `"${path.basename(p)}" is a damaged BMP image: ${lastErrorLine(r.stderr).replaceAll(ffInputArg(p), '(input)')}`);
  return { ...size, data: frame };
}

/** HEIC/HEIF (HEVC, which this sharp build cannot read) through libheif; resized by sharp like the rest. */
async function decodeHeifFile(p: string, limit: number, maxSide?: number, bytes?: Buffer): Promise<DecodedImage> {
  const full = decodeHeif(bytes ?? (await readImageBytes(p)), path.basename(p), limit);
  if (!maxSide || maxSide <= 0 || (full.width <= maxSide && full.height <= maxSide)) return full;
  const { data, info } = await sharp(full.data, { raw: { width: full.width, height: full.height, channels: 3 }, limitInputPixels: limit })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/**
 * The largest rendered preview of a camera raw file (camera-raw.ts), as sharp input (a JPEG stream
 * or RGB24 rows), with the file's IFD0 orientation applied.
 */
function rawPreviewImage(bytes: Buffer, raw: CameraRaw, limit: number): Sharp {
  const p = raw.previews[0];
  if (!p) throw new Error('no decodable preview');
  const data = previewBytes(bytes, p);
  let img = p.coding === 'jpeg' ? sharp(data, { limitInputPixels: limit, failOn: 'truncated' }) : sharp(data, { raw: { width: p.dir.width, height: p.dir.height, channels: 3 }, limitInputPixels: limit });
  const o = orientationSteps(raw.orientation);
  if (o.flip) img = img.flip();
  if (o.flop) img = img.flop();
  if (o.rotate) img = img.rotate(o.rotate);
  return img;
}

/**
 * Decode to RGB24, fitted inside maxSide (never enlarged). BMP needs tools (decoded by ffmpeg); HEIF goes through libheif.
 * `stored`: keep the pixels as the file stores them (no EXIF orientation applied; sensor noise is compared that
 * way) — for pictures sharp decodes; HEIF and camera-raw previews still come out upright. `bytes`: the file's
 * bytes, already read by the caller (what was hashed is then what is decoded); not for BMP.
 */
export async function decodeImage(
  p: string,
  info: Pick<MediaInfo, 'format' | 'width' | 'height'>,
  opts: { maxSide?: number; limits?: Pick<AppSettings['limits'], 'maxImagePixels'>; tools?: ResolvedTools; stored?: boolean; bytes?: Buffer } = {},
): Promise<DecodedImage> {
  const limit = opts.limits?.maxImagePixels ?? DEFAULT_SETTINGS.limits.maxImagePixels;
  if (info.format === 'bmp') {
    if (info.width * info.height > limit) throw new AppError('LIMIT_EXCEEDED', `"${path.basename(p)}" is larger than the image pixel limit; it was not decoded.`);
    if (!opts.tools) throw new AppError('FFMPEG_MISSING', 'BMP images are decoded with ffmpeg; pass the resolved tools.');
    return decodeBmp(p, info, opts.tools, opts.maxSide);
  }
  if (info.format === 'heif') return decodeHeifFile(p, limit, opts.maxSide, opts.bytes);
  try {
    // failOn 'truncated': a cut-off file is an error, not a half-grey picture handed to detectors.
    const bytes = opts.bytes ?? (await readImageBytes(p));
    // A camera raw's first directory is a small preview or sensor data: its largest rendered preview is the picture (probe says so).
    const raw = info.format === 'tiff' ? cameraRawOf(bytes) : null;
    const plain = (): Sharp => sharp(bytes, { limitInputPixels: limit, failOn: 'truncated', pages: 1, page: 0, sequentialRead: true });
    let img = raw ? rawPreviewImage(bytes, raw, limit) : opts.stored ? plain() : plain().rotate();
    if (opts.maxSide && opts.maxSide > 0) img = img.resize({ width: opts.maxSide, height: opts.maxSide, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' });
    const { data, info: out } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (out.channels !== 3) throw new Error(`unexpected channel count ${out.channels}`);
    return { width: out.width, height: out.height, data };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw sharpError(e, path.basename(p), info.format);
  }
}
