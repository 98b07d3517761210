/**
 * A picture as the sensor-noise comparison reads it: luminance (0–255, float) at full
 * resolution, in the orientation the file stores (no EXIF turn: a camera writes its sensor's
 * rows and says how to turn them), and the central region a fingerprint covers.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import type { AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { decodeImage } from '../media/image-decode';
import { checkInputPath, ioError } from '../media/input-path';
import { sniff } from '../media/sniff';
import type { Plane } from '../analysis/prnu';

/**
 * Largest side of a fingerprint's area, the central region of the frame it is estimated over and
 * the sensor-noise map covers (a power of two: the filters use FFTs). 2048 covers 35 % of a 12 MP
 * frame; fingerprints made before it grew from 1024 keep their smaller area and still compare.
 */
export const CAMERA_AREA_MAX = 2048;
/** Largest side of the central region the match test (PCE) correlates, within the area: a match costs the same whatever the area. */
export const CAMERA_CROP_MAX = 1024;
/** Smallest side: below it the sensor noise of one picture is too little to compare. */
export const CAMERA_CROP_MIN = 256;

/** A decoded picture's luminance and what identifies it. */
export interface GreyPicture {
  name: string;
  path: string;
  sha256: string;
  format: string;
  make: string | null;
  model: string | null;
  width: number;
  height: number;
  /** width × height luminance values, row-major, stored orientation. */
  data: Float32Array;
  /** The EXIF orientation (1–8) a viewer turns the stored rows by; 1 when none is stated. */
  orientation: number;
}

export type Turn = 0 | 90 | 180 | 270;

type Rect = { x: number; y: number; w: number; h: number };

/** The area a fingerprint of a picture this size covers: a power-of-two central crop, at most CAMERA_AREA_MAX a side. */
export function cropFor(width: number, height: number): Rect | null {
  const side = (n: number) => Math.min(CAMERA_AREA_MAX, 2 ** Math.floor(Math.log2(n)));
  if (width < CAMERA_CROP_MIN || height < CAMERA_CROP_MIN) return null;
  const w = side(width);
  const h = side(height);
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), w, h };
}

/** The central part of a fingerprint's area (frame pixels) the match test correlates: at most CAMERA_CROP_MAX a side, powers of two kept. */
export function pceCrop(area: Rect): Rect {
  const w = Math.min(area.w, CAMERA_CROP_MAX);
  const h = Math.min(area.h, CAMERA_CROP_MAX);
  return { x: area.x + ((area.w - w) >> 1), y: area.y + ((area.h - h) >> 1), w, h };
}

/** The values of `part` (frame pixels, inside `area`) out of a plane over `area`. */
export function subPlane(values: Float32Array, area: Rect, part: Rect): Float32Array {
  if (values.length !== area.w * area.h) throw new RangeError(`subPlane: ${values.length} values for a ${area.w}×${area.h} area`);
  if (part.x < area.x || part.y < area.y || part.x + part.w > area.x + area.w || part.y + part.h > area.y + area.h) throw new RangeError('subPlane: the part lies outside the area');
  if (part.w === area.w && part.h === area.h) return values;
  const out = new Float32Array(part.w * part.h);
  for (let y = 0; y < part.h; y++) {
    const o = (part.y - area.y + y) * area.w + (part.x - area.x);
    out.set(values.subarray(o, o + part.w), y * part.w);
  }
  return out;
}

/** The size of a picture turned clockwise by `turn`. */
export function turnedSize(width: number, height: number, turn: Turn): { width: number; height: number } {
  return turn === 90 || turn === 270 ? { width: height, height: width } : { width, height };
}

/**
 * The crop of the picture turned clockwise by `turn` (the crop in the turned picture's
 * coordinates), read straight from the stored rows.
 */
export function cropTurned(pic: Pick<GreyPicture, 'width' | 'height' | 'data'>, turn: Turn, crop: { x: number; y: number; w: number; h: number }): Plane {
  const { width: W, height: H, data: src } = pic;
  const t = turnedSize(W, H, turn);
  if (crop.x < 0 || crop.y < 0 || crop.x + crop.w > t.width || crop.y + crop.h > t.height) throw new RangeError('crop outside the turned picture');
  const out = new Float32Array(crop.w * crop.h);
  for (let j = 0; j < crop.h; j++) {
    const Y = crop.y + j;
    for (let i = 0; i < crop.w; i++) {
      const X = crop.x + i;
      let x: number;
      let y: number;
      switch (turn) {
        case 90:
          x = Y;
          y = H - 1 - X;
          break;
        case 180:
          x = W - 1 - X;
          y = H - 1 - Y;
          break;
        case 270:
          x = W - 1 - Y;
          y = X;
          break;
        default:
          x = X;
          y = Y;
      }
      out[j * crop.w + i] = src[y * W + x]!;
    }
  }
  return { width: crop.w, height: crop.h, data: out };
}

/** Luminance (Rec. 601 weights, as the reference implementation's rgb2gray) of RGB24 rows. */
export function luminance(rgb: Uint8Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = 0.299 * rgb[j]! + 0.587 * rgb[j + 1]! + 0.114 * rgb[j + 2]!;
  return out;
}

/** First string of an EXIF field, trimmed; null when absent. */
function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.replace(/\0+$/, '').trim();
  return t ? t.slice(0, 200) : null;
}

/**
 * Read a picture file for the sensor-noise comparison. Refuses (AppError) what is not a
 * picture, what cannot be decoded and what exceeds the limits, naming the file.
 */
export async function readGreyPicture(p: string, limits: Pick<AppSettings['limits'], 'maxFileBytes' | 'maxImagePixels'>): Promise<GreyPicture> {
  const checked = await checkInputPath(path.resolve(p), limits);
  const name = path.basename(checked.path);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(checked.path);
  } catch (e) {
    throw ioError(e, checked.path, 'read');
  }
  const s = sniff(bytes.subarray(0, 4096));
  if (s.kind === 'refused') throw new AppError('UNSUPPORTED_MEDIA', `"${name}": ${s.reason}.`);
  if (s.kind !== 'image') throw new AppError('UNSUPPORTED_MEDIA', `"${name}" is not a picture; camera fingerprints are made from and compared with still pictures.`);
  if (s.format === 'bmp' || s.format === 'gif') throw new AppError('UNSUPPORTED_MEDIA', `"${name}" is ${s.format.toUpperCase()}, which no camera writes; its sensor noise cannot be compared.`);
  const decoded = await decodeImage(checked.path, { format: s.format, width: 0, height: 0 }, { limits, stored: true, bytes });
  let make: string | null = null;
  let model: string | null = null;
  let orientation = 1;
  try {
    const tags = (await exifr.parse(bytes, { pick: ['Make', 'Model', 'Orientation'], translateValues: false })) as Record<string, unknown> | undefined;
    make = text(tags?.Make);
    model = text(tags?.Model);
    const o = Number(tags?.Orientation);
    if (Number.isInteger(o) && o >= 1 && o <= 8) orientation = o;
  } catch {
    // no readable EXIF: the make and model stay unknown
  }
  return {
    name,
    path: checked.path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    format: s.format,
    make,
    model,
    width: decoded.width,
    height: decoded.height,
    data: luminance(decoded.data, decoded.width, decoded.height),
    orientation,
  };
}
