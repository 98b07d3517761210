/**
 * Copy-move (clone) detection: finds regions of a still picture that are copies of other
 * regions of the same picture — what a clone-stamp tool, or a pasted duplicate of an object,
 * leaves. No model and no training: a dense-field method in the manner of Cozzolino, Poggi
 * and Verdoliva (IEEE TIFS 2015):
 *
 * 1. the luma, shrunk (area average) so that the long side is at most `maxSide`;
 * 2. for every pixel position, the ten lowest-frequency 2-D DCT coefficients of the
 *    `block`×`block` patch there (separable: four row filters, then ten column filters);
 * 3. PatchMatch (Barnes et al. 2009) finds, for every textured patch, its most similar patch at
 *    least `minShift` away: a dense offset field. In a cloned region every patch has its twin at
 *    one and the same offset, and propagation spreads that exact offset over the whole region;
 *    elsewhere the offsets are scattered;
 * 4. a position counts when most of its neighbourhood shares its offset (±1 px) and its patch and
 *    the matched patch agree pixel by pixel on the lightly smoothed luma (root-mean-square
 *    difference under `maxRmsDiff` grey levels, under `maxRelDiff` of the patch's own contrast and
 *    under `maxSelfRatio` of its difference to itself shifted by one pixel: recompression noise,
 *    not the difference between two bricks of a wall), the patch has structure at 2–3 px, and the
 *    pattern does not repeat at the same step (matchHolds);
 * 5. connected positions with one offset form a region; a region is kept when it is large enough
 *    and its twin — the region the offset points to — points back (the copy finds its original
 *    as the original finds its copy), and the two do not overlap;
 * 6. a picture whose regions repeat at three or more different steps holds a repeating pattern
 *    (wallpaper, a step-and-repeat banner): no region is reported, and `patternSteps` says why.
 *
 * Mirrored copies (flipped left–right) are found by a second field over the mirrored
 * features: a horizontal flip negates the odd horizontal frequencies, and under a mirror the
 * sum of the two positions' x (not their difference) is constant across the region.
 *
 * It does not find copies that were rotated (other than by the mirror), rescaled, or recoloured
 * (a brightness change moves the DC term), copies smaller than the minimum area, or copies of
 * flat areas (sky, walls: any patch of those matches any other). Pictures that repeat content
 * for real — collages, screenshots with repeated icons, printed patterns — show duplicated
 * regions too; the finding says where, so that the analyst can judge.
 *
 * All loops are plain typed-array code, deterministic (a fixed-seed generator), so the same
 * file gives the same finding every time.
 */
import type { CloneRegion, PixelBox } from '../../../src-shared/domain/detection';
import type { RgbImage } from './types';

/** Method name and version recorded with every check (bump when a change moves findings). */
export const COPY_MOVE_METHOD = 'dense-dct-patchmatch 1';

export interface CopyMoveOptions {
  /** Long side of the analysed luma, px (the picture is shrunk to it, never enlarged). */
  maxSide?: number;
  /** Patch size, px at the analysed scale. */
  block?: number;
  /** Smallest distance between a patch and its match, px at the analysed scale. */
  minShift?: number;
  /** PatchMatch iterations (alternating scan directions). */
  iterations?: number;
  /** Patches whose luma standard deviation is under this (grey levels) are flat and never matched. */
  flatStd?: number;
  /** A match's root-mean-square pixel difference must be under this (grey levels)… */
  maxRmsDiff?: number;
  /** …and under this share of the patch's standard deviation. */
  maxRelDiff?: number;
  /** Smallest region: this share of the analysed picture's area… */
  minAreaShare?: number;
  /** …and at least this many pixels at the analysed scale. */
  minAreaPx?: number;
  /** A patch must differ from itself shifted by 2–3 px by at least this (grey levels)… */
  minSelfDiff?: number;
  /** …and its match must be closer than this share of its difference to itself shifted by 1 px. */
  maxSelfRatio?: number;
  /** Quantisation step of the features for the sort that seeds the field. */
  quantStep?: number;
  /** How many following patches in sorted order each patch is compared with. */
  sortWindow?: number;
  /** Pairs of at least this share of the minimum area count towards the repeating-pattern test… */
  patternMinArea?: number;
  /** …which holds when they repeat at this many different steps or more. */
  patternMinSteps?: number;
  /** Also look for mirrored (left–right flipped) copies. */
  mirror?: boolean;
  seed?: number;
}

export const COPY_MOVE_DEFAULTS: Required<CopyMoveOptions> = {
  maxSide: 768,
  block: 16,
  minShift: 24,
  iterations: 4,
  flatStd: 4,
  maxRmsDiff: 12,
  maxRelDiff: 0.35,
  minAreaShare: 0.002,
  minAreaPx: 1024,
  minSelfDiff: 2,
  maxSelfRatio: 0.75,
  patternMinArea: 0.5,
  patternMinSteps: 3,
  quantStep: 8,
  sortWindow: 4,
  mirror: true,
  seed: 0x9e3779b9,
};

