/**
 * Content that was a JPEG on another 8×8 grid: the non-aligned double-JPEG map (after Bianchi &
 * Piva's integer periodicity test, TIFS 2012).
 *
 * A JPEG quantises the DC coefficient of every 8×8 block to a multiple of its step. A picture
 * decoded and saved again keeps that lattice on its *earlier* grid: when the two grids differ —
 * a region pasted in from another JPEG at any position that is not a multiple of 8 from where it
 * was cut, or a whole picture cropped after an earlier save — the block sums taken on the earlier
 * grid still cluster at multiples of the earlier step, through the noise of the later save. On
 * any other grid they do not. For every grid shift (dx, dy) of the 63 that are not the file's own,
 * every candidate step q, and every window of 8×8 blocks, the phases 2π·DC/q of the window's
 * blocks are summed; n·R² (R: the length of their mean) is ≈ 1 by chance and grows with n when
 * the blocks share the lattice. A window's evidence for a shift is its best n·R² over the steps,
 * less the median over all 64 shifts (flat or clipped areas, which look periodic at every shift,
 * then give nothing).
 *
 * A shift that carries most of the picture is the picture's own history (it was cropped after an
 * earlier save): one that holds most of the strong windows, spread over at least half the
 * picture; or whose connected regions hold a fifth of its windows (pastes in the DEV evaluation
 * held at most 12 %); or that the windows off its regions still prefer far more often than chance
 * (a cropped or re-saved picture whose earlier lattice passes the threshold only where its content
 * lets it, and shows as a weak preference everywhere else; a paste leaves no such preference
 * outside it). Regions are where another shift is strong: content that was compressed on a grid
 * the rest of the picture was not on — pasted in, in practice.
 *
 * What it cannot see: a paste whose earlier grid happens to line up with the file's (1 in 64 of
 * random placements; the splice map covers some of those), an earlier save too fine to leave a
 * lattice through the later one (earlier DC step under 4: quality above ≈ 85 for libjpeg tables),
 * content resized or rotated after its earlier save (the grid is gone), flat regions.
 */
import type { GridRegion as DomainGridRegion } from '../../../src-shared/domain/detection';
import type { LumaCoefficients } from './jpeg-dct';
import { decodeHead, lumaPixels, type LumaPixels } from './jpeg-history';
import { ijgTable, STD_LUMA } from './jpeg-quality';

export const JPEG_GRID_METHOD = 'shifted-grid DC lattice map 1';

export interface GridMapOptions {
  /** Side of the window, in blocks. */
  window?: number;
  /** Candidate earlier DC steps, smallest and largest. */
  minStep?: number;
  maxStep?: number;
  /** Windows are anchored every `stride` blocks (1: every block; it must divide `window`). 0: 1 up to 32,768 blocks (2 megapixels), else 2. */
  stride?: number;
  /** A block is judged only when the variance of its pixels is at least this (grey levels²): a smooth block's sum follows its neighbours' lattice on the file's own grid at several shifts. */
  minVariance?: number;
  /** A window needs at least this many judged blocks at a shift (else its strength there is 0). */
  minBlocks?: number;
}

export const GRID_MAP_DEFAULTS: Required<GridMapOptions> = { window: 8, minStep: 4, maxStep: 24, stride: 0, minVariance: 16, minBlocks: 16 };

export interface GridMap {
  method: string;
  /** Blocks of the file's grid (those for which every shifted block lies inside the decoded picture). */
  blocksWide: number;
  blocksHigh: number;
  window: number;
  stride: number;
  /** Window anchors: windowsWide × windowsHigh, anchor (i, j) at block (i·stride, j·stride). */
  windowsWide: number;
  windowsHigh: number;
  /** Per window and shift (s = 8·dy + dx), the best n·R² over the steps: [window][64]. */
  strength: Float32Array;
  /** Per window and shift, the step that gave it. */
  step: Uint8Array;
  /** Per window, the median of its 64 strengths. */
  median: Float32Array;
}

