/**
 * Pixel operations on RGB24 buffers in plain TypeScript: resampling (box prefilter then
 * bilinear, so large downscales do not alias), affine crops, and model input tensors.
 * Kept dependency-free so the worker can run them on raw ffmpeg frames without copies.
 */
import type { ModelInputSpec } from '../../../src-shared/domain/models';
import type { RgbImage } from './types';

/** Affine map from output pixel (u,v) to source point: x = a·u + b·v + c, y = d·u + e·v + f. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

/** Average k×k blocks (integer downscale); the fast anti-aliasing step before bilinear. */
export function boxDownscale(img: RgbImage, k: number): RgbImage {
  if (k <= 1) return img;
  const w = Math.max(1, Math.floor(img.width / k));
  const h = Math.max(1, Math.floor(img.height / k));
  const out = new Uint8Array(w * h * 3);
  const acc = new Uint32Array(w * 3);
  const n = k * k;
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let dy = 0; dy < k; dy++) {
      const row = (y * k + dy) * img.width * 3;
      for (let x = 0; x < w; x++) {
        let p = row + x * k * 3;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let dx = 0; dx < k; dx++, p += 3) {
          r += img.data[p]!;
          g += img.data[p + 1]!;
          b += img.data[p + 2]!;
        }
        acc[x * 3] = acc[x * 3]! + r;
        acc[x * 3 + 1] = acc[x * 3 + 1]! + g;
        acc[x * 3 + 2] = acc[x * 3 + 2]! + b;
      }
    }
    const o = y * w * 3;
    for (let i = 0; i < w * 3; i++) out[o + i] = Math.round(acc[i]! / n);
  }
  return { width: w, height: h, data: out };
}

/** Sample an output image through an affine map with bilinear interpolation; outside is black. */
export function affineSample(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  if (m.b === 0 && m.d === 0) return axisSample(img, m, outW, outH);
  const out = new Uint8Array(outW * outH * 3);
  const { width: W, height: H, data } = img;
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      // Pixel centres: map the centre of output pixel (u,v) to source coordinates.
      const x = m.a * (u + 0.5) + m.b * (v + 0.5) + m.c - 0.5;
      const y = m.d * (u + 0.5) + m.e * (v + 0.5) + m.f - 0.5;
      const o = (v * outW + u) * 3;
      if (x < -1 || y < -1 || x > W || y > H) continue;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const xa = Math.min(W - 1, Math.max(0, x0));
      const xb = Math.min(W - 1, Math.max(0, x0 + 1));
      const ya = Math.min(H - 1, Math.max(0, y0));
      const yb = Math.min(H - 1, Math.max(0, y0 + 1));
      const p00 = (ya * W + xa) * 3;
      const p01 = (ya * W + xb) * 3;
      const p10 = (yb * W + xa) * 3;
      const p11 = (yb * W + xb) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c]! * (1 - fx) + data[p01 + c]! * fx;
        const bot = data[p10 + c]! * (1 - fx) + data[p11 + c]! * fx;
        out[o + c] = Math.round(top * (1 - fy) + bot * fy);
      }
    }
  }
  return { width: outW, height: outH, data: out };
}

/**
 * affineSample for a map without rotation or shear (every whole-frame resize, and the
 * supersampling step of 'area'), with the per-column and per-row terms computed once instead
 * of per pixel. The arithmetic is the same expression for expression, so the output is
 * identical byte for byte (tests/unit/analysis/image-ops.test.ts); it is 2–3× faster, which
 * matters for a 1280×720 frame brought to a detector input every sampled frame.
 */
