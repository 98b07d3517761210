/**
 * Where a twice-saved JPEG was not saved twice: a per-block map of the double-quantisation
 * pattern (the aligned double-JPEG splice map; Lin et al. 2009, Bianchi & Piva 2012).
 *
 * When a picture was saved at an earlier, lower quality and then saved again (jpeg-history.ts
 * finds that, and the earlier step of each low frequency), every block of the untouched picture
 * carries both quantisations: its coefficients can take only some values (a step of Q1 seen
 * through a step of Q2 leaves gaps and doubled bins). A region pasted in from another picture
 * between the two saves — from a file that was never compressed, or on another 8×8 grid —
 * carries only the last one. For every block the likelihood of its coefficients under a single
 * compression (step Q2) is compared with that under the double one (Q1 then Q2); both
 * distributions are simulated from the picture's own content (the DCT of the decoded picture on
 * the grid shifted by 4 pixels, as in the history fit). The frequencies are those the history
 * found the earlier step at and, when the earlier steps follow a libjpeg table, more of the first
 * 20 zigzag positions (each checked against the file's own histogram). Blocks near black or white
 * are left out: clipping between the saves breaks the pattern there without any edit. Summed
 * over a window of blocks, the log-likelihood ratio is the map; windows far on the "single" side,
 * joined, are the regions.
 *
 * What it cannot see: anything in a picture whose history shows no earlier, lower-quality
 * save (no earlier step, nothing to miss); a pasted region that was itself saved at the host's
 * earlier quality on the same grid; flat regions (no non-zero coefficients to judge).
 */
import type { SplicedRegion } from '../../../src-shared/domain/detection';
import { ZIGZAG, type LumaCoefficients } from './jpeg-dct';
import { ijgTable, STD_LUMA } from './jpeg-quality';
import { jpegGridOfLuma, type GridFinding, type GridMapOptions, type GridRegionOptions } from './jpeg-grid';
import { decodeHead, HISTORY_BLOCKS, jpegHistory, lumaPixels, lumaPrefix, NOISE, readJpegHead, shiftedCoefficients, type JpegHistory } from './jpeg-history';

export const JPEG_SPLICE_METHOD = 'double-quantisation block map 1';

export interface SpliceMapOptions {
  /** |coefficient| bins 0..bins (the last one holds everything from there on). */
  bins?: number;
  /** Share of the single-compression distribution mixed into the double one (robustness to model misfit). */
  mix?: number;
  /** Judge zero coefficients too (else only non-zero ones, by their conditional distribution). */
  useZero?: boolean;
  /** Side of the summing window, in blocks. */
  window?: number;
  /** Spread of the rounding error assumed between the two saves, as a multiple of pixel rounding alone. */
  noiseScale?: number;
  /** Each coefficient's log-likelihood ratio is clamped to ±this. */
  clamp?: number;
  /** Shifted blocks the two distributions are simulated from, at most (pairs of block rows spread over the picture). */
  modelBlocks?: number;
  /** Zigzag positions 1..extraFreqs also used when the earlier quality follows a libjpeg table (0: only the history's frequencies). */
  extraFreqs?: number;
  /** An extra frequency is used when its histogram has this many non-zero values … */
  minNonZero?: number;
  /** … and fits the double compression with at most this share of the single one's misfit. */
  maxMisfitRatio?: number;
  /** Blocks whose mean luma lies within this of black or white are not judged (clipping). */
  clipMargin?: number;
}

export const SPLICE_MAP_DEFAULTS: Required<SpliceMapOptions> = { bins: 24, mix: 0.4, useZero: false, window: 6, noiseScale: 1, clamp: 10, modelBlocks: 24000, extraFreqs: 20, minNonZero: 300, maxMisfitRatio: 0.5, clipMargin: 32 };

export interface SpliceMap {
  method: string;
  blocksWide: number;
  blocksHigh: number;
  /** Per-block log-likelihood ratio, single vs double compression (positive: looks saved once). */
  blockLlr: Float32Array;
  /** Per-block count of coefficients judged. */
  blockCount: Uint16Array;
  /** Window sums of blockLlr (window × window blocks, anchored at each block: the same size as blockLlr, zero past the edge). */
  windowLlr: Float32Array;
  windowCount: Float32Array;
  /** The frequencies used (natural index), their steps now and earlier. */
  used: { index: number; step: number; earlierStep: number }[];
}