/** The key counted most often (the first of equals). */
const mostCommon = (tally: Map<number, number>) => [...tally.entries()].sort((a, b) => b[1] - a[1])[0]![0];

const TABLE = 1024;
/** cos and sin of 2π·i/TABLE, interleaved (rounded to 32-bit floats, as the map has always summed them). */
const COS_SIN = new Float64Array(2 * TABLE);
for (let i = 0; i < TABLE; i++) {
  COS_SIN[2 * i] = Math.fround(Math.cos((2 * Math.PI * i) / TABLE));
  COS_SIN[2 * i + 1] = Math.fround(Math.sin((2 * Math.PI * i) / TABLE));
}

/** The lattice strength of every window at every grid shift and step (see the module comment). `pixels`: lumaPixels(l), when the caller has them. */
export function gridMap(l: LumaCoefficients, opts: GridMapOptions = {}, pixels?: LumaPixels): GridMap | null {
  const o = { ...GRID_MAP_DEFAULTS, ...opts };
  const px = pixels ?? lumaPixels(l);
  const W = px.width;
  const H = px.height;
  const BW = l.blocksWide - 1;
  const BH = l.rowsDecoded - 1;
  const B = o.window;
  if (BW < B || BH < B) return null;
  const stride = o.stride > 0 && B % o.stride === 0 ? o.stride : BW * BH <= 32768 ? 1 : 2;
  const WW = Math.floor((BW - B) / stride) + 1;
  const WH = Math.floor((BH - B) / stride) + 1;
  // Summed-area tables of the level-shifted luma and its square, as a decoder gives it (rounded,
  // clamped to 0..255): any 8×8 block sum in four reads. They are 32-bit and wrap around; a block's
  // sums (at most 64·255²) fit, so the four-read difference taken modulo 2³² is exact — half the
  // memory of 64-bit tables (134 MB for a 16.8 MP picture).
  const sat = new Int32Array((W + 1) * (H + 1));
  const sat2 = new Int32Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    let row2 = 0;
    const from = y * W;
    const up = y * (W + 1) + 1;
    const at = up + W + 1;
    for (let x = 0; x < W; x++) {
      const p = px.data[from + x]!;
      const v = (p <= 0 ? 0 : p >= 255 ? 255 : Math.round(p)) - 128;
      row = (row + v) | 0;
      row2 = (row2 + v * v) | 0;
      sat[at + x] = (sat[up + x]! + row) | 0;
      sat2[at + x] = (sat2[up + x]! + row2) | 0;
    }
  }
  const nb = BW * BH;
  // Windows are summed from cells of stride × stride blocks: the phasors of a step go into the
  // cells, a summed-area table over the cells gives every window in four reads.
  const K = B / stride;
  const CW = Math.floor(BW / stride);
  const CH = Math.floor(BH / stride);
  const nc = CW * CH;
  // A block's sum is a whole number in [−8192, 8128] (64 pixels of −128..127): its phase at a step is
  // looked up, per step, from a table over every possible sum (the same arithmetic, done once per value).
  const sums = new Int32Array(nb);
  const nq = o.maxStep - o.minStep + 1;
  const phases = new Uint16Array(nq * 16384);
  for (let q = o.minStep; q <= o.maxStep; q++) {
    const inv = 1 / q;
    for (let v = 0; v < 16384; v++) {
      const t = ((v - 8192) / 8) * inv;
      phases[(q - o.minStep) * 16384 + v] = ((t - Math.floor(t)) * TABLE) | 0;
    }
  }
  const cellOf = new Int32Array(nb);
  const cellN = new Float64Array(nc);
  // The phasor sums of the cells, re and im interleaved, and their summed-area tables.
  const acc = new Float64Array(2 * nc);
  const satN = new Float64Array((CW + 1) * (CH + 1));
  const satRe = new Float64Array((CW + 1) * (CH + 1));
  const satIm = new Float64Array((CW + 1) * (CH + 1));
  // The windows with enough judged blocks at a shift: their index, block count and corner in the cell tables.
  const live = new Int32Array(WW * WH);
  const liveCount = new Float64Array(WW * WH);
  const liveAt = new Int32Array(WW * WH);
  // Their best strength over the steps so far (32-bit, as stored) and the step that gave it.
  const best = new Float32Array(WW * WH);
  const bestStep = new Uint8Array(WW * WH);
  const strength = new Float32Array(WW * WH * 64);
  const step = new Uint8Array(WW * WH * 64);
  const down = K * (CW + 1);
  for (let s = 0; s < 64; s++) {
    const dy = s >> 3;
    const dx = s & 7;
    // The judged blocks of this shift: their DC and their cell.
    let nj = 0;
    cellN.fill(0);
    for (let by = 0; by < CH * stride; by++) {
      const y0 = by * 8 + dy;
      const crow = Math.floor(by / stride) * CW;
      for (let bx = 0; bx < CW * stride; bx++) {
        const x0 = bx * 8 + dx;
        const a = y0 * (W + 1) + x0;
        const c = a + 8 * (W + 1);
        const sum = (sat[c + 8]! - sat[c]! - sat[a + 8]! + sat[a]!) | 0;
        const sum2 = (sat2[c + 8]! - sat2[c]! - sat2[a + 8]! + sat2[a]!) | 0;
        if (sum2 / 64 - (sum / 64) ** 2 < o.minVariance) continue;
        const cell = crow + Math.floor(bx / stride);
        sums[nj] = sum + 8192;
        cellOf[nj] = cell;
        cellN[cell]! += 1;
        nj++;
      }
    }
    for (let cy = 0; cy < CH; cy++) {
      let r = 0;
      for (let cx = 0; cx < CW; cx++) {
        r += cellN[cy * CW + cx]!;
        const at = (cy + 1) * (CW + 1) + cx + 1;
        satN[at] = satN[at - (CW + 1)]! + r;
      }
    }
    let nl = 0;
    for (let w = 0; w < WW * WH; w++) {
      const wx = w % WW;
      const a = ((w - wx) / WW) * (CW + 1) + wx;
      const n = satN[a + down + K]! - satN[a + K]! - satN[a + down]! + satN[a]!;
      if (n >= o.minBlocks) {
        live[nl] = w;
        liveCount[nl] = n;
        liveAt[nl] = a;
        best[nl] = 0;
        bestStep[nl] = 0;
        nl++;
      }
    }
    if (!nl) continue;
    for (let q = o.minStep; q <= o.maxStep; q++) {
      const phaseOf = phases.subarray((q - o.minStep) * 16384, (q - o.minStep + 1) * 16384);
      acc.fill(0);
      for (let j = 0; j < nj; j++) {
        const k = phaseOf[sums[j]!]! << 1;
        const c = cellOf[j]! << 1;
        acc[c]! += COS_SIN[k]!;
        acc[c + 1]! += COS_SIN[k + 1]!;
      }
      for (let cy = 0; cy < CH; cy++) {
        let re = 0;
        let im = 0;
        for (let cx = 0; cx < CW; cx++) {
          const c = (cy * CW + cx) << 1;
          re += acc[c]!;
          im += acc[c + 1]!;
          const at = (cy + 1) * (CW + 1) + cx + 1;
          satRe[at] = satRe[at - (CW + 1)]! + re;
          satIm[at] = satIm[at - (CW + 1)]! + im;
        }
      }
      for (let i = 0; i < nl; i++) {
        const a = liveAt[i]!;
        const c = a + down;
        const sr = satRe[c + K]! - satRe[a + K]! - satRe[c]! + satRe[a]!;
        const si = satIm[c + K]! - satIm[a + K]! - satIm[c]! + satIm[a]!;
        const v = (sr * sr + si * si) / liveCount[i]!;
        if (v > best[i]!) {
          best[i] = v;
          bestStep[i] = q;
        }
      }
    }
    for (let i = 0; i < nl; i++) {
      const at = live[i]! * 64 + s;
      strength[at] = best[i]!;
      step[at] = bestStep[i]!;
    }
  }
  const median = new Float32Array(WW * WH);
  const tmp = new Float32Array(64);
  for (let w = 0; w < WW * WH; w++) {
    tmp.set(strength.subarray(w * 64, w * 64 + 64));
    tmp.sort();
    median[w] = (tmp[31]! + tmp[32]!) / 2;
  }
  return { method: JPEG_GRID_METHOD, blocksWide: BW, blocksHigh: BH, window: B, stride, windowsWide: WW, windowsHigh: WH, strength, step, median };
}