function axisSample(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const out = new Uint8Array(outW * outH * 3);
  const { width: W, height: H, data } = img;
  const colA = new Int32Array(outW);
  const colB = new Int32Array(outW);
  const fxs = new Float64Array(outW);
  const inX = new Uint8Array(outW);
  for (let u = 0; u < outW; u++) {
    const x = m.a * (u + 0.5) + m.b * 0.5 + m.c - 0.5;
    if (x < -1 || x > W) continue;
    inX[u] = 1;
    const x0 = Math.floor(x);
    fxs[u] = x - x0;
    colA[u] = Math.min(W - 1, Math.max(0, x0)) * 3;
    colB[u] = Math.min(W - 1, Math.max(0, x0 + 1)) * 3;
  }
  for (let v = 0; v < outH; v++) {
    const y = m.d * 0.5 + m.e * (v + 0.5) + m.f - 0.5;
    if (y < -1 || y > H) continue;
    const y0 = Math.floor(y);
    const fy = y - y0;
    const gy = 1 - fy;
    const rowA = Math.min(H - 1, Math.max(0, y0)) * W * 3;
    const rowB = Math.min(H - 1, Math.max(0, y0 + 1)) * W * 3;
    let o = v * outW * 3;
    for (let u = 0; u < outW; u++, o += 3) {
      if (!inX[u]) continue;
      const fx = fxs[u]!;
      const gx = 1 - fx;
      const p00 = rowA + colA[u]!;
      const p01 = rowA + colB[u]!;
      const p10 = rowB + colA[u]!;
      const p11 = rowB + colB[u]!;
      out[o] = Math.round((data[p00]! * gx + data[p01]! * fx) * gy + (data[p10]! * gx + data[p11]! * fx) * fy);
      out[o + 1] = Math.round((data[p00 + 1]! * gx + data[p01 + 1]! * fx) * gy + (data[p10 + 1]! * gx + data[p11 + 1]! * fx) * fy);
      out[o + 2] = Math.round((data[p00 + 2]! * gx + data[p01 + 2]! * fx) * gy + (data[p10 + 2]! * gx + data[p11 + 2]! * fx) * fy);
    }
  }
  return { width: outW, height: outH, data: out };
}

/**
 * Resample the source region mapped by m into outW×outH, box-filtering first when the map
 * shrinks by 2× or more (bilinear alone would alias fine detail away or into noise).
 */
export function resampleRegion(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const scale = Math.min(Math.hypot(m.a, m.d), Math.hypot(m.b, m.e));
  const k = Math.floor(scale);
  if (k < 2) return affineSample(img, m, outW, outH);
  const small = boxDownscale(img, k);
  const sx = small.width / img.width;
  const sy = small.height / img.height;
  return affineSample(small, { a: m.a * sx, b: m.b * sx, c: m.c * sx, d: m.d * sy, e: m.e * sy, f: m.f * sy }, outW, outH);
}

/**
 * How a model's inputs were resampled in training (manifest `input.interpolation`):
 * 'bilinear' = plain bilinear (OpenCV INTER_LINEAR, no anti-aliasing); 'area' = pixel-area
 * averaging (OpenCV INTER_AREA): exact for axis-aligned shrinks (areaResizeAxis), and
 * approximated by supersampling then box-averaging for rotated crops and enlargements;
 * absent = box prefilter for 2× and larger shrinks.
 */
export type Interpolation = 'bilinear' | 'area' | undefined;

/** The interpolation a manifest asks for. */
export function interpolationOf(spec: ModelInputSpec): Interpolation {
  const v = (spec as { interpolation?: unknown }).interpolation;
  return v === 'bilinear' || v === 'area' ? v : undefined;
}

/** Source pixels an output cell [lo, lo + step) covers, with their coverage weights (sum = 1 inside the image). */
function areaTaps(outN: number, step: number, offset: number, srcN: number): { start: Int32Array; count: Int32Array; w: Float64Array; stride: number } {
  const stride = Math.ceil(step) + 2;
  const start = new Int32Array(outN);
  const count = new Int32Array(outN);
  const w = new Float64Array(outN * stride);
  for (let u = 0; u < outN; u++) {
    const lo = offset + u * step;
    const hi = lo + step;
    const i0 = Math.max(0, Math.floor(lo));
    const i1 = Math.min(srcN, Math.ceil(hi));
    start[u] = i0;
    let n = 0;
    for (let i = i0; i < i1 && n < stride; i++, n++) w[u * stride + n] = (Math.min(hi, i + 1) - Math.max(lo, i)) / step;
    count[u] = Math.max(0, n);
  }
  return { start, count, w, stride };
}

