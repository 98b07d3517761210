/**
 * Classic forensic layers, shown as evidence beside the model verdicts (they do not vote):
 * - error-level analysis: re-save as JPEG at a known quality and show where the picture
 *   changes most; regions pasted in from another source often recompress differently;
 * - noise residual: the picture minus its local prediction (a Laplacian); spliced or
 *   synthesised regions often carry a different noise texture than the camera's.
 * Both are computed at full resolution (downscaling first would erase exactly these traces),
 * and only the finished map is shrunk for display. libvips encodes, decodes, converts to luma
 * and shrinks; the per-pixel arithmetic is done here in one pass each (typed-array loops),
 * which is both exact — libvips' 'difference' composite came out one level low on many
 * pixels (a third of them on the benchmark photo) — and cheaper than a composite or two
 * convolutions over 12 megapixels (see README "Performance").
 */
import { sharp } from '../native';
import type { RgbImage } from './types';

const rawOf = (img: RgbImage) => ({ input: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), raw: { width: img.width, height: img.height, channels: 3 as const } });

/** Stretch so the 99.5th percentile maps to white (a few outliers must not flatten the map). */
function stretch(data: Uint8Array): number {
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]!]!++;
  let sum = 0;
  for (let v = 1; v < 256; v++) sum += v * hist[v]!;
  let seen = 0;
  let p = 255;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen >= 0.995 * data.length) {
      p = Math.max(1, v);
      break;
    }
  }
  const gain = 255 / p;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.round(v * gain));
  for (let i = 0; i < data.length; i++) data[i] = lut[data[i]!]!;
  return sum / Math.max(1, data.length);
}

/**
 * |a − b| per byte into out (all the same length). Four bytes at a time in 32-bit words
 * (SIMD within a register, no borrow crossing bytes) when the views are word-aligned; exact
 * for every pair of byte values.
 */
export function absDiff(a: Uint8Array, b: Uint8Array, out: Uint8Array): void {
  if (a.length !== b.length || out.length !== a.length) throw new RangeError('absDiff: lengths differ');
  let j = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const n4 = a.length >>> 2;
    const A = new Uint32Array(a.buffer, a.byteOffset, n4);
    const B = new Uint32Array(b.buffer, b.byteOffset, n4);
    const O = new Uint32Array(out.buffer, out.byteOffset, n4);
    for (let i = 0; i < n4; i++) {
      const x = A[i]!;
      const y = B[i]!;
      // Per-byte x − y mod 256, then the borrow out of each byte's top bit (set where x < y).
      const d = ((x | 0x80808080) - (y & 0x7f7f7f7f)) ^ ((x ^ ~y) & 0x80808080);
      const lo = ((((~x & y) | (~(x ^ y) & d)) & 0x80808080) >>> 7) >>> 0;
      // Where x < y the byte holds 256 − |x − y|: negate it (complement + 1, never carries).
      O[i] = (d ^ (lo * 255)) + lo;
    }
    j = n4 << 2;
  }
  for (; j < a.length; j++) {
    const d = a[j]! - b[j]!;
    out[j] = d < 0 ? -d : d;
  }
}

/** Error-level map |image − JPEG(image, quality)|, shown at most maxSide wide, contrast-stretched. */
export async function errorLevel(img: RgbImage, opts: { quality?: number; maxSide?: number } = {}): Promise<{ image: RgbImage; meanError: number }> {
  const src = rawOf(img);
  const jpeg = await sharp(src.input, { raw: src.raw }).jpeg({ quality: opts.quality ?? 90, chromaSubsampling: '4:4:4' }).toBuffer();
  const resaved = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  if (resaved.info.width !== img.width || resaved.info.height !== img.height || resaved.info.channels !== 3) {
    throw new Error(`error-level analysis: the re-saved picture came back ${resaved.info.width}×${resaved.info.height}×${resaved.info.channels}`);
  }
  const max = opts.maxSide ?? 1600;
  const diff = Buffer.allocUnsafe(src.input.length);
  absDiff(src.input, resaved.data, diff);
  const { data, info } = await sharp(diff, { raw: src.raw })
    .resize({ width: max, height: max, fit: 'inside', withoutEnlargement: true, kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const meanError = stretch(data);
  return { image: { width: info.width, height: info.height, data }, meanError };
}

/** libvips hands single-band results back as sRGB (three equal bands): keep band 0. */
function band0(r: { data: Buffer; info: { width: number; height: number; channels: number } }): Buffer {
  if (r.info.channels === 1) return r.data;
  const out = Buffer.alloc(r.info.width * r.info.height);
  for (let i = 0; i < out.length; i++) out[i] = r.data[i * r.info.channels]!;
  return out;
}

/** round(|s| / 4) for every s in −1020…1020 (the Laplacian's range on 8-bit input: never above 255). */
const QUARTER_ABS = (() => {
  const t = new Uint8Array(2041);
  for (let s = -1020; s <= 1020; s++) t[s + 1020] = (Math.abs(s) + 2) >> 2;
  return t;
})();

/**
 * Laplacian magnitude round(|4·x − (N + S + E + W)| / 4) of a w×h grey image; pixels on the
 * border use the nearest pixel inside for their missing neighbours (a convolution with copied
 * edges). Rounds to nearest where libvips' integer convolution truncated.
 */
export function laplacianMagnitude(grey: Uint8Array, w: number, h: number): Uint8Array {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || grey.length !== w * h) throw new RangeError('laplacianMagnitude: size mismatch');
  const out = new Uint8Array(w * h);
  const edge = (x: number, y: number) => {
    const at = (xx: number, yy: number) => grey[Math.min(h - 1, Math.max(0, yy)) * w + Math.min(w - 1, Math.max(0, xx))]!;
    out[y * w + x] = QUARTER_ABS[1020 + 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1)]!;
  };
  for (let x = 0; x < w; x++) {
    edge(x, 0);
    if (h > 1) edge(x, h - 1);
  }
  for (let y = 1; y < h - 1; y++) {
    const r = y * w;
    edge(0, y);
    if (w > 1) edge(w - 1, y);
    // The interior, without bound checks: this loop is the whole cost (12 M pixels for 12 MP).
    for (let i = r + 1, end = r + w - 1; i < end; i++) {
      out[i] = QUARTER_ABS[1020 + 4 * grey[i]! - grey[i - 1]! - grey[i + 1]! - grey[i - w]! - grey[i + w]!]!;
    }
  }
  return out;
}

/** Noise residual |4·x − (N + S + E + W)| / 4 of the luma, shown at most maxSide wide, contrast-stretched. */
export async function noiseResidual(img: RgbImage, opts: { maxSide?: number } = {}): Promise<RgbImage> {
  const src = rawOf(img);
  const grey = band0(await sharp(src.input, { raw: src.raw }).greyscale().raw().toBuffer({ resolveWithObject: true }));
  const g = { raw: { width: img.width, height: img.height, channels: 1 as const } };
  const mag = laplacianMagnitude(grey, img.width, img.height);
  const max = opts.maxSide ?? 1600;
  const small = await sharp(mag, g).resize({ width: max, height: max, fit: 'inside', withoutEnlargement: true, kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
  const info = small.info;
  const stretched = band0(small);
  stretch(stretched);
  const rgb = new Uint8Array(info.width * info.height * 3);
  for (let i = 0, j = 0; i < stretched.length; i++, j += 3) {
    const v = stretched[i]!;
    rgb[j] = v;
    rgb[j + 1] = v;
    rgb[j + 2] = v;
  }
  return { width: info.width, height: info.height, data: rgb };
}