/** Per window, its strongest shift other than the file's own and those in `skip`, and that shift's evidence (strength less the median). */
export function bestShifts(m: GridMap, skip: number[] = []): { shift: Uint8Array; evidence: Float32Array } {
  const nw = m.windowsWide * m.windowsHigh;
  const shift = new Uint8Array(nw);
  const evidence = new Float32Array(nw);
  for (let w = 0; w < nw; w++) {
    let best = -Infinity;
    let bs = 0;
    for (let s = 1; s < 64; s++) {
      if (skip.includes(s)) continue;
      const v = m.strength[w * 64 + s]!;
      if (v > best) {
        best = v;
        bs = s;
      }
    }
    shift[w] = bs;
    evidence[w] = best - m.median[w]!;
  }
  return { shift, evidence };
}

export interface GridRegionOptions {
  /** A region needs a window whose evidence (n·R² above the window's median) exceeds this. */
  threshold?: number;
  /** Around it, windows whose evidence at the same shift exceeds this share of the threshold join it. */
  grow?: number;
  /** The picture's own earlier grid: a shift that holds at least this share of the windows over the threshold … */
  dominantShare?: number;
  /** … and whose strong windows span at least this share of the picture (their bounding box). */
  minSpread?: number;
  /** … or whose regions hold at least this share of the picture's windows. */
  ownShare?: number;
  /** … or that is the best shift of at least this share of the windows off its regions (with any evidence): chance is 1 in 63. */
  ownSupport?: number;
  /** Regions reported, largest first, at most. */
  maxRegions?: number;
}

