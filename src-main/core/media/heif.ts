/**
 * HEIC/HEIF pictures (the iPhone's default since iOS 11) through libheif compiled to
 * WebAssembly (libheif-js, LGPL-3.0, with libde265 for HEVC): this build of sharp/libvips reads
 * AVIF but not HEVC-coded HEIF. Each call instantiates its own libheif module (≈5 ms), so a
 * hostile file that trips the decoder leaves nothing behind for the next one and the
 * WebAssembly memory (which never shrinks) is given back with the module.
 *
 * The picture comes out upright: libheif applies the file's own transforms (irot/imir/clap),
 * which in HEIF govern the display orientation; an EXIF Orientation tag inside a HEIF file is
 * informational only (ISO/IEC 23008-12) and is not applied again.
 */
import { AppError } from '../../../src-shared/result';
import { libheifModule, type LibHeif, type LibHeifError, type LibHeifHandle } from '../native';
import type { DecodedImage } from './image-decode';
import { heifThumbnailIds } from './isobmff';

export interface HeifHeader {
  /** Display size of the primary image (after the file's rotation/mirror/crop transforms). */
  width: number;
  height: number;
  /** Top-level images in the file (bursts, collections); only the primary one is analysed. */
  images: number;
  hasAlpha: boolean;
}

type Open = { lib: LibHeif; ctx: unknown; handle: LibHeifHandle; images: number };

function libheifMessage(e: { message?: string } | null | undefined): string {
  const m = String(e?.message ?? '').trim();
  return m || 'unknown libheif error';
}

/** Turn libheif's words into the app's error, naming the file. */
function heifError(name: string, message: string): AppError {
  if (/compression format has not been built in|unsupported codec|unsupported feature/i.test(message)) {
    return new AppError('UNSUPPORTED_MEDIA', `"${name}" is a HEIF image coded in a way this build cannot decode: ${message}`, { decoder: message });
  }
  if (/security limit|exceeds|too large/i.test(message)) {
    return new AppError('LIMIT_EXCEEDED', `"${name}" is over the HEIF decoder's safety limits; it was not decoded: ${message}`, { decoder: message });
  }
  return new AppError('UNSUPPORTED_MEDIA', `"${name}" is a damaged or truncated HEIF image: ${message}`, { decoder: message });
}

/** What libheif-js gives instead of a handle when it has none. */
const isError = (h: LibHeifHandle | LibHeifError | null | undefined): h is LibHeifError | null | undefined => !h || 'code' in h;

function open(bytes: Buffer, name: string): Open {
  const lib = libheifModule()();
  const ctx = lib.heif_context_alloc();
  if (!ctx) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" could not be read: the HEIF decoder could not start.`);
  try {
    const err = lib.heif_context_read_from_memory(ctx, bytes);
    if (err.code !== lib.heif_error_Ok) throw heifError(name, libheifMessage(err));
    const ids = lib.heif_js_context_get_list_of_top_level_image_IDs(ctx);
    if (!Array.isArray(ids) || ids.length === 0) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" is a HEIF file with no picture in it.`);
    let handle = lib.heif_js_context_get_primary_image_handle(ctx);
    if (isError(handle)) handle = lib.heif_js_context_get_image_handle(ctx, ids[0]!);
    if (isError(handle)) throw heifError(name, libheifMessage(handle));
    return { lib, ctx, handle, images: ids.length };
  } catch (e) {
    lib.heif_context_free(ctx);
    if (e instanceof AppError) throw e;
    throw heifError(name, e instanceof Error ? e.message : String(e));
  }
}

function close(o: Open): void {
  try {
    o.lib.heif_image_handle_release(o.handle);
  } finally {
    o.lib.heif_context_free(o.ctx);
  }
}

/** The primary image's size and the file's image count, without decoding any pixels. */
export function readHeifHeader(bytes: Buffer, name: string): HeifHeader {
  const o = open(bytes, name);
  try {
    return {
      width: o.lib.heif_image_handle_get_width(o.handle),
      height: o.lib.heif_image_handle_get_height(o.handle),
      images: o.images,
      hasAlpha: !!o.lib.heif_image_handle_has_alpha_channel(o.handle),
    };
  } finally {
    close(o);
  }
}

/** A handle's picture as RGB24 (8 bits; deeper files are scaled down by libheif, alpha dropped), its size checked against maxPixels first. */
function decodeHandle(lib: LibHeif, handle: LibHeifHandle, name: string, maxPixels: number): DecodedImage {
  const width = lib.heif_image_handle_get_width(handle);
  const height = lib.heif_image_handle_get_height(handle);
  if (!(width > 0 && height > 0)) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" declares an empty HEIF picture (${width}×${height}).`);
  if (width * height > maxPixels) throw new AppError('LIMIT_EXCEEDED', `"${name}" is larger than the image pixel limit; it was not decoded.`);
  let img: ReturnType<LibHeif['heif_js_decode_image2']>;
  try {
    img = lib.heif_js_decode_image2(handle, lib.heif_colorspace_RGB, lib.heif_chroma_interleaved_RGB);
  } catch (e) {
    // A trap inside the WebAssembly decoder (out-of-bounds access, abort) on a hostile bitstream.
    throw heifError(name, e instanceof Error ? e.message : String(e));
  }
  if (!img || !Array.isArray(img.channels)) throw heifError(name, libheifMessage(img as { message?: string }));
  try {
    const ch = img.channels.find((c) => c.id === lib.heif_channel_interleaved);
    if (!ch || ch.width !== width || ch.height !== height || ch.stride < width * 3 || ch.data.length < ch.stride * (height - 1) + width * 3) {
      throw heifError(name, `the decoder returned an unexpected plane (${ch ? `${ch.width}×${ch.height}, stride ${ch.stride}` : 'none'})`);
    }
    const data = Buffer.allocUnsafe(width * height * 3);
    const row = width * 3;
    if (ch.stride === row) data.set(ch.data.subarray(0, row * height));
    else for (let y = 0; y < height; y++) data.set(ch.data.subarray(y * ch.stride, y * ch.stride + row), y * row);
    return { width, height, data };
  } finally {
    if (img.image) lib.heif_image_release(img.image);
  }
}

/**
 * The primary image as RGB24 (8 bits; deeper files are scaled down by libheif, alpha dropped).
 * maxPixels is checked on the display size before any pixel is decoded.
 */
export function decodeHeif(bytes: Buffer, name: string, maxPixels: number): DecodedImage {
  const o = open(bytes, name);
  try {
    return decodeHandle(o.lib, o.handle, name, maxPixels);
  } finally {
    close(o);
  }
}

/**
 * The primary picture's thumbnail, as the file stores it beside the picture (a `thmb` item —
 * iPhones write one; their EXIF carries none), turned by the thumbnail's own transforms; null when
 * the file has none. The first one when there are several. Errors as decodeHeif.
 */
export function decodeHeifThumbnail(bytes: Buffer, name: string, maxPixels: number): DecodedImage | null {
  const ids = heifThumbnailIds(bytes);
  if (!ids.length) return null;
  const o = open(bytes, name);
  try {
    const h = o.lib.heif_js_context_get_image_handle(o.ctx, ids[0]!);
    if (isError(h)) throw heifError(name, libheifMessage(h));
    try {
      return decodeHandle(o.lib, h, `${name} (thumbnail)`, maxPixels);
    } finally {
      o.lib.heif_image_handle_release(h);
    }
  } finally {
    close(o);
  }
}