/** A region pair (boxes in the original picture's pixels), with the area it covers in pixels. */
export type FoundClone = CloneRegion & { areaPx: number };

export interface CopyMoveResult {
  regions: FoundClone[];
  /** The analysed luma's size and its scale relative to the picture (≤ 1). */
  analysed: { width: number; height: number; scale: number };
  /** Per pixel of the analysed picture: 0, or 1 + the index of the region pair it belongs to. */
  mask: Uint8Array;
  /** Textured (matchable) share of the patches: a low share means little the check can see. */
  texturedShare: number;
  /**
   * How many different steps the picture was found to repeat itself at, when three or more (a
   * repeating pattern: no region is reported then); 0 otherwise.
   */
  patternSteps: number;
  /**
   * Every region pair that passed the twin test, before the size floor and the pattern test (for
   * the evaluation script, which tunes those two; not stored).
   */
  candidates: { areaShare: number; mirrored: boolean; step: [number, number]; a: PixelBox; b: PixelBox }[];
}

/** Rec. 601 luma of an RGB24 picture, area-averaged down to at most maxSide on the long side. */
export function lumaAtMost(img: RgbImage, maxSide: number): { y: Float32Array; width: number; height: number; scale: number } {
  const { width: W, height: H, data } = img;
  const scale = Math.min(1, maxSide / Math.max(W, H));
  const w = Math.max(1, Math.round(W * scale));
  const h = Math.max(1, Math.round(H * scale));
  const lumaAt = (i: number) => 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!;
  if (w === W && h === H) {
    const full = new Float32Array(W * H);
    for (let i = 0; i < full.length; i++) full[i] = lumaAt(i);
    return { y: full, width: W, height: H, scale: 1 };
  }
  // No full-resolution luma is kept (a 100-megapixel picture would need 400 MB): the horizontal
  // pass reads the RGB bytes directly.
  // Separable area average: each output sample integrates its footprint, fractional at the ends.
  const axis = (n: number, m: number) => {
    const idx: number[][] = [];
    const wts: number[][] = [];
    const f = n / m;
    for (let o = 0; o < m; o++) {
      const s0 = o * f;
      const s1 = (o + 1) * f;
      const is: number[] = [];
      const ws: number[] = [];
      for (let s = Math.floor(s0); s < Math.min(n, Math.ceil(s1)); s++) {
        const wgt = Math.min(s + 1, s1) - Math.max(s, s0);
        if (wgt > 0) {
          is.push(s);
          ws.push(wgt / f);
        }
      }
      idx.push(is);
      wts.push(ws);
    }
    return { idx, wts };
  };
  const ax = axis(W, w);
  const ay = axis(H, h);
  const tmp = new Float32Array(w * H);
  for (let y = 0; y < H; y++) {
    const r = y * W;
    for (let x = 0; x < w; x++) {
      const is = ax.idx[x]!;
      const ws = ax.wts[x]!;
      let s = 0;
      for (let k = 0; k < is.length; k++) s += lumaAt(r + is[k]!) * ws[k]!;
      tmp[y * w + x] = s;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const is = ay.idx[y]!;
    const ws = ay.wts[y]!;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = 0; k < is.length; k++) s += tmp[is[k]! * w + x]! * ws[k]!;
      out[y * w + x] = s;
    }
  }
  return { y: out, width: w, height: h, scale: w / W };
}

/**
 * The luma smoothed by the binomial kernel [1 4 6 4 1]/16 in both directions (σ ≈ 1 px, edges
 * repeated). Matches are checked on it: when the picture was shrunk for the analysis and a copy's
 * offset fell between pixels, the two shrunk versions of the copied pixels differ in their finest
 * grain (camera noise averaged over different source pixels) but not at the scale of a pixel or
 * two, where the content is.
 */
export function smooth(y: Float32Array, w: number, h: number): Float32Array {
  const K = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    const o = r * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -2; k <= 2; k++) s += K[k + 2]! * y[o + Math.min(w - 1, Math.max(0, x + k))]!;
      tmp[o + x] = s;
    }
  }
  for (let r = 0; r < h; r++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -2; k <= 2; k++) s += K[k + 2]! * tmp[Math.min(h - 1, Math.max(0, r + k)) * w + x]!;
      out[r * w + x] = s;
    }
  }
  return out;
}

/** The (u, v) frequency pairs used as features: u horizontal, v vertical, u + v ≤ 3. */
const FREQS: [number, number][] = [];
for (let s = 0; s <= 3; s++) for (let u = s; u >= 0; u--) FREQS.push([u, s - u]);
const NF = FREQS.length; // 10

