/**
 * The local sensor-noise map (analysis/prnu-map.ts) of a picture that matched a camera, carried
 * from the compared plane (the fingerprint's crop of the picture turned as it matched) back to
 * the picture: first its stored pixels (8-pixel heat blocks, as the JPEG block maps keep them),
 * then upright for the file's EXIF orientation, as the record, the overlay and the report show it.
 */
import type { SensorNoiseCheck } from '../../../src-shared/domain/cameras';
import type { AnalysisWarning, Verdict } from '../../../src-shared/domain/detection';
import { sensorNoiseMap, type SensorNoiseMap } from '../analysis/prnu-map';
import type { Plane } from '../analysis/prnu';
import { orientBox, orientPoint, uprightSplice, type Upright } from '../media/jpeg-splice';
import { turnedSize, type Turn } from './picture-plane';

export const SENSOR_MAP_METHOD = 'local PRNU correlation 1';

type Box = { x: number; y: number; w: number; h: number };
type StoredRegion = Box & { blocks: number; correlation: number; predicted: number };

/** A map in the stored picture's pixels. */
export interface StoredSensorMap {
  cameraId: string;
  cameraName: string;
  threshold: number;
  block: number;
  judgedShare: number;
  /** The area mapped (the fingerprint's crop), stored pixels. */
  area: Box;
  regions: StoredRegion[];
  /** Heat per 8-pixel block of the stored picture (0 outside the area and where no block could be judged; 1 at the threshold, up to 2). */
  heat: Float32Array;
  blocksWide: number;
  blocksHigh: number;
  width: number;
  height: number;
}

/** The EXIF orientation that shows stored rows turned clockwise by a turn, and the one that undoes it. */
const SHOWS: Record<Turn, number> = { 0: 1, 90: 6, 180: 3, 270: 8 };
const UNDOES: Record<Turn, number> = { 0: 1, 90: 8, 180: 3, 270: 6 };

/** A point of the stored picture (W × H) into the picture turned clockwise by `turn`. */
function storedToTurned(x: number, y: number, W: number, H: number, turn: Turn): [number, number] {
  return orientPoint(x, y, W, H, SHOWS[turn]);
}

/** A box of the compared plane (the crop of the picture turned by `turn`) in stored pixels (W × H). */
function planeBoxToStored(b: Box, crop: Box, W: number, H: number, turn: Turn): Box {
  const t = turnedSize(W, H, turn);
  return orientBox({ x: crop.x + b.x, y: crop.y + b.y, w: b.w, h: b.h }, t.width, t.height, UNDOES[turn]);
}

/** How strongly a block position reads "noise missing": 0 at the prediction, 1 at the threshold, up to 2; 0 when it cannot be judged. */
function heatAt(m: SensorNoiseMap, p: number): number {
  if (m.state[p] === 0) return 0;
  const pred = m.predicted[p]!;
  const span = pred - m.threshold;
  if (!(span > 0)) return 0;
  return Math.min(2, Math.max(0, (pred - m.rho[p]!) / span));
}

/**
 * Map where the picture lacks the camera's noise. `plane` and `residual` are what the match was
 * measured on (the crop `crop` of the stored picture W × H turned by `turn`), `k` the fingerprint.
 */