export const GRID_REGION_DEFAULTS: Required<GridRegionOptions> = { threshold: 24, grow: 0.5, dominantShare: 0.5, minSpread: 0.5, ownShare: 0.2, ownSupport: 0.12, maxRegions: 8 };

/** A region of content on another grid, in stored picture pixels: the shared record's shape, before the earlier step is named as a quality. */
export type GridRegion = Omit<DomainGridRegion, 'earlierQuality'>;

export interface GridFinding {
  method: string;
  /**
   * The picture's own earlier grid (it was cropped after an earlier save, or is mostly made of a
   * picture that was): a shift that carries most of the strong windows spread over the picture,
   * whose regions hold `ownShare` of it, or that `ownSupport` of the windows off its regions prefer.
   * share: the part of the picture its strong windows span (their bounding box).
   */
  pictureGrid: { dx: number; dy: number; earlierStep: number; share: number } | null;
  regions: GridRegion[];
  /** Per block of the file's grid (blocksWide × blocksHigh): evidence / threshold of the strongest window over it, 0..2. */
  heat: Float32Array;
  blocksWide: number;
  blocksHigh: number;
  width: number;
  height: number;
  analysedWidth: number;
  analysedHeight: number;
  threshold: number;
}

/** Regions of a grid map (see GridRegionOptions); `width`, `height`: the stored picture's size. */
export function gridRegions(m: GridMap, width: number, height: number, opts: GridRegionOptions = {}): GridFinding {
  const o = { ...GRID_REGION_DEFAULTS, ...opts };
  const WW = m.windowsWide;
  const WH = m.windowsHigh;
  const nw = WW * WH;
  const T = o.threshold;
  // The picture's own earlier grid (it was cropped after an earlier save): the shift that holds most
  // of the strong windows and whose strong windows spread over most of the picture. A paste is
  // compact; a cropped picture's earlier grid shows wherever its content lets it, far apart.
  const first = bestShifts(m);
  const strongCount = new Float64Array(64);
  let strongAll = 0;
  for (let w = 0; w < nw; w++) {
    if (first.evidence[w]! > T) {
      strongCount[first.shift[w]!]! += 1;
      strongAll++;
    }
  }
  let gs = 1;
  for (let s = 2; s < 64; s++) if (strongCount[s]! > strongCount[gs]!) gs = s;
  /** The windows whose best shift in `b` is `s` with evidence over `floor`: the share of the windows their bounding box spans, and their most common step. */
  const spanAt = (b: ReturnType<typeof bestShifts>, s: number, floor: number) => {
    let x0 = WW;
    let y0 = WH;
    let x1 = -1;
    let y1 = -1;
    const steps = new Map<number, number>();
    for (let w = 0; w < nw; w++) {
      if (b.shift[w] !== s || b.evidence[w]! <= floor) continue;
      const wx = w % WW;
      const wy = (w - wx) / WW;
      x0 = Math.min(x0, wx);
      x1 = Math.max(x1, wx);
      y0 = Math.min(y0, wy);
      y1 = Math.max(y1, wy);
      steps.set(m.step[w * 64 + s]!, (steps.get(m.step[w * 64 + s]!) ?? 0) + 1);
    }
    return { share: x1 < 0 ? 0 : ((x1 - x0 + 1) * (y1 - y0 + 1)) / nw, step: steps.size ? mostCommon(steps) : 0 };
  };
  let pictureGrid: GridFinding['pictureGrid'] = null;
  let best = first;
  if (strongAll > 0 && strongCount[gs]! >= o.dominantShare * strongAll) {
    const span = spanAt(first, gs, T);
    if (span.share >= o.minSpread) {
      pictureGrid = { dx: gs & 7, dy: gs >> 3, earlierStep: span.step, share: Math.round(span.share * 1000) / 1000 };
      best = bestShifts(m, [gs]);
    }
  }
  const evAt = (w: number, s: number) => m.strength[w * 64 + s]! - m.median[w]!;
  const px = m.stride * 8;
  const side = m.window * 8;
  const analysedWidth = Math.min(width, (m.blocksWide + 1) * 8);
  const analysedHeight = Math.min(height, (m.blocksHigh + 1) * 8);
  const share = (w: number, h: number) => Math.min(1, Math.round(((w * h) / (analysedWidth * analysedHeight)) * 10000) / 10000);
  type Found = GridRegion & { windows: number };
  /** Connected windows over the threshold at their best shift, grown at that shift. */
  const regionsOf = (best: ReturnType<typeof bestShifts>): Found[] => {
    const label = new Int32Array(nw);
    const order = [...Array(nw).keys()].filter((w) => best.evidence[w]! > T).sort((a, b) => best.evidence[b]! - best.evidence[a]!);
    const found: Found[] = [];
    for (const seed of order) {
      if (label[seed]) continue;
      const s = best.shift[seed]!;
      const n = found.length + 1;
      label[seed] = n;
      const stack = [seed];
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      let windows = 0;
      const steps = new Map<number, number>();
      while (stack.length) {
        const w = stack.pop()!;
        const wx = w % WW;
        const wy = (w - wx) / WW;
        windows++;
        // The box is the hull of the region's window centres: a window whose centre lies outside a
        // paste has under half its blocks on it, and its evidence falls off with the square of that share.
        const cx = wx * px + side / 2;
        const cy = wy * px + side / 2;
        x0 = Math.min(x0, cx - px / 2);
        y0 = Math.min(y0, cy - px / 2);
        x1 = Math.max(x1, cx + px / 2);
        y1 = Math.max(y1, cy + px / 2);
        const st = m.step[w * 64 + s]!;
        steps.set(st, (steps.get(st) ?? 0) + 1);
        for (const k of [wx > 0 ? w - 1 : -1, wx < WW - 1 ? w + 1 : -1, wy > 0 ? w - WW : -1, wy < WH - 1 ? w + WW : -1]) {
          if (k >= 0 && !label[k] && evAt(k, s) > o.grow * T) {
            label[k] = n;
            stack.push(k);
          }
        }
      }
      // A region narrower than one window is widened to it (centred, inside the picture): the
      // evidence came from the whole window.
      const span = (lo: number, hi: number, size: number): [number, number] => {
        let a = Math.max(0, Math.round(lo));
        let b = Math.min(size, Math.round(hi));
        if (b - a < side) {
          const c = (a + b) / 2;
          a = Math.max(0, Math.min(size - side, Math.round(c - side / 2)));
          b = Math.min(size, a + side);
        }
        return [a, b - a];
      };
      const [bx, bw] = span(x0, x1, analysedWidth);
      const [by, bh] = span(y0, y1, analysedHeight);
      const earlierStep = mostCommon(steps);
      found.push({ x: bx, y: by, w: bw, h: bh, areaShare: share(bw, bh), peak: Math.round(best.evidence[seed]! * 10) / 10, dx: s & 7, dy: s >> 3, earlierStep, windows });
    }
    // Pieces of one region at the same shift, split by a window or two of weak content, are one
    // region: boxes that overlap or lie within half a window of each other are merged.
    for (let merged = true; merged; ) {
      merged = false;
      for (let i = 0; i < found.length && !merged; i++) {
        for (let j = i + 1; j < found.length && !merged; j++) {
          const p = found[i]!;
          const r = found[j]!;
          if (p.dx !== r.dx || p.dy !== r.dy) continue;
          const gapX = Math.max(p.x, r.x) - Math.min(p.x + p.w, r.x + r.w);
          const gapY = Math.max(p.y, r.y) - Math.min(p.y + p.h, r.y + r.h);
          if (gapX > side / 2 || gapY > side / 2) continue;
          const x = Math.min(p.x, r.x);
          const y = Math.min(p.y, r.y);
          const w = Math.max(p.x + p.w, r.x + r.w) - x;
          const h = Math.max(p.y + p.h, r.y + r.h) - y;
          found[i] = { ...p, x, y, w, h, areaShare: share(w, h), peak: Math.max(p.peak, r.peak), earlierStep: p.windows >= r.windows ? p.earlierStep : r.earlierStep, windows: p.windows + r.windows };
          found.splice(j, 1);
          merged = true;
        }
      }
    }
    return found.sort((a, b) => b.windows - a.windows);
  };
  let found = regionsOf(best);
  // The picture's own earlier grid, second sign: one shift's regions hold at least `ownShare` of
  // the picture's windows. A paste that large is a composite of two pictures of which this one is
  // the larger part on another grid, and is described as the picture's earlier grid over that part.
  if (!pictureGrid) {
    const windowsAt = new Float64Array(64);
    for (const r of found) windowsAt[r.dy * 8 + r.dx]! += r.windows;
    let s = 1;
    for (let k = 2; k < 64; k++) if (windowsAt[k]! > windowsAt[s]!) s = k;
    if (windowsAt[s]! >= o.ownShare * nw) {
      const at = found.filter((r) => r.dy * 8 + r.dx === s);
      const x0 = Math.min(...at.map((r) => r.x));
      const y0 = Math.min(...at.map((r) => r.y));
      const x1 = Math.max(...at.map((r) => r.x + r.w));
      const y1 = Math.max(...at.map((r) => r.y + r.h));
      pictureGrid = { dx: s & 7, dy: s >> 3, earlierStep: at[0]!.earlierStep, share: Math.round(share(x1 - x0, y1 - y0) * 1000) / 1000 };
      best = bestShifts(m, [s]);
      found = regionsOf(best);
    }
  }
  // Third sign: the windows off a shift's regions still prefer that shift far more often than
  // chance (1 in 63) — the lattice of an earlier save of the whole picture, strong enough to pass
  // the threshold only where the content lets it. Such regions are the picture's own history, not
  // pastes: the shift is named as its earlier grid (or, when one is named already, left out), and
  // the regions are found again without it.
  const skip = pictureGrid ? [pictureGrid.dy * 8 + pictureGrid.dx] : [];
  for (let round = 0; round < 4 && found.length; round++) {
    let own = -1;
    let ownSupport = 0;
    for (const s of new Set(found.map((r) => r.dy * 8 + r.dx))) {
      const at = found.filter((r) => r.dy * 8 + r.dx === s);
      let n = 0;
      let k = 0;
      for (let w = 0; w < nw; w++) {
        if (best.evidence[w]! <= 0) continue;
        const wx = (w % WW) * px;
        const wy = Math.floor(w / WW) * px;
        if (at.some((r) => wx < r.x + r.w && wx + side > r.x && wy < r.y + r.h && wy + side > r.y)) continue;
        n++;
        if (best.shift[w] === s) k++;
      }
      if (n && k / n >= o.ownSupport && k / n > ownSupport) {
        own = s;
        ownSupport = k / n;
      }
    }
    if (own < 0) break;
    if (!pictureGrid) {
      const earlierStep = found.filter((r) => r.dy * 8 + r.dx === own).sort((a, b) => b.windows - a.windows)[0]!.earlierStep;
      pictureGrid = { dx: own & 7, dy: own >> 3, earlierStep, share: Math.round(spanAt(best, own, o.grow * T).share * 1000) / 1000 };
    }
    skip.push(own);
    best = bestShifts(m, skip);
    found = regionsOf(best);
  }
  const regions = found.slice(0, o.maxRegions).map(({ windows: _w, ...r }) => r);
  // Heat per block: the strongest evidence of the windows whose middle covers it.
  const BW = m.blocksWide + 1;
  const BH = m.blocksHigh + 1;
  const heat = new Float32Array(BW * BH);
  const q = m.window / 4;
  for (let w = 0; w < nw; w++) {
    const v = Math.max(0, Math.min(2, best.evidence[w]! / T));
    if (!v) continue;
    const wx = (w % WW) * m.stride;
    const wy = Math.floor(w / WW) * m.stride;
    for (let y = wy + q; y < wy + 3 * q && y < BH; y++) for (let x = wx + q; x < wx + 3 * q && x < BW; x++) if (v > (heat[y * BW + x] ?? 0)) heat[y * BW + x] = v;
  }
  return { method: m.method, pictureGrid, regions, heat, blocksWide: BW, blocksHigh: BH, width, height, analysedWidth, analysedHeight, threshold: T };
}