/** Distribution of |round(...)| over 0..bins (last bin open), with a floor so no value is impossible. */
function distribution(values: Float64Array, bins: number, q1: number, q2: number, useZero: boolean, noise: number): Float64Array {
  const h = new Float64Array(bins + 1).fill(0.5);
  for (let i = 0; i < values.length; i++) {
    const pre = q1 === 1 ? Math.round(values[i]!) : Math.round(values[i]! / q1) * q1;
    const a = Math.min(bins, Math.abs(Math.round((pre + noise * NOISE[i & 4095]!) / q2)));
    h[a]!++;
  }
  if (!useZero) h[0] = 0;
  let n = 0;
  for (let b = 0; b <= bins; b++) n += h[b]!;
  for (let b = 0; b <= bins; b++) h[b]! /= n;
  return h;
}

/**
 * The picture's unquantised coefficients on the grid shifted by 4 px (what both distributions are
 * simulated from). A large picture is sampled: pairs of block rows spread evenly down it are
 * decoded to pixels, and the shifted blocks that straddle each pair are kept — the content of the
 * whole picture at a fraction of the inverse transforms.
 */
function modelSamples(l: LumaCoefficients, freqs: [number, number][], maxBlocks: number): Float64Array[] {
  const W = l.blocksWide;
  const H = l.rowsDecoded;
  const pairs = Math.max(1, Math.ceil(maxBlocks / Math.max(1, W - 1)));
  const step = Math.floor((H - 1) / pairs);
  if (step <= 2) return shiftedCoefficients(lumaPixels(l), freqs);
  const starts: number[] = [];
  for (let r = 0; r + 1 < H && starts.length < pairs; r += step) starts.push(r);
  const coef = new Int16Array(starts.length * 2 * W * 64);
  starts.forEach((r, j) => coef.set(l.coef.subarray(r * W * 64, (r + 2) * W * 64), j * 2 * W * 64));
  const sub: LumaCoefficients = { ...l, rowsDecoded: starts.length * 2, blocksHigh: starts.length * 2, coef };
  const all = shiftedCoefficients(lumaPixels(sub), freqs);
  // Shifted rows 0, 2, 4, … lie within a pair; the odd ones straddle two pairs that are not neighbours.
  const bw = W - 1;
  return all.map((a) => {
    const out = new Float64Array(starts.length * bw);
    for (let j = 0; j < starts.length; j++) out.set(a.subarray(2 * j * bw, 2 * j * bw + bw), j * bw);
    return out;
  });
}