/**
 * Low-frequency DCT features of every block×block patch (top-left at each position), interleaved
 * NF per position, plus each patch's standard deviation. Orthonormal DCT-II, so a feature distance
 * never exceeds the pixel distance (Parseval).
 */
export function blockFeatures(y: Float32Array, w: number, h: number, block: number): { feat: Float32Array; std: Float32Array; nw: number; nh: number } {
  const nw = w - block + 1;
  const nh = h - block + 1;
  if (nw < 1 || nh < 1) return { feat: new Float32Array(0), std: new Float32Array(0), nw: Math.max(0, nw), nh: Math.max(0, nh) };
  const basis: Float32Array[] = [];
  for (let u = 0; u < 4; u++) {
    const b = new Float32Array(block);
    const a = u === 0 ? Math.sqrt(1 / block) : Math.sqrt(2 / block);
    for (let i = 0; i < block; i++) b[i] = a * Math.cos((Math.PI * (2 * i + 1) * u) / (2 * block));
    basis.push(b);
  }
  // Row pass: rows[u][y * nw + x] = Σ_i basis[u][i] · y[y, x + i].
  const rows = basis.map(() => new Float32Array(h * nw));
  for (let r = 0; r < h; r++) {
    const o = r * w;
    for (let u = 0; u < 4; u++) {
      const b = basis[u]!;
      const dst = rows[u]!;
      for (let x = 0; x < nw; x++) {
        let s = 0;
        for (let i = 0; i < block; i++) s += b[i]! * y[o + x + i]!;
        dst[r * nw + x] = s;
      }
    }
  }
  const feat = new Float32Array(nw * nh * NF);
  for (let k = 0; k < NF; k++) {
    const [u, v] = FREQS[k]!;
    const src = rows[u]!;
    const b = basis[v]!;
    for (let r = 0; r < nh; r++) {
      for (let x = 0; x < nw; x++) {
        let s = 0;
        for (let j = 0; j < block; j++) s += b[j]! * src[(r + j) * nw + x]!;
        feat[(r * nw + x) * NF + k] = s;
      }
    }
  }
  // Standard deviation per patch from integral images of y and y² (double precision).
  const iw = w + 1;
  const s1 = new Float64Array(iw * (h + 1));
  const s2 = new Float64Array(iw * (h + 1));
  for (let r = 0; r < h; r++) {
    let a1 = 0;
    let a2 = 0;
    for (let x = 0; x < w; x++) {
      const v = y[r * w + x]!;
      a1 += v;
      a2 += v * v;
      s1[(r + 1) * iw + x + 1] = s1[r * iw + x + 1]! + a1;
      s2[(r + 1) * iw + x + 1] = s2[r * iw + x + 1]! + a2;
    }
  }
  const n = block * block;
  const std = new Float32Array(nw * nh);
  for (let r = 0; r < nh; r++) {
    for (let x = 0; x < nw; x++) {
      const A = r * iw + x;
      const B = A + block;
      const C = A + block * iw;
      const D = C + block;
      const m1 = (s1[D]! - s1[B]! - s1[C]! + s1[A]!) / n;
      const m2 = (s2[D]! - s2[B]! - s2[C]! + s2[A]!) / n;
      std[r * nw + x] = Math.sqrt(Math.max(0, m2 - m1 * m1));
    }
  }
  return { feat, std, nw, nh };
}

/** Features of each patch mirrored left–right: the odd horizontal frequencies change sign. */
function mirroredFeatures(feat: Float32Array): Float32Array {
  const out = new Float32Array(feat.length);
  for (let p = 0; p < feat.length; p += NF) for (let k = 0; k < NF; k++) out[p + k] = FREQS[k]![0] % 2 ? -feat[p + k]! : feat[p + k]!;
  return out;
}

/** xorshift32: a small, fixed-seed generator in [0, 1) (the result must not vary between runs). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * Candidate pairs from sorting: every patch's features quantised (`step`), the patches sorted
 * lexicographically by them, and each compared with the next `k` in that order, so that
 * near-identical patches — a copy and its original — meet wherever they are in the picture
 * (Fridrich, Soukal and Lukáš 2003). With `mirror`, the patches and their mirror images are
 * sorted together: pairs of two patches seed the plain field, pairs of a patch and a mirror
 * image the mirrored one. Returns flat (p, q) pairs of positions for each.
 */