/**
 * Exact pixel-area averaging (OpenCV INTER_AREA) for a shrinking map without rotation or
 * shear: every output pixel is the coverage-weighted mean of the source pixels under it
 * (outside the image counts as black). Separable, so each source pixel is read about once:
 * a 1280×720 frame to a 384 detector input costs a few milliseconds, and it is the resize
 * the detector was evaluated with in training/ (cv2.INTER_AREA).
 */
export function areaResizeAxis(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const { width: W, height: H, data } = img;
  const cols = areaTaps(outW, m.a, m.c, W);
  const rows = areaTaps(outH, m.e, m.f, H);
  const out = new Uint8Array(outW * outH * 3);
  const line = new Float64Array(outW * 3);
  const acc = new Float64Array(outW * 3);
  for (let v = 0; v < outH; v++) {
    acc.fill(0);
    for (let t = 0; t < rows.count[v]!; t++) {
      const y = rows.start[v]! + t;
      const wy = rows.w[v * rows.stride + t]!;
      const rowOff = y * W * 3;
      for (let u = 0; u < outW; u++) {
        let r = 0;
        let g = 0;
        let b = 0;
        const base = u * cols.stride;
        let p = rowOff + cols.start[u]! * 3;
        for (let k = 0; k < cols.count[u]!; k++, p += 3) {
          const wx = cols.w[base + k]!;
          r += data[p]! * wx;
          g += data[p + 1]! * wx;
          b += data[p + 2]! * wx;
        }
        line[u * 3] = r;
        line[u * 3 + 1] = g;
        line[u * 3 + 2] = b;
      }
      for (let i = 0; i < outW * 3; i++) acc[i] = acc[i]! + line[i]! * wy;
    }
    const o = v * outW * 3;
    for (let i = 0; i < outW * 3; i++) out[o + i] = Math.min(255, Math.round(acc[i]!));
  }
  return { width: outW, height: outH, data: out };
}

/** Resample through m with the given interpolation. */
export function sample(img: RgbImage, m: Affine, outW: number, outH: number, interp: Interpolation): RgbImage {
  if (interp === 'bilinear') return affineSample(img, m, outW, outH);
  if (interp === 'area' && m.b === 0 && m.d === 0 && m.a >= 1 && m.e >= 1) return areaResizeAxis(img, m, outW, outH);
  if (interp === 'area') {
    const scale = Math.max(Math.hypot(m.a, m.d), Math.hypot(m.b, m.e));
    const k = Math.min(4, Math.ceil(scale - 1e-6));
    if (k <= 1) return affineSample(img, m, outW, outH);
    const fine = affineSample(img, { a: m.a / k, b: m.b / k, c: m.c, d: m.d / k, e: m.e / k, f: m.f }, outW * k, outH * k);
    return boxDownscale(fine, k);
  }
  return resampleRegion(img, m, outW, outH);
}

/** Plain resize of a whole image. */
export function resize(img: RgbImage, w: number, h: number, interp?: Interpolation): RgbImage {
  return sample(img, { a: img.width / w, b: 0, c: 0, d: 0, e: img.height / h, f: 0 }, w, h, interp);
}

/** How a whole frame was placed into a model input, to map outputs back to frame pixels. */
export interface Placement {
  /** frame x = (input x − ox) · sx, frame y = (input y − oy) · sy; offsets 0 when anchored top-left. */
  sx: number;
  sy: number;
  ox?: number;
  oy?: number;
}

