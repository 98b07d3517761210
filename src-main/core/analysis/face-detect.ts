/**
 * Face detection: frame → model input (stretched or letterboxed), run, decode the boxes
 * back into frame pixels, and greedy non-maximum suppression. Two output conventions are
 * decoded: the project's normalised boxes/scores/landmarks, and YuNet's stride grids.
 */
import type { FaceBox } from '../../../src-shared/domain/detection';
import type { ModelManifest } from '../../../src-shared/domain/models';
import { floatTensor, readOutput } from './ort-session';
import { cropRegion, inputSize, interpolationOf, letterboxAlignOf, placeFrame, resize, toTensor, type Placement } from './image-ops';
import { outputName, outputNumber } from './manifest';
import type { LoadedModel } from './registry';
import type { RgbImage } from './types';

/** Intersection over union of two boxes. */
export function iou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS: keep the highest-scoring box, drop those overlapping it by more than iouMax. */
export function nms(boxes: FaceBox[], iouMax: number, maxKeep = 200): FaceBox[] {
  const sorted = [...boxes].sort((p, q) => q.confidence - p.confidence);
  const keep: FaceBox[] = [];
  for (const b of sorted) {
    if (keep.length >= maxKeep) break;
    if (keep.every((k) => iou(k, b) <= iouMax)) keep.push(b);
  }
  return keep;
}

/** Decode normalised x1y1x2y2 boxes [1,N,4], scores [1,N], landmarks [1,N,K,2] into input pixels. */
export function decodeNormalised(
  boxes: Float32Array,
  scores: Float32Array,
  landmarks: Float32Array | null,
  opts: { inW: number; inH: number; threshold: number },
): FaceBox[] {
  const n = scores.length;
  const k = landmarks && n > 0 ? Math.floor(landmarks.length / n / 2) : 0;
  const out: FaceBox[] = [];
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!(s >= opts.threshold)) continue;
    const x1 = boxes[i * 4]! * opts.inW;
    const y1 = boxes[i * 4 + 1]! * opts.inH;
    const x2 = boxes[i * 4 + 2]! * opts.inW;
    const y2 = boxes[i * 4 + 3]! * opts.inH;
    if (!(x2 > x1 && y2 > y1)) continue;
    const box: FaceBox = { x: x1, y: y1, w: x2 - x1, h: y2 - y1, confidence: s };
    if (landmarks && k > 0) {
      box.landmarks = [];
      for (let j = 0; j < k; j++) box.landmarks.push([landmarks[(i * k + j) * 2]! * opts.inW, landmarks[(i * k + j) * 2 + 1]! * opts.inH]);
    }
    out.push(box);
  }
  return out;
}

/** Decode YuNet's per-stride grids (cls, obj, bbox, kps) into input pixels. */
export function decodeYunet(outputs: Record<string, Float32Array>, opts: { inW: number; inH: number; threshold: number }): FaceBox[] {
  const out: FaceBox[] = [];
  for (const s of [8, 16, 32]) {
    const cls = outputs[`cls_${s}`];
    const obj = outputs[`obj_${s}`];
    const bbox = outputs[`bbox_${s}`];
    const kps = outputs[`kps_${s}`];
    if (!cls || !obj || !bbox || !kps) throw new Error(`YuNet output for stride ${s} is missing`);
    const cols = Math.floor(opts.inW / s);
    for (let i = 0; i < cls.length; i++) {
      // OpenCV's FaceDetectorYN uses the geometric mean of class and objectness scores.
      const score = Math.sqrt(Math.min(1, Math.max(0, cls[i]!)) * Math.min(1, Math.max(0, obj[i]!)));
      if (score < opts.threshold) continue;
      const ax = (i % cols) * s;
      const ay = Math.floor(i / cols) * s;
      const cx = bbox[i * 4]! * s + ax;
      const cy = bbox[i * 4 + 1]! * s + ay;
      const w = Math.exp(bbox[i * 4 + 2]!) * s;
      const h = Math.exp(bbox[i * 4 + 3]!) * s;
      const landmarks: [number, number][] = [];
      for (let j = 0; j < 5; j++) landmarks.push([kps[i * 10 + j * 2]! * s + ax, kps[i * 10 + j * 2 + 1]! * s + ay]);
      out.push({ x: cx - w / 2, y: cy - h / 2, w, h, confidence: score, landmarks });
    }
  }
  return out;
}

/** Map a box from model-input pixels to frame pixels, clipped to the frame. */
function toFrame(b: FaceBox, p: Placement, W: number, H: number): FaceBox {
  const ox = p.ox ?? 0;
  const oy = p.oy ?? 0;
  const x1 = Math.max(0, (b.x - ox) * p.sx);
  const y1 = Math.max(0, (b.y - oy) * p.sy);
  const x2 = Math.min(W, (b.x + b.w - ox) * p.sx);
  const y2 = Math.min(H, (b.y + b.h - oy) * p.sy);
  const out: FaceBox = { x: x1, y: y1, w: Math.max(0, x2 - x1), h: Math.max(0, y2 - y1), confidence: b.confidence };
  if (b.landmarks) out.landmarks = b.landmarks.map(([x, y]) => [(x - ox) * p.sx, (y - oy) * p.sy] as [number, number]);
  return out;
}