function sortedCandidates(feat: Float32Array, mirror: Float32Array | null, skip: Uint8Array, n: number, step: number, offset: number, k: number): { plain: Int32Array; mirrored: Int32Array } {
  const m = mirror ? 2 * n : n;
  const codes = new Int16Array(m * NF);
  // The first three codes (the DC term, 0…510 at the default step, in 10 bits; the two
  // first-order terms in 11 bits each) and the entry's index (21 bits) packed into one number
  // under 2^53, so exactly representable, sorted natively; runs that tie on the three codes and
  // are longer than the window are then sorted on all ten.
  const keys = new Float64Array(m);
  let nk = 0;
  const BITS = 2 ** 21;
  for (let p = 0; p < m; p++) {
    const src = p < n ? feat : mirror!;
    const sp = p < n ? p : p - n;
    if (skip[sp]) continue;
    for (let j = 0; j < NF; j++) codes[p * NF + j] = Math.max(-32768, Math.min(32767, Math.floor(src[sp * NF + j]! / step + offset)));
    const c0 = Math.max(0, Math.min(1023, codes[p * NF]! + 256));
    const c1 = Math.max(0, Math.min(2047, codes[p * NF + 1]! + 1024));
    const c2 = Math.max(0, Math.min(2047, codes[p * NF + 2]! + 1024));
    keys[nk++] = ((c0 * 2048 + c1) * 2048 + c2) * BITS + p;
  }
  const sorted = keys.subarray(0, nk).sort();
  const order = new Uint32Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) order[i] = sorted[i]! % BITS;
  const full = (a: number, b: number) => {
    const ia = a * NF;
    const ib = b * NF;
    for (let j = 3; j < NF; j++) {
      const d = codes[ia + j]! - codes[ib + j]!;
      if (d) return d;
    }
    return a - b;
  };
  for (let i = 0; i < sorted.length; ) {
    const head = Math.floor(sorted[i]! / BITS);
    let j = i + 1;
    while (j < sorted.length && Math.floor(sorted[j]! / BITS) === head) j++;
    if (j - i > k + 1) order.subarray(i, j).sort(full);
    i = j;
  }
  const pairs: number[] = [];
  const mirroredPairs: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const a = order[i]!;
    for (let j = i + 1; j <= i + k && j < order.length; j++) {
      const b = order[j]!;
      let same = true;
      for (let c = 0; c < 3 && same; c++) same = codes[a * NF + c] === codes[b * NF + c];
      if (!same) break;
      // Near-identical: at most two of the other codes one step apart, none further.
      let off = 0;
      for (let c = 3; c < NF && off <= 2; c++) {
        const d = codes[a * NF + c]! - codes[b * NF + c]!;
        off += d === 0 ? 0 : d === 1 || d === -1 ? 1 : 3;
      }
      if (off > 2) continue;
      if (a < n && b < n) pairs.push(a, b);
      else if (a < n !== b < n) mirroredPairs.push(a < n ? a : a - n, b < n ? b : b - n);
      // (two mirror images: the mirror of a pair of originals, already there)
    }
  }
  return { plain: Int32Array.from(pairs), mirrored: Int32Array.from(mirroredPairs) };
}

/**
 * The nearest-neighbour field. Plain: the match of p is p + (a, b). Mirrored: the match of p is
 * (a − p.x, p.y + b) and its features are compared mirrored, so that (a, b) is constant across a
 * mirrored copy. Seeded with the sorted candidates, then PatchMatch's propagation (each position
 * tries its scan-order neighbours' values) and a local search (±2, ±1 px around its own).
 * Returns a, b and the squared feature distance per position (Infinity: none).
 */