/** The w×h region at (x, y) of an image (inside it), pixels copied as they are. */
export function cropRegion(img: RgbImage, r: { x: number; y: number; w: number; h: number }): RgbImage {
  const data = new Uint8Array(r.w * r.h * 3);
  for (let y = 0; y < r.h; y++) data.set(img.data.subarray(((r.y + y) * img.width + r.x) * 3, ((r.y + y) * img.width + r.x + r.w) * 3), y * r.w * 3);
  return { width: r.w, height: r.h, data };
}

/** The central min(w, width) × min(h, height) region of an image, pixels copied as they are. */
export function centerCrop(img: RgbImage, w: number, h: number): RgbImage {
  const cw = Math.min(w, img.width);
  const ch = Math.min(h, img.height);
  return cropRegion(img, { x: (img.width - cw) >> 1, y: (img.height - ch) >> 1, w: cw, h: ch });
}

/** Fit a frame into w×h: stretched, or aspect-preserving and anchored top-left with black padding. */
export function placeFrame(
  img: RgbImage,
  w: number,
  h: number,
  mode: ModelInputSpec['resize'],
  interp?: Interpolation,
  align: 'top-left' | 'center' = 'top-left',
): { image: RgbImage; placement: Placement } {
  if (mode === 'center-crop') throw new Error("'center-crop' inputs are not placed frames: use centerCrop");
  if (mode === 'stretch') return { image: resize(img, w, h, interp), placement: { sx: img.width / w, sy: img.height / h } };
  const s = Math.max(img.width / w, img.height / h);
  if (align === 'center') {
    // As the training scripts do it: resize to round(side / s), then pad evenly (integer offsets).
    const nw = Math.max(1, Math.round(img.width / s));
    const nh = Math.max(1, Math.round(img.height / s));
    const ox = (w - nw) >> 1;
    const oy = (h - nh) >> 1;
    const a = img.width / nw;
    const e = img.height / nh;
    return { image: sample(img, { a, b: 0, c: -ox * a, d: 0, e, f: -oy * e }, w, h, interp), placement: { sx: a, sy: e, ox, oy } };
  }
  return { image: sample(img, { a: s, b: 0, c: 0, d: 0, e: s, f: 0 }, w, h, interp), placement: { sx: s, sy: s } };
}

/** The letterbox alignment a manifest asks for (`input.letterboxAlign`, default top-left). */
export function letterboxAlignOf(spec: ModelInputSpec): 'top-left' | 'center' {
  return (spec as { letterboxAlign?: unknown }).letterboxAlign === 'center' ? 'center' : 'top-left';
}

/** Write images (each exactly the spec's size) into one batch tensor per the input spec. */
export function toTensor(images: RgbImage[], spec: ModelInputSpec, w: number, h: number): Float32Array {
  const plane = w * h;
  const out = new Float32Array(images.length * plane * 3);
  const bgr = spec.colorOrder === 'BGR';
  const mul = [0, 1, 2].map((c) => 1 / (spec.scale * spec.std[c]!));
  const add = [0, 1, 2].map((c) => -spec.mean[c]! / spec.std[c]!);
  images.forEach((img, n) => {
    if (img.width !== w || img.height !== h) throw new Error(`tensor image is ${img.width}×${img.height}, expected ${w}×${h}`);
    const base = n * plane * 3;
    const d = img.data;
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        const src = d[i * 3 + (bgr ? 2 - c : c)]!;
        const val = src * mul[c]! + add[c]!;
        if (spec.layout === 'NCHW') out[base + c * plane + i] = val;
        else out[base + i * 3 + c] = val;
      }
    }
  });
  return out;
}

/** Input height and width from a spec shape (NCHW or NHWC). */
export function inputSize(spec: ModelInputSpec): { w: number; h: number } {
  const s = spec.shape;
  return spec.layout === 'NCHW' ? { h: s[2]!, w: s[3]! } : { h: s[1]!, w: s[2]! };
}