/** Luma blocks the grid map covers at most (about 16.8 megapixels, as the splice map). */
export const GRID_BLOCKS = 262144;

export type JpegGrid = { ok: true; grid: GridFinding | null } | { ok: false; reason: string };

/** The grid map and its regions for a JPEG held in memory (null when the picture is under 9 × 9 blocks). */
export function jpegGridOfLuma(l: LumaCoefficients, opts: GridMapOptions & GridRegionOptions = {}, pixels?: LumaPixels): GridFinding | null {
  const m = gridMap(l, opts, pixels);
  return m ? gridRegions(m, l.width, l.height, opts) : null;
}

export function jpegGridOfBuffer(buf: Buffer, opts: GridMapOptions & GridRegionOptions = {}): JpegGrid {
  const d = decodeHead({ buf, whole: true }, GRID_BLOCKS);
  return d.ok ? { ok: true, grid: jpegGridOfLuma(d.luma, opts) } : d;
}

/** The libjpeg quality whose standard luma table has this DC step (the middle one of those that do), or null. */
export function earlierQualityOfStep(step: number): number | null {
  const qs: number[] = [];
  for (let q = 1; q <= 100; q++) if (ijgTable(STD_LUMA, q)[0] === step) qs.push(q);
  return qs.length ? qs[Math.floor(qs.length / 2)]! : null;
}
