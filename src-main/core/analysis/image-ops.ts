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
 * averaging (OpenCV INTER_AREA), approximated by supersampling then box-averaging, which
 * also works for rotated crops; absent = box prefilter for 2× and larger shrinks.
 */
export type Interpolation = 'bilinear' | 'area' | undefined;

/** The interpolation a manifest asks for. */
export function interpolationOf(spec: ModelInputSpec): Interpolation {
  const v = (spec as { interpolation?: unknown }).interpolation;
  return v === 'bilinear' || v === 'area' ? v : undefined;
}

/** Resample through m with the given interpolation. */
export function sample(img: RgbImage, m: Affine, outW: number, outH: number, interp: Interpolation): RgbImage {
  if (interp === 'bilinear') return affineSample(img, m, outW, outH);
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
  /** frame x = input x · sx, frame y = input y · sy (top-left anchored). */
  sx: number;
  sy: number;
}

/** Fit a frame into w×h: stretched, or aspect-preserving and anchored top-left with black padding. */
export function placeFrame(img: RgbImage, w: number, h: number, mode: ModelInputSpec['resize'], interp?: Interpolation): { image: RgbImage; placement: Placement } {
  if (mode === 'stretch') return { image: resize(img, w, h, interp), placement: { sx: img.width / w, sy: img.height / h } };
  const s = Math.max(img.width / w, img.height / h);
  return { image: sample(img, { a: s, b: 0, c: 0, d: 0, e: s, f: 0 }, w, h, interp), placement: { sx: s, sy: s } };
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