/** The map of a picture whose history found an earlier, coarser compression; null otherwise. */
export function spliceMap(l: LumaCoefficients, history: JpegHistory | null, opts: SpliceMapOptions = {}): SpliceMap | null {
  const o = { ...SPLICE_MAP_DEFAULTS, ...opts };
  if (!history || history.finding !== 'twice') return null;
  const voting = history.fits.filter((f) => f.earlierStep !== f.step).map((f) => ({ index: f.index, step: f.step, earlierStep: f.earlierStep, checked: true }));
  if (voting.length < 2) return null;
  // More frequencies, when the earlier steps follow a libjpeg table: its steps at the next zigzag
  // positions, each kept only if the file's own histogram fits the double compression clearly better.
  const candidates = [...voting];
  if (o.extraFreqs > 0 && history.earlierQuality !== null) {
    const t1 = ijgTable(STD_LUMA, history.earlierQuality);
    for (let z = 1; z <= Math.min(63, o.extraFreqs); z++) {
      const index = ZIGZAG[z]!;
      const q1 = t1[index]!;
      const q2 = l.table[index]!;
      if (q2 >= 1 && q1 > q2 && !candidates.some((c) => c.index === index)) candidates.push({ index, step: q2, earlierStep: q1, checked: false });
    }
  }
  const freqs = candidates.map((f): [number, number] => [Math.floor(f.index / 8), f.index % 8]);
  const shifted = modelSamples(l, freqs, o.modelBlocks);
  const W = l.blocksWide;
  const H = l.rowsDecoded;
  const blockLlr = new Float32Array(W * H);
  const blockCount = new Uint16Array(W * H);
  const used: SpliceMap['used'] = [];
  // Blocks whose mean is near black or white are not judged: pixels clipped between the two saves
  // (dark clothes, blown highlights) break the double-quantisation pattern there without any edit.
  const judged = new Uint8Array(W * H);
  const dcStep = l.table[0]!;
  for (let b = 0; b < W * H; b++) {
    const mean = (l.coef[b * 64]! * dcStep) / 8 + 128;
    judged[b] = mean >= o.clipMargin && mean <= 255 - o.clipMargin ? 1 : 0;
  }
  candidates.forEach((f, k) => {
    const single = distribution(shifted[k]!, o.bins, 1, f.step, o.useZero, 1);
    const dbl = distribution(shifted[k]!, o.bins, f.earlierStep, f.step, o.useZero, o.noiseScale);
    if (!f.checked) {
      // The file's histogram of non-zero values against both simulations.
      const obs = new Float64Array(o.bins + 1);
      let n = 0;
      for (let b = 0; b < W * H; b++) {
        const a = Math.min(o.bins, Math.abs(l.coef[b * 64 + f.index]!));
        if (a) {
          obs[a]!++;
          n++;
        }
      }
      if (n < o.minNonZero) return;
      const sq = (h: Float64Array) => {
        const z = 1 - (o.useZero ? h[0]! : 0);
        let d = 0;
        for (let b = 1; b <= o.bins; b++) d += (h[b]! / z - obs[b]! / n) ** 2;
        return d;
      };
      if (sq(dbl) > o.maxMisfitRatio * sq(single)) return;
    }
    used.push({ index: f.index, step: f.step, earlierStep: f.earlierStep });
    const llr = new Float64Array(o.bins + 1);
    for (let b = 0; b <= o.bins; b++) llr[b] = single[b]! > 0 ? Math.max(-o.clamp, Math.min(o.clamp, Math.log(single[b]! / ((1 - o.mix) * dbl[b]! + o.mix * single[b]!)))) : 0;
    for (let b = 0; b < W * H; b++) {
      const a = Math.min(o.bins, Math.abs(l.coef[b * 64 + f.index]!));
      if ((a === 0 && !o.useZero) || !judged[b]) continue;
      blockLlr[b]! += llr[a]!;
      blockCount[b]!++;
    }
  });
  // Window sums by a summed-area table.
  const sat = new Float64Array((W + 1) * (H + 1));
  const satN = new Float64Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y + 1) * (W + 1) + x + 1;
      sat[i] = blockLlr[y * W + x]! + sat[i - 1]! + sat[i - (W + 1)]! - sat[i - (W + 1) - 1]!;
      satN[i] = blockCount[y * W + x]! + satN[i - 1]! + satN[i - (W + 1)]! - satN[i - (W + 1) - 1]!;
    }
  }
  const windowLlr = new Float32Array(W * H);
  const windowCount = new Float32Array(W * H);
  const w = o.window;
  for (let y = 0; y + w <= H; y++) {
    for (let x = 0; x + w <= W; x++) {
      const a = y * (W + 1) + x;
      const b = a + w;
      const c = (y + w) * (W + 1) + x;
      const d = c + w;
      windowLlr[y * W + x] = sat[d]! - sat[b]! - sat[c]! + sat[a]!;
      windowCount[y * W + x] = satN[d]! - satN[b]! - satN[c]! + satN[a]!;
    }
  }
  return {
    method: JPEG_SPLICE_METHOD,
    blocksWide: W,
    blocksHigh: H,
    blockLlr,
    blockCount,
    windowLlr,
    windowCount,
    used,
  };
}

export interface SpliceRegionOptions {
  /** A region needs a window whose log-likelihood ratio sum (nats) exceeds this: its blocks look saved once. */
  threshold?: number;
  /** Around such a window, blocks whose own window exceeds this share of the threshold join the region. */
  grow?: number;
  /** Regions are reported largest first, at most this many. */
  maxRegions?: number;
}

export const SPLICE_REGION_DEFAULTS: Required<SpliceRegionOptions> = { threshold: 80, grow: 0.4, maxRegions: 8 };

/** A region in picture pixels (the shared record's shape). */
export type SpliceRegion = SplicedRegion;

export interface SpliceFinding {
  method: string;
  regions: SpliceRegion[];
  /** Per-block mask of the regions (1-based region number, 0 outside), blocksWide × blocksHigh. */
  mask: Uint8Array;
  /** Per-block strength for a heatmap: the window sum around the block divided by the threshold, clipped to 0..2. */
  heat: Float32Array;
  blocksWide: number;
  blocksHigh: number;
  /** The picture's size (as stored, before any EXIF orientation), and the part the map covers (the decoder may have stopped before the last rows). */
  width: number;
  height: number;
  analysedWidth: number;
  analysedHeight: number;
  threshold: number;
  used: SpliceMap['used'];
}

/**
 * Regions of a map. Each block gets the sum of the window around it (windows are moved inwards
 * at the picture's edges); a region is a 4-connected group of blocks over `grow` × threshold
 * that holds at least one block over the threshold (hysteresis: the strong window says that
 * something is there, the weaker ones around it how far it reaches). A region's box is at least
 * one window (48 px) wide and high.
 */