export function storedSensorMap(
  camera: { id: string; name: string },
  picture: { width: number; height: number },
  turn: Turn,
  crop: Box,
  plane: Plane,
  residual: Float32Array,
  k: Float32Array,
): StoredSensorMap {
  const m = sensorNoiseMap(plane, residual, k);
  const { width: W, height: H } = picture;
  const blocksWide = Math.ceil(W / 8);
  const blocksHigh = Math.ceil(H / 8);
  const heat = new Float32Array(blocksWide * blocksHigh);
  const half = m.block / 2;
  for (let by = 0; by < blocksHigh; by++) {
    for (let bx = 0; bx < blocksWide; bx++) {
      const [X, Y] = storedToTurned(Math.min(W - 1, bx * 8 + 4), Math.min(H - 1, by * 8 + 4), W, H, turn);
      const px = X - crop.x;
      const py = Y - crop.y;
      if (px < 0 || py < 0 || px >= plane.width || py >= plane.height) continue;
      // The nearest block position's centre (positions near the area's edges cover it to the edge).
      const i = Math.min(m.cols - 1, Math.max(0, Math.round((px - half) / m.stride)));
      const j = Math.min(m.rows - 1, Math.max(0, Math.round((py - half) / m.stride)));
      heat[by * blocksWide + bx] = heatAt(m, j * m.cols + i);
    }
  }
  return {
    cameraId: camera.id,
    cameraName: camera.name,
    threshold: m.threshold,
    block: m.block,
    judgedShare: m.judgedShare,
    area: planeBoxToStored({ x: 0, y: 0, w: plane.width, h: plane.height }, crop, W, H, turn),
    regions: m.regions.map((r) => ({ ...planeBoxToStored(r, crop, W, H, turn), blocks: r.blocks, correlation: r.meanRho, predicted: r.predicted })),
    heat,
    blocksWide,
    blocksHigh,
    width: W,
    height: H,
  };
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** The map upright for the EXIF `orientation` (1–8; else 1): the record's check and the overlay's heat. */
export function uprightSensorMap(f: StoredSensorMap, orientation: number): { check: SensorNoiseCheck; upright: Upright<StoredRegion> } {
  const o = Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : 1;
  const upright = uprightSplice(f, o);
  const area = orientBox(f.area, f.width, f.height, o);
  const areaPx = area.w * area.h;
  return {
    upright,
    check: {
      method: SENSOR_MAP_METHOD,
      cameraId: f.cameraId,
      cameraName: f.cameraName,
      area,
      coverage: round(Math.min(1, areaPx / (f.width * f.height)), 4),
      judgedShare: round(f.judgedShare, 4),
      block: f.block,
      threshold: round(f.threshold, 5),
      regions: upright.regions.map((r) => ({
        x: r.x,
        y: r.y,
        w: r.w,
        h: r.h,
        areaShare: round(Math.min(1, (r.w * r.h) / areaPx), 4),
        blocks: r.blocks,
        correlation: round(r.correlation, 5),
        predicted: round(r.predicted, 5),
      })),
    },
  };
}

/**
 * The verdict with the sensor-noise map's finding: like the splice map it does not move the
 * probability, but a region lacking the camera's noise keeps the picture out of the authentic band.
 */
export function withSensorGaps(v: Verdict, m: SensorNoiseCheck): Verdict {
  if (!m.regions.length) return v;
  const largest = m.regions[0]!;
  const text = `${m.regions.length} region${m.regions.length > 1 ? 's' : ''} (largest ${largest.w}×${largest.h} px) ${m.regions.length > 1 ? 'lack' : 'lacks'} the sensor noise of the camera “${m.cameraName}” that the rest of the picture carries, as content pasted in or painted over does.`;
  if (v.band === 'authentic') return { ...v, band: 'inconclusive', explanation: `${v.explanation} But the sensor-noise map found that ${text} So the picture is not called authentic: inconclusive; see where in the sensor-noise evidence.` };
  return { ...v, explanation: `${v.explanation} The sensor-noise map also found that ${text}` };
}

/** The warning a region lacking the camera's noise raises (none without one). */
export function sensorGapsWarning(m: SensorNoiseCheck): AnalysisWarning | null {
  const n = m.regions.length;
  if (!n) return null;
  const r0 = m.regions[0]!;
  return {
    code: 'SENSOR_NOISE_GAPS',
    message: `The picture matches the camera “${m.cameraName}”, but ${n} region${n > 1 ? 's lack' : ' lacks'} its sensor noise (largest ${r0.w}×${r0.h} px at (${r0.x}, ${r0.y})): content the camera did not record there — pasted in, cloned from elsewhere in the frame, or painted over.`,
  };
}
