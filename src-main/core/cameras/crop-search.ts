/**
 * Finding a cropped picture in a camera's fingerprint. A picture cut out of a camera's frame (at
 * the camera's scale, not resized) carries the sensor pattern of the place it was cut from, at an
 * offset its size does not tell. The search correlates the picture's own residual times its
 * intensity, W·I, with the fingerprint K over every circular shift of the fingerprint's area at
 * once (by FFT): where the picture lay, Σ W(p)·I(p)·K(p + s) ≈ Σ I²·K² stands out; elsewhere it is
 * noise. After Goljan & Fridrich, "Camera identification from cropped and scaled images" (SPIE
 * 2008), for crops only (no search over scales: a resized picture is compared at the scale its
 * size gives, scaled-compare.ts).
 *
 * The peak's PCE is judged against PCE_SEARCH_MATCH, and the peak must stand out from every other
 * shift (CAMERA_RUNNER_UP_MAX) as for an aligned match. Only the part of the picture inside the
 * fingerprint's area can be found: a crop from the frame's edges, outside the central area the
 * fingerprint covers, cannot.
 */
import { crossCorrelate, PCE_NEIGHBOURHOOD, type PaddedResidual, type Plane } from '../analysis/prnu';
import { CAMERA_CROP_MAX, CAMERA_CROP_MIN, turnedSize, type Turn } from './picture-plane';

type Rect = { x: number; y: number; w: number; h: number };

/**
 * The PCE a searched peak needs. The largest of 2²¹ shifts (a 2048×1024 area) of pure noise sits
 * near 2·ln(2²¹) ≈ 29, and four turns searched add little: in `npm run eval:camera-scale -- --cuts`
 * other cameras' pictures peaked at 26–38 (44 once in 32). Under Gaussian noise 60 anywhere would
 * already be rare (about 10⁻⁸ a search); 75 leaves room for the heavier tails real content gives,
 * and parts found where they were cut peaked at 199 and above there.
 */
export const PCE_SEARCH_MATCH = 75;

/** The turns under which a picture of this size fits inside the camera's frame without being its size (a possible crop). */
export function cropTurnsFor(width: number, height: number, camera: { width: number; height: number }): Turn[] {
  return ([0, 180, 90, 270] as Turn[]).filter((t) => {
    const s = turnedSize(width, height, t);
    return s.width <= camera.width && s.height <= camera.height && (s.width < camera.width || s.height < camera.height);
  });
}

/**
 * The central part of a (turned) picture of width × height the search reads: sides multiples of 16,
 * at most CAMERA_CROP_MAX and at most the fingerprint area's; null when a side would be under
 * CAMERA_CROP_MIN.
 */
export function searchRegion(width: number, height: number, area: { w: number; h: number }): Rect | null {
  const w = Math.min(CAMERA_CROP_MAX, area.w, Math.floor(width / 16) * 16);
  const h = Math.min(CAMERA_CROP_MAX, area.h, Math.floor(height / 16) * 16);
  if (w < CAMERA_CROP_MIN || h < CAMERA_CROP_MIN) return null;
  return { x: (width - w) >> 1, y: (height - h) >> 1, w, h };
}

/** The search's result: where the region's top-left lies relative to the area's (circular, −size/2 < d ≤ size/2), its PCE, and the runner-up's ratio to it. */
export interface CropPeak {
  dx: number;
  dy: number;
  pce: number;
  /** The largest correlation outside the peak's PCE_NEIGHBOURHOOD² neighbourhood, over the peak's. */
  ratio: number;
}

/**
 * Search the fingerprint's area (k: area.w × area.h values, powers of two) for the picture region
 * `plane` (its padded residual `residual`, from prnu.paddedResidual): the correlation of K with
 * W·I placed at the area's top-left, over every circular shift; the largest positive value, its
 * PCE (energy away from its neighbourhood) and the runner-up.
 */
export function searchCrop(plane: Plane, residual: PaddedResidual, k: Float32Array, area: { w: number; h: number }): CropPeak {
  const { width: w, height: h, data } = plane;
  if (k.length !== area.w * area.h) throw new RangeError(`searchCrop: ${k.length} values for a ${area.w}×${area.h} area`);
  if (w > area.w || h > area.h || residual.width !== w || residual.height !== h) throw new RangeError(`searchCrop: a ${w}×${h} region does not fit the ${area.w}×${area.h} area or its residual`);
  const x = new Float32Array(area.w * area.h);
  const pw = residual.paddedWidth;
  for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) x[y * area.w + i] = residual.data[y * pw + i]! * data[y * w + i]!;
  // c[s] = Σ K(p + s)·X(p): the shift s where the region's pixel p was sensor pixel p + s.
  const c = crossCorrelate(k, x, area.w, area.h);
  const W = area.w;
  const H = area.h;
  let best = 0;
  let peak = -Infinity;
  let total = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    total += v * v;
    if (v > peak) {
      peak = v;
      best = i;
    }
  }
  const px = best % W;
  const py = (best - px) / W;
  const r = (PCE_NEIGHBOURHOOD - 1) >> 1;
  const near = (d: number, size: number) => Math.min(d, size - d) <= r;
  let nearEnergy = 0;
  let nearCount = 0;
  let second = -Infinity;
  for (let y = 0; y < H; y++) {
    const ny = near((y - py + H) % H, H);
    for (let i = 0; i < W; i++) {
      const v = c[y * W + i]!;
      if (ny && near((i - px + W) % W, W)) {
        nearEnergy += v * v;
        nearCount++;
      } else if (v > second) second = v;
    }
  }
  const energy = Math.max(0, total - nearEnergy) / Math.max(1, c.length - nearCount);
  return {
    dx: px > W >> 1 ? px - W : px,
    dy: py > H >> 1 ? py - H : py,
    pce: energy > 0 && peak > 0 ? (peak * peak) / energy : 0,
    ratio: peak > 0 && second > -Infinity ? second / peak : Infinity,
  };
}

/**
 * Where the picture (turned, width × height) lay in the camera's frame (frameWidth × frameHeight),
 * from the search's shift of its region: of the circular aliases of the shift, the one that puts
 * the whole picture inside the frame; null when none does (then the peak cannot be where the
 * picture was cut from).
 */
export function cropOffset(peak: { dx: number; dy: number }, region: Rect, area: Rect, picture: { width: number; height: number }, frame: { width: number; height: number }): { x: number; y: number } | null {
  const axis = (d: number, at: number, rAt: number, size: number, len: number, frameLen: number) => {
    for (const alias of [d, d - size, d + size]) {
      const o = at + alias - rAt;
      if (o >= 0 && o + len <= frameLen) return o;
    }
    return null;
  };
  const x = axis(peak.dx, area.x, region.x, area.w, picture.width, frame.width);
  const y = axis(peak.dy, area.y, region.y, area.h, picture.height, frame.height);
  return x === null || y === null ? null : { x, y };
}