export function spliceRegions(map: SpliceMap, width: number, height: number, window: number = SPLICE_MAP_DEFAULTS.window, opts: SpliceRegionOptions = {}): SpliceFinding {
  const o = { ...SPLICE_REGION_DEFAULTS, ...opts };
  const W = map.blocksWide;
  const H = map.blocksHigh;
  const analysedWidth = Math.min(width, W * 8);
  const analysedHeight = Math.min(height, H * 8);
  const centred = new Float32Array(W * H);
  const heat = new Float32Array(W * H);
  const half = Math.floor(window / 2);
  if (W >= window && H >= window) {
    for (let y = 0; y < H; y++) {
      const wy = Math.max(0, Math.min(H - window, y - half));
      for (let x = 0; x < W; x++) {
        const wx = Math.max(0, Math.min(W - window, x - half));
        const v = map.windowLlr[wy * W + wx]!;
        centred[y * W + x] = v;
        heat[y * W + x] = Math.max(0, Math.min(2, v / o.threshold));
      }
    }
  }
  const low = o.threshold * o.grow;
  const label = new Int32Array(W * H);
  const found: { x: number; y: number; w: number; h: number; peak: number; blocks: number; n: number }[] = [];
  const stack: number[] = [];
  let n = 0;
  for (let i = 0; i < W * H; i++) {
    if (centred[i]! <= low || label[i]) continue;
    n++;
    label[i] = n;
    stack.push(i);
    let x0 = W;
    let y0 = H;
    let x1 = -1;
    let y1 = -1;
    let blocks = 0;
    let peak = -Infinity;
    while (stack.length) {
      const j = stack.pop()!;
      const x = j % W;
      const y = (j - x) / W;
      blocks++;
      peak = Math.max(peak, centred[j]!);
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (const k of [x > 0 ? j - 1 : -1, x < W - 1 ? j + 1 : -1, y > 0 ? j - W : -1, y < H - 1 ? j + W : -1]) {
        if (k >= 0 && centred[k]! > low && !label[k]) {
          label[k] = n;
          stack.push(k);
        }
      }
    }
    if (peak <= o.threshold) continue;
    // The map cannot place anything more finely than its window: a region narrower than one is
    // widened to it (centred, inside the picture), so that its box holds what the evidence came from.
    const side = (lo: number, hi: number, size: number) => {
      const a = lo * 8;
      const b = Math.min(size, (hi + 1) * 8);
      if (b - a >= window * 8 || size <= window * 8) return [a, b - a];
      const c = Math.max(0, Math.min(size - window * 8, Math.round((a + b) / 2 - window * 4)));
      return [c, window * 8];
    };
    const [bx, bw] = side(x0, x1, analysedWidth);
    const [by, bh] = side(y0, y1, analysedHeight);
    found.push({ x: bx!, y: by!, w: bw!, h: bh!, peak: Math.round(peak * 10) / 10, blocks, n });
  }
  found.sort((a, b) => b.blocks - a.blocks);
  const kept = found.slice(0, o.maxRegions);
  const renumber = new Map(kept.map((r, i) => [r.n, i + 1]));
  const mask = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) if (label[i]) mask[i] = renumber.get(label[i]!) ?? 0;
  const regions = kept.map(({ x, y, w, h, peak, blocks }) => ({ x, y, w, h, peak, areaShare: Math.min(1, Math.round(((blocks * 64) / (analysedWidth * analysedHeight)) * 10000) / 10000) }));
  return { method: map.method, regions, mask, heat, blocksWide: W, blocksHigh: H, width, height, analysedWidth, analysedHeight, threshold: o.threshold, used: map.used };
}

/** Luma blocks the map covers at most (about 16.8 megapixels: a 12 MP photo whole). */
export const SPLICE_BLOCKS = 262144;

export type JpegForensics = { ok: true; history: JpegHistory | null; splice: SpliceFinding | null; map: SpliceMap | null; grid: GridFinding | null } | { ok: false; reason: string };

/**
 * Compression history, the shifted-grid map (jpeg-grid.ts) and, when the history finds an
 * earlier lower-quality save, the splice map of a JPEG held in memory (`whole`: the buffer is the
 * whole file, not its head). The history is fitted on the first 65,536 blocks; the maps cover up
 * to 262,144 (the rest of a larger picture is not mapped: `analysedHeight` says how far they
 * reached).
 */