/** The manifest's NMS overlap threshold (YuNet's own default when it says none). */
function nmsIouOf(m: ModelManifest): number {
  return outputNumber(m, 'nmsIou', m.outputs.format === 'yunet' ? 0.45 : 0.3);
}

/** Detector input size: fixed dims from the manifest; a dynamic one falls back to 640. */
function detectorSize(m: ModelManifest): { w: number; h: number } {
  const { w, h } = inputSize(m.input);
  return { w: w > 0 ? w : 640, h: h > 0 ? h : 640 };
}

/** Options for detectFaces. */
export interface DetectOptions {
  /**
   * Also look at overlapping tiles of a large picture (still images: a group photo's faces
   * are a few pixels wide once the whole frame is shrunk to the detector's input). Off for
   * video frames and the live monitor, where the cost would repeat on every frame.
   */
  tiles?: boolean;
  /**
   * When the whole-frame pass finds no face, look once more with the frame shrunk into the
   * middle of a canvas twice its size (see ZOOM_OUT): a face that fills the picture (a
   * close-up portrait, a tight face crop) is larger than the detector's anchors and is
   * otherwise missed. Costs one extra pass, on frames where nothing was found only.
   */
  zoomOut?: boolean;
}

/** Zoom-out pass: the frame takes 1/ZOOM_OUT of the canvas side, centred on black (the letterbox's pad). */
const ZOOM_OUT = 2;
/**
 * Boxes the zoom-out pass keeps: at least this share of the frame's shorter side. Faces that
 * small were the whole-frame pass's to find; on the DEV stills, the zoom-out pass's smaller
 * boxes were textures (rocks, fruit), its larger ones faces.
 */
const ZOOM_MIN_FACE = 0.3;

/** Tiling: at most TILE_GRID×TILE_GRID tiles, each shrunk by at most ~TILE_SHRINK, overlapping by TILE_OVERLAP. */
const TILE_GRID = 3;
const TILE_SHRINK = 2;
const TILE_OVERLAP = 0.2;
/** A face larger than this share of its tile is left to the whole-frame pass (it sees it uncut). */
const TILE_MAX_FACE = 0.4;

/**
 * Tile rectangles (frame pixels) for a frame, or [] when the whole-frame pass is enough.
 * Mirrored in training/eval_face_detector.py (tile_grid); both are checked against
 * tests/fixtures/cross-language/cases.json.
 */
export function tileGrid(width: number, height: number, inputSide: number): { x: number; y: number; w: number; h: number }[] {
  const n = Math.min(TILE_GRID, Math.ceil(Math.max(width, height) / (inputSide * TILE_SHRINK)));
  if (n < 2) return [];
  const tw = width / (n - (n - 1) * TILE_OVERLAP);
  const th = height / (n - (n - 1) * TILE_OVERLAP);
  const out: { x: number; y: number; w: number; h: number }[] = [];
  for (let gy = 0; gy < n; gy++) {
    for (let gx = 0; gx < n; gx++) {
      const x = Math.round(gx * tw * (1 - TILE_OVERLAP));
      const y = Math.round(gy * th * (1 - TILE_OVERLAP));
      out.push({ x, y, w: Math.min(width, Math.round(x + tw)) - x, h: Math.min(height, Math.round(y + th)) - y });
    }
  }
  return out;
}

/**
 * Whether a box a tile's pass found (tile pixels) joins the merge: not when it touches an
 * edge the tile shares with a neighbour (a face cut in two, which the neighbour or the
 * whole-frame pass sees whole), nor when it is larger than TILE_MAX_FACE of the tile.
 * Mirrored in training/eval_face_detector.py (keep_tile_box); both are checked against
 * tests/fixtures/cross-language/cases.json.
 */
export function keepTileBox(b: { x: number; y: number; w: number; h: number }, t: { x: number; y: number; w: number; h: number }, frame: { width: number; height: number }): boolean {
  const eps = 2;
  const cut = (b.x <= eps && t.x > 0) || (b.y <= eps && t.y > 0) || (b.x + b.w >= t.w - eps && t.x + t.w < frame.width) || (b.y + b.h >= t.h - eps && t.y + t.h < frame.height);
  return !cut && Math.max(b.w, b.h) <= TILE_MAX_FACE * Math.min(t.w, t.h);
}