function patchMatch(
  feat: Float32Array,
  target: Float32Array,
  skip: Uint8Array,
  nw: number,
  nh: number,
  o: Required<CopyMoveOptions>,
  mirrored: boolean,
  seeds: Int32Array[],
): { a: Int32Array; b: Int32Array; cost: Float32Array } {
  const n = nw * nh;
  const A = new Int32Array(n);
  const B = new Int32Array(n);
  const cost = new Float32Array(n).fill(Infinity);
  const rand = seededRandom(o.seed ^ (mirrored ? 0x5bd1e995 : 0));
  const min2 = o.minShift * o.minShift;
  const evalAt = (p: number, px: number, py: number, a: number, b: number): void => {
    const qx = mirrored ? a - px : px + a;
    const qy = py + b;
    if (qx < 0 || qy < 0 || qx >= nw || qy >= nh) return;
    const dx = qx - px;
    const dy = qy - py;
    if (dx * dx + dy * dy < min2) return;
    const q = qy * nw + qx;
    if (skip[q]) return;
    let d = 0;
    const fp = p * NF;
    const fq = q * NF;
    for (let k = 0; k < NF; k++) {
      const e = feat[fp + k]! - target[fq + k]!;
      d += e * e;
    }
    if (d < cost[p]!) {
      cost[p] = d;
      A[p] = a;
      B[p] = b;
    }
  };
  const pair = (p: number, q: number) => {
    const px = p % nw;
    const py = (p - px) / nw;
    const qx = q % nw;
    const qy = (q - qx) / nw;
    evalAt(p, px, py, mirrored ? qx + px : qx - px, qy - py);
  };
  for (const s of seeds) {
    for (let i = 0; i < s.length; i += 2) {
      pair(s[i]!, s[i + 1]!);
      pair(s[i + 1]!, s[i]!);
    }
  }
  for (let it = 0; it < o.iterations; it++) {
    const fwd = it % 2 === 0;
    const step = fwd ? 1 : -1;
    for (let yy = 0; yy < nh; yy++) {
      const py = fwd ? yy : nh - 1 - yy;
      for (let xx = 0; xx < nw; xx++) {
        const px = fwd ? xx : nw - 1 - xx;
        const p = py * nw + px;
        if (skip[p]) continue;
        // Propagation from the neighbours already visited in this scan.
        const lx = px - step;
        if (lx >= 0 && lx < nw && cost[p - step]! < Infinity) evalAt(p, px, py, A[p - step]!, B[p - step]!);
        const ly = py - step;
        if (ly >= 0 && ly < nh && cost[p - step * nw]! < Infinity) evalAt(p, px, py, A[p - step * nw]!, B[p - step * nw]!);
        if (cost[p] === Infinity) continue;
        // Local search around the current best.
        for (let r = 2; r >= 1; r >>= 1) {
          evalAt(p, px, py, A[p]! + Math.round((rand() * 2 - 1) * r), B[p]! + Math.round((rand() * 2 - 1) * r));
        }
      }
    }
  }
  return { a: A, b: B, cost };
}

/**
 * Root-mean-square difference of two patches (top-left p and q; mirrored: q read right to left),
 * over every `step`-th row and column (2 for the self-comparisons of matchHolds: on the smoothed
 * luma a quarter of the pixels gives the same answer at a quarter of the cost).
 */
function rmsDiff(y: Float32Array, w: number, px: number, py: number, qx: number, qy: number, block: number, mirrored: boolean, step = 1): number {
  let s = 0;
  let n = 0;
  for (let j = 0; j < block; j += step) {
    const rp = (py + j) * w + px;
    const rq = (qy + j) * w + qx;
    if (mirrored) {
      for (let i = 0; i < block; i += step) {
        const e = y[rp + i]! - y[rq + block - 1 - i]!;
        s += e * e;
        n++;
      }
    } else {
      for (let i = 0; i < block; i += step) {
        const e = y[rp + i]! - y[rq + i]!;
        s += e * e;
        n++;
      }
    }
  }
  return Math.sqrt(s / n);
}

/**
 * Whether a match means copying, judged on the pixels (d: the match's rms difference):
 * - the patch has structure at 2–3 px (its rms difference to itself shifted that far is at least
 *   `minSelfDiff`): a smooth gradient, a streak or an edge-replicated border matches anything
 *   along it;
 * - the match is closer than the patch is to itself shifted by one pixel, times `maxSelfRatio`:
 *   a copy is that close even when the analysed picture was shrunk and the copy's offset fell
 *   between pixels (then it differs by about half a pixel's shift), two similar things are not;
 * - (unmirrored) the pattern does not repeat at the same step on the other side or at twice the
 *   step: a tiled floor or a row of windows matches at every multiple of its period, a copy only
 *   once; nor does the patch match itself 4 or 8 px further in the shift's direction (an edge or
 *   a stroke running along the shift).
 */
function matchHolds(y: Float32Array, w: number, nw: number, nh: number, px: number, py: number, qx: number, qy: number, d: number, o: Required<CopyMoveOptions>, mirrored: boolean): boolean {
  const B = o.block;
  const at = (dx: number, dy: number) => {
    const x = px + dx;
    const yy = py + dy;
    return x < 0 || yy < 0 || x >= nw || yy >= nh ? Infinity : rmsDiff(y, w, px, py, x, yy, B, false, 2);
  };
  // Cheapest refusals first; each loop stops at the first shift that refutes the match.
  for (const [dx, dy] of ONE_PX) if (!(d <= o.maxSelfRatio * at(dx, dy))) return false;
  for (const [dx, dy] of SELF_SHIFTS) if (at(dx, dy) < o.minSelfDiff) return false;
  if (!mirrored) {
    const sx = qx - px;
    const sy = qy - py;
    if (at(-sx, -sy) < 2 * d + 1 || at(2 * sx, 2 * sy) < 2 * d + 1) return false;
    // An edge or a stroke running along the shift (a shirt's edge, the rim of a logo, hair
    // against a plain sky) matches itself a few pixels further along it: then the match says
    // nothing about copying.
    const len = Math.hypot(sx, sy);
    for (const k of [4, 8]) if (at(Math.round((k * sx) / len), Math.round((k * sy) / len)) < Math.max(o.minSelfDiff, 2 * d + 1)) return false;
  }
  return true;
}