export function jpegForensics(head: { buf: Buffer; whole: boolean }, opts: SpliceMapOptions = {}, gridOpts: GridMapOptions & GridRegionOptions = {}): JpegForensics {
  // One entropy decode for the maps; the history reads its first 65,536 blocks (lumaPrefix). Damage past
  // those blocks still leaves the history and maps of the rows before it (a second, shorter decode).
  let d = decodeHead(head, SPLICE_BLOCKS);
  if (!d.ok) d = decodeHead(head, HISTORY_BLOCKS);
  if (!d.ok) return d;
  const luma = d.luma;
  // One inverse transform too: the history reads the first rows of the pixels the grid map reads whole.
  const pixels = lumaPixels(luma);
  const history = jpegHistory(lumaPrefix(luma, HISTORY_BLOCKS), {}, pixels);
  const grid = jpegGridOfLuma(luma, gridOpts, pixels);
  if (history?.finding !== 'twice') return { ok: true, history, splice: null, map: null, grid };
  const map = spliceMap(luma, history, opts);
  return { ok: true, history, map, splice: map ? spliceRegions(map, luma.width, luma.height) : null, grid };
}

/** jpegForensics of a file on disk (its first 64 MiB). */
export async function jpegForensicsOfFile(p: string): Promise<JpegForensics> {
  return jpegForensics(await readJpegHead(p));
}

/** A map turned upright: display coordinates after the file's EXIF orientation. */
export interface Upright<R extends { x: number; y: number; w: number; h: number } = SpliceRegion> {
  regions: R[];
  /** Per-block heat (0..2) on the upright picture, blocks of 8 stored pixels; rows the map did not reach are 0. */
  heat: { width: number; height: number; data: Float32Array };
  /** Share of the picture's block rows (stored orientation) the map covers. */
  coverage: number;
  /** The upright picture's size, px. */
  width: number;
  height: number;
}
export type UprightSplice = Upright<SpliceRegion>;

/**
 * Map a point of the stored picture (w × h) to the displayed one for an EXIF orientation
 * (1 as stored, 2 mirrored, 3 turned 180°, 4 flipped, 5 transposed, 6 turned 90° clockwise,
 * 7 transversed, 8 turned 90° anticlockwise).
 */
export function orientPoint(x: number, y: number, w: number, h: number, orientation: number): [number, number] {
  switch (orientation) {
    case 2:
      return [w - 1 - x, y];
    case 3:
      return [w - 1 - x, h - 1 - y];
    case 4:
      return [x, h - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [h - 1 - y, x];
    case 7:
      return [h - 1 - y, w - 1 - x];
    case 8:
      return [y, w - 1 - x];
    default:
      return [x, y];
  }
}

/** A box of the stored picture (w × h) as the displayed one holds it for an EXIF `orientation` (see orientPoint). */
export function orientBox(b: { x: number; y: number; w: number; h: number }, w: number, h: number, orientation: number): { x: number; y: number; w: number; h: number } {
  const [ax, ay] = orientPoint(b.x, b.y, w, h, orientation);
  const [bx, by] = orientPoint(b.x + b.w - 1, b.y + b.h - 1, w, h, orientation);
  return { x: Math.min(ax, bx), y: Math.min(ay, by), w: Math.abs(bx - ax) + 1, h: Math.abs(by - ay) + 1 };
}

/** A finding (splice or grid map) turned upright for the file's EXIF `orientation` (1–8; anything else is 1). */
export function uprightSplice<R extends { x: number; y: number; w: number; h: number }>(f: { regions: R[]; heat: Float32Array; blocksWide: number; blocksHigh: number; width: number; height: number }, orientation: number): Upright<R> {
  const { width, height } = f;
  const o = Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : 1;
  const bw = f.blocksWide;
  const bh = Math.max(f.blocksHigh, Math.ceil(height / 8));
  const swap = o >= 5;
  const hw = swap ? bh : bw;
  const hh = swap ? bw : bh;
  const data = new Float32Array(hw * hh);
  for (let y = 0; y < f.blocksHigh; y++) {
    for (let x = 0; x < bw; x++) {
      const [X, Y] = orientPoint(x, y, bw, bh, o);
      data[Y * hw + X] = f.heat[y * bw + x]!;
    }
  }
  const regions = f.regions.map((r) => ({ ...r, ...orientBox(r, width, height, o) }));
  return { regions, heat: { width: hw, height: hh, data }, coverage: Math.min(1, f.blocksHigh / Math.ceil(height / 8)), width: swap ? height : width, height: swap ? width : height };
}