/**
 * Detect faces in one frame; boxes are in frame pixels, after NMS, best first. With
 * `tiles`, a large picture is also searched tile by tile (see tileGrid); a tile's box that
 * touches an inner tile edge (a face cut in two) or is large for its tile is dropped, and
 * everything is merged with the whole-frame pass by the same NMS.
 */
export async function detectFaces(model: LoadedModel, frame: RgbImage, opts: DetectOptions = {}): Promise<FaceBox[]> {
  let whole = await detectOnce(model, frame);
  if (!whole.length && opts.zoomOut) whole = await detectZoomedOut(model, frame);
  const m = model.manifest;
  const { w, h } = detectorSize(m);
  const tiles = opts.tiles ? tileGrid(frame.width, frame.height, Math.min(w, h)) : [];
  if (!tiles.length) return whole;
  const all = [...whole];
  for (const t of tiles) {
    for (const b of await detectOnce(model, cropRegion(frame, t))) {
      if (!keepTileBox(b, t, frame)) continue;
      const moved: FaceBox = { ...b, x: b.x + t.x, y: b.y + t.y };
      if (b.landmarks) moved.landmarks = b.landmarks.map(([lx, ly]) => [lx + t.x, ly + t.y] as [number, number]);
      all.push(moved);
    }
  }
  return nms(all, nmsIouOf(m));
}

/**
 * Where the zoom-out pass puts the frame: shrunk to fw×fh (never enlarged) so that a square
 * canvas of ZOOM_OUT times its long side fits the detector input, at (ox, oy) of that
 * side×side canvas. Mirrored in training/eval_face_detector.py (zoom_out_geometry); both are
 * checked against tests/fixtures/cross-language/cases.json.
 */
export function zoomOutGeometry(width: number, height: number, inputSide: number): { fw: number; fh: number; side: number; ox: number; oy: number } {
  const s = Math.min(1, inputSide / (ZOOM_OUT * Math.max(width, height)));
  const fw = Math.max(1, Math.round(width * s));
  const fh = Math.max(1, Math.round(height * s));
  const side = ZOOM_OUT * Math.max(fw, fh);
  return { fw, fh, side, ox: (side - fw) >> 1, oy: (side - fh) >> 1 };
}

/**
 * The zoom-out pass (DetectOptions.zoomOut): the frame, shrunk so that the canvas fits the
 * detector input (never enlarged), centred on a black square ZOOM_OUT times its long side;
 * boxes come back in frame pixels, clipped to the frame, and only those of at least
 * ZOOM_MIN_FACE of its shorter side are kept. Mirrored in training/eval_face_detector.py.
 */
async function detectZoomedOut(model: LoadedModel, frame: RgbImage): Promise<FaceBox[]> {
  const { w, h } = detectorSize(model.manifest);
  const { fw, fh, side, ox, oy } = zoomOutGeometry(frame.width, frame.height, Math.min(w, h));
  const small = fw === frame.width && fh === frame.height ? frame : resize(frame, fw, fh, interpolationOf(model.manifest.input));
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < fh; y++) data.set(small.data.subarray(y * fw * 3, (y + 1) * fw * 3), ((oy + y) * side + ox) * 3);
  const placement: Placement = { sx: frame.width / fw, sy: frame.height / fh, ox, oy };
  const minSide = ZOOM_MIN_FACE * Math.min(frame.width, frame.height);
  return (await detectOnce(model, { width: side, height: side, data }))
    .map((b) => toFrame(b, placement, frame.width, frame.height))
    .filter((b) => Math.max(b.w, b.h) >= minSide);
}

async function detectOnce(model: LoadedModel, frame: RgbImage): Promise<FaceBox[]> {
  const m = model.manifest;
  const { w, h } = detectorSize(m);
  const { image, placement } = placeFrame(frame, w, h, m.input.resize, interpolationOf(m.input), letterboxAlignOf(m.input));
  const feeds = { [m.input.name]: floatTensor(toTensor([image], m.input, w, h), m.input.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3]) };
  const res = await model.ort.session.run(feeds);
  const yunet = m.outputs.format === 'yunet';
  const threshold = outputNumber(m, 'scoreThreshold', yunet ? 0.6 : 0.5);
  let raw: FaceBox[];
  if (yunet) {
    const outs: Record<string, Float32Array> = {};
    for (const name of model.ort.outputNames) outs[name] = readOutput(res, name).data;
    raw = decodeYunet(outs, { inW: w, inH: h, threshold });
  } else {
    const lmName = outputName(m, 'landmarks');
    raw = decodeNormalised(readOutput(res, outputName(m, 'boxes')!).data, readOutput(res, outputName(m, 'scores')!).data, lmName ? readOutput(res, lmName).data : null, {
      inW: w,
      inH: h,
      threshold,
    });
  }
  const kept = nms(raw, nmsIouOf(m));
  return kept.map((b) => toFrame(b, placement, frame.width, frame.height)).filter((b) => b.w >= 2 && b.h >= 2);
}