const ONE_PX: [number, number][] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

const SELF_SHIFTS: [number, number][] = [
  [3, 0],
  [-3, 0],
  [0, 3],
  [0, -3],
  [2, 2],
  [-2, 2],
  [2, -2],
  [-2, -2],
];

interface Component {
  positions: number[];
  a: number;
  b: number;
  mirrored: boolean;
  rms: number[];
}

/** Positions whose neighbourhood shares their field value and whose match holds pixel by pixel, grouped into regions. */
function regionsOf(
  field: { a: Int32Array; b: Int32Array; cost: Float32Array },
  y: Float32Array,
  w: number,
  std: Float32Array,
  skip: Uint8Array,
  nw: number,
  nh: number,
  o: Required<CopyMoveOptions>,
  mirrored: boolean,
): Component[] {
  const { a: A, b: B, cost } = field;
  const n = nw * nh;
  const good = new Uint8Array(n);
  const rms = new Float32Array(n);
  const R = 3;
  const maxCost = o.maxRmsDiff * o.maxRmsDiff * o.block * o.block;
  for (let py = 0; py < nh; py++) {
    for (let px = 0; px < nw; px++) {
      const p = py * nw + px;
      // Parseval: the feature distance is at most the pixel distance, so a match whose features
      // already differ by more than the pixel bound allows cannot pass the pixel check.
      if (skip[p] || !(cost[p]! <= maxCost)) continue;
      const a = A[p]!;
      const b = B[p]!;
      let same = 0;
      let seen = 0;
      for (let dy = -R; dy <= R; dy++) {
        const yy = py + dy;
        if (yy < 0 || yy >= nh) continue;
        for (let dx = -R; dx <= R; dx++) {
          const xx = px + dx;
          if (xx < 0 || xx >= nw) continue;
          const q = yy * nw + xx;
          if (skip[q] || cost[q] === Infinity) continue;
          seen++;
          if (Math.abs(A[q]! - a) <= 1 && Math.abs(B[q]! - b) <= 1) same++;
        }
      }
      if (same < 0.6 * seen || same < 8) continue;
      const qx = mirrored ? a - px : px + a;
      const qy = py + b;
      const d = rmsDiff(y, w, px, py, qx, qy, o.block, mirrored);
      const s = Math.max(std[p]!, std[qy * nw + qx]!);
      if (d <= o.maxRmsDiff && d <= o.maxRelDiff * s && matchHolds(y, w, nw, nh, px, py, qx, qy, d, o, mirrored)) {
        good[p] = 1;
        rms[p] = d;
      }
    }
  }
  // Connected groups (4-neighbours) of good positions whose field values agree within 1 px.
  const seen = new Uint8Array(n);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let s0 = 0; s0 < n; s0++) {
    if (!good[s0] || seen[s0]) continue;
    const a0 = A[s0]!;
    const b0 = B[s0]!;
    const comp: Component = { positions: [], a: a0, b: b0, mirrored, rms: [] };
    seen[s0] = 1;
    stack.push(s0);
    while (stack.length) {
      const p = stack.pop()!;
      comp.positions.push(p);
      comp.rms.push(rms[p]!);
      const px = p % nw;
      const py = (p - px) / nw;
      const nb = [px > 0 ? p - 1 : -1, px < nw - 1 ? p + 1 : -1, py > 0 ? p - nw : -1, py < nh - 1 ? p + nw : -1];
      for (const q of nb) {
        if (q < 0 || seen[q] || !good[q]) continue;
        if (Math.abs(A[q]! - a0) > 1 || Math.abs(B[q]! - b0) > 1) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    out.push(comp);
  }
  return out;
}

/** Paint the block×block patch of every position of a component into a w×h mask; returns the painted pixel count. */
function paint(mask: Uint8Array, w: number, nw: number, positions: Iterable<number>, block: number, value: number, map?: (px: number, py: number) => [number, number]): number {
  let count = 0;
  for (const p of positions) {
    let px = p % nw;
    let py = (p - px) / nw;
    if (map) [px, py] = map(px, py);
    for (let j = 0; j < block; j++) {
      const r = (py + j) * w + px;
      for (let i = 0; i < block; i++) {
        if (mask[r + i] !== value) {
          if (mask[r + i] === 0) count++;
          mask[r + i] = value;
        }
      }
    }
  }
  return count;
}

/** The share of a component's bounding box (patches included) that its match's box overlaps. */
function boxOverlapShare(c: Component, nw: number, block: number): number {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of c.positions) {
    const px = p % nw;
    const py = (p - px) / nw;
    x0 = Math.min(x0, px);
    y0 = Math.min(y0, py);
    x1 = Math.max(x1, px + block);
    y1 = Math.max(y1, py + block);
  }
  // The match's box: shifted (plain) or reflected about the axis x = a / 2 (mirrored).
  const [mx0, mx1] = c.mirrored ? [c.a - x1 + block, c.a - x0 + block] : [x0 + c.a, x1 + c.a];
  const [my0, my1] = [y0 + c.b, y1 + c.b];
  const ix = Math.max(0, Math.min(x1, mx1) - Math.max(x0, mx0));
  const iy = Math.max(0, Math.min(y1, my1) - Math.max(y0, my0));
  return (ix * iy) / Math.max(1, (x1 - x0) * (y1 - y0));
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** Look for copy-moved regions in a picture (synchronously: tests, scripts). */
export function detectCopyMove(img: RgbImage, opts: CopyMoveOptions = {}): CopyMoveResult {
  const steps = copyMoveSteps(img, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same check for the analysis worker: between its stages (none runs longer than a few
 * hundred milliseconds on a 12 MP picture) it gives the event loop a turn, so a cancel message
 * is delivered, and calls `check`, which throws once the job is cancelled.
 */
export async function detectCopyMoveAsync(img: RgbImage, opts: CopyMoveOptions = {}, check: () => void = () => undefined): Promise<CopyMoveResult> {
  const steps = copyMoveSteps(img, opts);
  for (;;) {
    check();
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The check as a sequence of stages; each `yield` is a point where it may stop. */
function* copyMoveSteps(img: RgbImage, opts: CopyMoveOptions): Generator<void, CopyMoveResult, void> {
  const o = { ...COPY_MOVE_DEFAULTS, ...opts };
  const { y, width: w, height: h, scale } = lumaAtMost(img, o.maxSide);
  yield;
  const mask = new Uint8Array(w * h);
  const empty: CopyMoveResult = { regions: [], analysed: { width: w, height: h, scale }, mask, texturedShare: 0, patternSteps: 0, candidates: [] };
  if (w < o.block + o.minShift || h < o.block) return empty;
  const { feat, std, nw, nh } = blockFeatures(y, w, h, o.block);
  yield;
  const n = nw * nh;
  const skip = new Uint8Array(n);
  let textured = 0;
  for (let p = 0; p < n; p++) {
    if (std[p]! < o.flatStd) skip[p] = 1;
    else textured++;
  }
  empty.texturedShare = textured / n;
  if (!textured) return empty;
  const minArea = Math.max(o.minAreaPx, o.minAreaShare * w * h);
  const comps: Component[] = [];
  // One sort per quantisation grid (two grids, half a step apart, so that a pair split by a
  // bin edge in one meets in the other) seeds both fields.
  const mf = o.mirror ? mirroredFeatures(feat) : null;
  const seeds = [0, 0.5].map((off) => sortedCandidates(feat, mf, skip, n, o.quantStep, off, o.sortWindow));
  yield;
  const fields: { mirrored: boolean; field: ReturnType<typeof patchMatch> }[] = [{ mirrored: false, field: patchMatch(feat, feat, skip, nw, nh, o, false, seeds.map((x) => x.plain)) }];
  yield;
  if (mf) {
    fields.push({ mirrored: true, field: patchMatch(feat, mf, skip, nw, nh, o, true, seeds.map((x) => x.mirrored)) });
    yield;
  }
  const ys = smooth(y, w, h);
  for (const { mirrored, field } of fields) {
    comps.push(...regionsOf(field, ys, w, std, skip, nw, nh, o, mirrored));
    yield;
  }

  // Keep regions of the minimum size whose twin points back at them.
  const byPosition = new Map<number, number>();
  comps.forEach((c, i) => {
    for (const p of c.positions) byPosition.set(p * 2 + (c.mirrored ? 1 : 0), i);
  });
  const scratch = new Uint8Array(w * h);
  const paired: { comp: Component; twin: Component; area: number }[] = [];
  const used = new Set<number>();
  const order = comps.map((_, i) => i).sort((p, q) => comps[q]!.positions.length - comps[p]!.positions.length);
  for (const i of order) {
    if (used.has(i)) continue;
    const c = comps[i]!;
    scratch.fill(0);
    const area = paint(scratch, w, nw, c.positions, o.block, 1);
    // Pairs down to a quarter of the minimum area count towards the pattern test below (a
    // repeated motif splits into pieces, each matched to a different repeat); only pairs of the
    // minimum area are reported.
    if (area < Math.min(o.patternMinArea, 1) * minArea) continue;
    // A region that overlaps its own match is a pattern repeating at a short step (lettering,
    // textures), not a copy moved elsewhere.
    const fresh = paint(scratch, w, nw, c.positions, o.block, 1, (px, py) => [c.mirrored ? c.a - px : px + c.a, py + c.b]);
    if (area - fresh > 0.2 * area) continue;
    // Nor may their bounding boxes overlap by more than a tenth (the two strokes of a W, a
    // stripe pattern's neighbouring stripes): a copy moved by less than its own size is a repeat.
    if (boxOverlapShare(c, nw, o.block) > 0.1) continue;
    // The twin: where the positions' matches land, and which component holds them.
    const votes = new Map<number, number>();
    for (const p of c.positions) {
      const px = p % nw;
      const py = (p - px) / nw;
      const qx = c.mirrored ? c.a - px : px + c.a;
      const qy = py + c.b;
      const j = byPosition.get((qy * nw + qx) * 2 + (c.mirrored ? 1 : 0));
      if (j === undefined || j === i) continue;
      const t = comps[j]!;
      const backOk = c.mirrored ? Math.abs(t.a - c.a) <= 1 && Math.abs(t.b + c.b) <= 1 : Math.abs(t.a + c.a) <= 1 && Math.abs(t.b + c.b) <= 1;
      if (backOk) votes.set(j, (votes.get(j) ?? 0) + 1);
    }
    let twinIdx = -1;
    let twinVotes = 0;
    for (const [j, v] of votes) if (v > twinVotes) [twinIdx, twinVotes] = [j, v];
    if (twinIdx < 0 || twinVotes < 0.25 * c.positions.length) continue;
    used.add(i);
    used.add(twinIdx);
    paired.push({ comp: c, twin: comps[twinIdx]!, area });
  }

  // A picture that matches itself at three or more different steps holds a repeating pattern
  // (wallpaper, a step-and-repeat banner, tiles): there copies cannot be told from the pattern,
  // so none is reported and the result says so. A clone tool's strokes share one step.
  const steps: [number, number][] = [];
  for (const { comp: c, area } of paired) {
    if (c.mirrored || area < o.patternMinArea * minArea) continue;
    const [sx, sy] = c.a > 0 || (c.a === 0 && c.b > 0) ? [c.a, c.b] : [-c.a, -c.b];
    if (!steps.some(([x, y]) => Math.abs(x - sx) <= 4 && Math.abs(y - sy) <= 4)) steps.push([sx, sy]);
  }
  const patternSteps = steps.length >= o.patternMinSteps ? steps.length : 0;
  // Mirror symmetry is common in what is photographed (bodies, faces, lettering), so a mirrored
  // copy must be three times as large to count.
  const kept = patternSteps ? [] : paired.filter((x) => x.area >= (x.comp.mirrored ? 3 * minArea : minArea));
  const regions: FoundClone[] = [];
  const inv = 1 / scale;
  const W = img.width;
  const H = img.height;
  const boxOf = (positions: number[], map?: (px: number, py: number) => [number, number]): PixelBox => {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const p of positions) {
      let px = p % nw;
      let py = (p - px) / nw;
      if (map) [px, py] = map(px, py);
      x0 = Math.min(x0, px);
      y0 = Math.min(y0, py);
      x1 = Math.max(x1, px + o.block);
      y1 = Math.max(y1, py + o.block);
    }
    const bx = Math.max(0, Math.floor(x0 * inv));
    const by = Math.max(0, Math.floor(y0 * inv));
    return { x: bx, y: by, w: Math.min(W, Math.ceil(x1 * inv)) - bx, h: Math.min(H, Math.ceil(y1 * inv)) - by };
  };
  kept.sort((p, q) => q.area - p.area);
  for (const { comp: c, area } of kept.slice(0, 250)) {
    const idx = regions.length + 1;
    const matchOf = (px: number, py: number): [number, number] => [c.mirrored ? c.a - px : px + c.a, py + c.b];
    paint(mask, w, nw, c.positions, o.block, idx);
    paint(mask, w, nw, c.positions, o.block, idx, matchOf);
    const a = boxOf(c.positions);
    const b = boxOf(c.positions, matchOf);
    regions.push({
      a,
      b,
      shift: { dx: Math.round(b.x + b.w / 2 - (a.x + a.w / 2)), dy: Math.round(b.y + b.h / 2 - (a.y + a.h / 2)) },
      mirrored: c.mirrored,
      areaPx: Math.round(area * inv * inv),
      areaShare: area / (w * h),
      rmsDiff: Math.round(median(c.rms) * 100) / 100,
    });
  }
  const candidates = paired.map(({ comp: c, area }) => ({ areaShare: area / (w * h), mirrored: c.mirrored, step: [c.a, c.b] as [number, number], a: boxOf(c.positions), b: boxOf(c.positions, (px, py) => [c.mirrored ? c.a - px : px + c.a, py + c.b]) }));
  return { regions, analysed: { width: w, height: h, scale }, mask, texturedShare: empty.texturedShare, patternSteps, candidates };
}
