/**
 * Where a picture lacks its camera's sensor noise: the local PRNU correlation map (after Chen,
 * Fridrich, Goljan & Lukáš, "Determining image origin and integrity using sensor noise", IEEE
 * TIFS 2008). Once a picture matches a camera's fingerprint K as a whole, every pixel the camera
 * recorded should carry the term I·K in its noise residual W. A region pasted in from another
 * picture (another camera, or the same camera elsewhere in the frame), or painted over, does not.
 *
 * For each block (MAP_BLOCK² pixels, every MAP_STRIDE pixels) the normalised correlation ρ of W
 * with I·K is measured and compared with two references, both estimated from the picture itself:
 *
 * - what ρ would be if the block held none of this camera's noise: ρ of the same block against
 *   the fingerprint displaced by half the frame (a displaced K is another sensor's pattern, and
 *   the displacements are multiples of 16 pixels, so JPEG's 8×8 blocks and the colour-filter
 *   lattice stay aligned and any correlation they cause is in this null too). The threshold is
 *   its mean plus MAP_Z_NULL standard deviations: a block above it shows the camera's noise.
 * - what ρ should be in an authentic block. If W = a·I·K + noise, ρ ≈ a·r with r = ‖I·K‖/‖W‖, the
 *   ratio of the expected term's energy to the residual's in the block (dark and saturated blocks
 *   carry little of I·K, busy ones much residual besides it), and a the share of the pattern the
 *   filters let through: the denoiser keeps less of it on busy content (τ, `textureKeep`), JPEG's
 *   quantisation erases more of it where the picture is dark. ρ is predicted by a least-squares fit
 *   in q = r·τ (1, q, q², q·brightness), made by least trimmed squares on the picture's own blocks,
 *   so a pasted region (up to half the blocks) does not drag it down. Every term but the constant is a multiple of q:
 *   content alone (brightness, texture without the pattern's energy) cannot make the predictor
 *   expect no noise from the very content that was pasted in, as a freer fit learned to (tried).
 *
 * A block can be judged only when an authentic block would be expected above the threshold with
 * margin (prediction − MAP_Z_PRED residual deviations ≥ threshold); the others are undecidable
 * (dark, flat-saturated, heavily compressed or textured content). A judged block below the
 * threshold lacks the camera's noise; 4-connected groups of at least MAP_MIN_REGION such block
 * positions are the regions reported, each box the union of its blocks.
 *
 * The resolution is a block (128 pixels): smaller pastes are not found. The map covers the
 * fingerprint's area only. Deterministic; plain typed-array code, block sums from summed-area
 * tables over stride-sized cells (small at any plane size), O(pixels).
 */
import type { Plane } from './prnu';
import { PRNU_SIGMA, SATURATION_LEVEL } from './prnu';

/** Side of a correlation block, pixels. */
export const MAP_BLOCK = 128;
/** Step between blocks, pixels. */
export const MAP_STRIDE = 16;
/** Threshold: the no-camera-noise correlation's mean plus this many of its standard deviations. */
export const MAP_Z_NULL = 3;
/** A block is judged when its predicted correlation minus this many residual deviations clears the threshold. */
export const MAP_Z_PRED = 3;
/** Fewest connected block positions below the threshold that make a region. */
export const MAP_MIN_REGION = 6;
/** C-steps of the predictor's trimmed fit. */
const MAP_FIT_ROUNDS = 5;
/** The final fit leaves out blocks more than this many deviations from the trimmed one. */
const MAP_FIT_TRIM = 2.5;

/** A region whose blocks lack the camera's noise, in the plane's pixels. */
export interface SensorGapRegion {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Block positions below the threshold in it. */
  blocks: number;
  /** Mean correlation of those blocks, and the mean prediction for them. */
  meanRho: number;
  predicted: number;
}

export interface SensorNoiseMap {
  block: number;
  stride: number;
  /** Block positions across and down; position (i, j) is the block at (i·stride, j·stride). */
  cols: number;
  rows: number;
  /** Per position (row-major): the correlation, its prediction, and 0 undecidable / 1 camera noise present / 2 absent. */
  rho: Float32Array;
  predicted: Float32Array;
  state: Uint8Array;
  /** The correlation a block needs to show the camera's noise. */
  threshold: number;
  /** The no-camera-noise correlation's mean and standard deviation. */
  nullMean: number;
  nullSd: number;
  /** Standard deviation of authentic blocks about the prediction (robust). */
  residualSd: number;
  /** Share of block positions that could be judged. */
  judgedShare: number;
  /** Regions lacking the camera's noise, largest first. */
  regions: SensorGapRegion[];
}

/** Summed-area table of a plane, (w+1)×(h+1), Float64. */
function integral(width: number, height: number, value: (i: number) => number): Float64Array {
  const W = width + 1;
  const t = new Float64Array(W * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      row += value(o + x);
      t[(y + 1) * W + x + 1] = t[y * W + x + 1]! + row;
    }
  }
  return t;
}

/**
 * Summed-area table over cells of c×c pixels ((⌈w/c⌉+1)×(⌈h/c⌉+1), Float64): every box whose
 * corners are multiples of c sums from it exactly, at 1/c² of a pixel table's memory (the map's
 * blocks and steps are multiples of c).
 */
function cellIntegral(width: number, height: number, c: number, value: (i: number) => number): Float64Array {
  const cw = Math.ceil(width / c);
  const ch = Math.ceil(height / c);
  const cells = new Float64Array(cw * ch);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const co = Math.floor(y / c) * cw;
    for (let x = 0; x < width; x++) cells[co + Math.floor(x / c)] = cells[co + Math.floor(x / c)]! + value(o + x);
  }
  return integral(cw, ch, (i) => cells[i]!);
}

function boxSum(t: Float64Array, W: number, x: number, y: number, b: number): number {
  return t[(y + b) * W + x + b]! - t[y * W + x + b]! - t[(y + b) * W + x]! + t[y * W + x]!;
}

/**
 * Per pixel, the share of the sensor noise the denoiser leaves in the residual where the content
 * is busy: its wavelet shrinkage keeps σ₀²/(σ₀² + local signal variance) of the noise, and the
 * local variance is read here from the content's own fine detail (the plane minus its 3×3 mean,
 * its energy over 5×5, less the noise's share). Near 1 on smooth content, small on edges and texture.
 */
function textureKeep(img: Plane): (i: number) => number {
  const { width, height, data } = img;
  const W1 = width + 1;
  const t = integral(width, height, (i) => data[i]!);
  const hp = new Float32Array(width * height);
  const mean = (x0: number, y0: number, x1: number, y1: number, tab: Float64Array) => (tab[y1 * W1 + x1]! - tab[y0 * W1 + x1]! - tab[y1 * W1 + x0]! + tab[y0 * W1 + x0]!) / ((x1 - x0) * (y1 - y0));
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - 1);
    const y1 = Math.min(height, y + 2);
    for (let x = 0; x < width; x++) hp[y * width + x] = data[y * width + x]! - mean(Math.max(0, x - 1), y0, Math.min(width, x + 2), y1, t);
  }
  const t2 = integral(width, height, (i) => hp[i]! * hp[i]!);
  const keep = new Float32Array(width * height);
  const s2 = PRNU_SIGMA * PRNU_SIGMA;
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - 2);
    const y1 = Math.min(height, y + 3);
    for (let x = 0; x < width; x++) {
      const v = mean(Math.max(0, x - 2), y0, Math.min(width, x + 3), y1, t2);
      keep[y * width + x] = s2 / (s2 + Math.max(0, v - s2));
    }
  }
  return (i) => keep[i]!;
}

/** Solve the normal equations (small, symmetric) by Gaussian elimination with pivoting; null when singular. */
function solve(a: number[][], rhs: number[]): number[] | null {
  const p = rhs.length;
  const m = a.map((row, i) => [...row, rhs[i]!]);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-12) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      if (f === 0) continue;
      for (let k = c; k <= p; k++) m[r]![k] = m[r]![k]! - f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[p]! / row[i]!);
}

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}

function median(v: number[]): number {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/**
 * The local correlation map of a picture's noise residual with its camera's fingerprint. `img`
 * is the plane compared (the fingerprint's size and orientation), `residual` its cleaned noise
 * residual (prnu.questionedResidual), `k` the fingerprint. Sizes must agree and be at least a
 * block (RangeError otherwise). The fingerprint displacements of the null need sides of at least
 * 32 pixels.
 */
export function sensorNoiseMap(img: Plane, residual: Float32Array, k: Float32Array, opts: { block?: number; stride?: number } = {}): SensorNoiseMap {
  const { width, height, data } = img;
  const block = opts.block ?? MAP_BLOCK;
  const stride = opts.stride ?? MAP_STRIDE;
  const n = width * height;
  if (data.length !== n || residual.length !== n || k.length !== n) throw new RangeError(`sensorNoiseMap: the plane, residual and fingerprint must all be ${width}×${height}`);
  if (width < Math.max(block, 32) || height < Math.max(block, 32)) throw new RangeError(`sensorNoiseMap: ${width}×${height} is smaller than a ${block}-pixel block`);
  // The expected noise term I·K, zero where the pixel is saturated (clipping erases the pattern there).
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    s[i] = v >= SATURATION_LEVEL ? 0 : v * k[i]!;
  }
  // Block sums come from tables over cells of `cell` pixels (the largest common divisor of the
  // block and the step), so the tables stay small however large the plane.
  const cell = gcd(block, stride);
  const C1 = Math.ceil(width / cell) + 1;
  const table = (value: (i: number) => number) => cellIntegral(width, height, cell, value);
  const box = (t: Float64Array, x: number, y: number) => boxSum(t, C1, x / cell, y / cell, block / cell);
  const tw = table((i) => residual[i]!);
  const tww = table((i) => residual[i]! * residual[i]!);
  const ts = table((i) => s[i]!);
  const tss = table((i) => s[i]! * s[i]!);
  const tws = table((i) => residual[i]! * s[i]!);
  const tk = table(textureKeep(img));
  const ti = table((i) => data[i]!);
  const cols = Math.floor((width - block) / stride) + 1;
  const rows = Math.floor((height - block) / stride) + 1;
  const m = cols * rows;
  const nb = block * block;
  /** Over the block at (x, y), from the tables of a signal, its square and the residual times it: the residual's and the signal's centred energies and their covariance. */
  const blockStats = (tS: Float64Array, tSS: Float64Array, tWS: Float64Array, x: number, y: number) => {
    const sw = box(tw, x, y);
    const ss = box(tS, x, y);
    return {
      cw: Math.max(0, box(tww, x, y) - (sw * sw) / nb),
      cs: Math.max(0, box(tSS, x, y) - (ss * ss) / nb),
      c: box(tWS, x, y) - (sw * ss) / nb,
    };
  };
  const rho = new Float32Array(m);
  const feats: number[][] = new Array(m);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const x = i * stride;
      const y = j * stride;
      const { cw, cs, c } = blockStats(ts, tss, tws, x, y);
      const p = j * cols + i;
      rho[p] = cw > 0 && cs > 0 ? c / Math.sqrt(cw * cs) : 0;
      const r = cw > 0 ? Math.sqrt(cs / cw) : 0;
      const q = (r * box(tk, x, y)) / nb;
      const mu = box(ti, x, y) / nb / 255;
      feats[p] = [1, q, q * q, q * mu];
    }
  }

  // The null: the same blocks against the fingerprint displaced by half the frame (three ways), displacements multiples of 16.
  const half = (v: number) => Math.max(16, Math.floor(v / 32) * 16);
  const shifts = [
    [half(width), 0],
    [0, half(height)],
    [half(width), half(height)],
  ] as const;
  let nSum = 0;
  let nSq = 0;
  let nCount = 0;
  for (const [dx, dy] of shifts) {
    const sh = new Float32Array(n);
    for (let y = 0; y < height; y++) {
      const sy = (y + dy) % height;
      for (let x = 0; x < width; x++) sh[y * width + x] = s[sy * width + ((x + dx) % width)]!;
    }
    const ts2 = table((i) => sh[i]!);
    const tss2 = table((i) => sh[i]! * sh[i]!);
    const tws2 = table((i) => residual[i]! * sh[i]!);
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < cols; i++) {
        const { cw, cs, c } = blockStats(ts2, tss2, tws2, i * stride, j * stride);
        if (!(cw > 0 && cs > 0)) continue;
        const v = c / Math.sqrt(cw * cs);
        nSum += v;
        nSq += v * v;
        nCount++;
      }
    }
  }
  const nullMean = nCount ? nSum / nCount : 0;
  const nullSd = nCount > 1 ? Math.sqrt(Math.max(0, nSq / nCount - nullMean * nullMean)) : 1 / block;
  const threshold = nullMean + MAP_Z_NULL * nullSd;

  // The predictor, fitted robustly: least trimmed squares (C-steps: refit on the half of the blocks
  // nearest the previous fit, so up to half the blocks may lack the noise), then one refit on every
  // block within MAP_FIT_TRIM deviations of it.
  const P = feats[0]!.length;
  const fit = (keep: Uint8Array): number[] | null => {
    const a = Array.from({ length: P }, () => new Array(P).fill(0) as number[]);
    const b = new Array(P).fill(0) as number[];
    let used = 0;
    for (let p = 0; p < m; p++) {
      if (!keep[p]) continue;
      const f = feats[p]!;
      for (let u = 0; u < P; u++) {
        b[u] = b[u]! + f[u]! * rho[p]!;
        const row = a[u]!;
        for (let v = u; v < P; v++) row[v] = row[v]! + f[u]! * f[v]!;
      }
      used++;
    }
    if (used < P * 4) return null;
    for (let u = 0; u < P; u++) for (let v = 0; v < u; v++) a[u]![v] = a[v]![u]!;
    // A little ridge keeps the fit defined on uniform pictures (every block alike).
    for (let u = 1; u < P; u++) a[u]![u] = a[u]![u]! + 1e-6 * used;
    return solve(a, b);
  };
  const predict = (beta: number[], out: Float64Array) => {
    for (let p = 0; p < m; p++) {
      const f = feats[p]!;
      let v = 0;
      for (let u = 0; u < P; u++) v += f[u]! * beta[u]!;
      out[p] = v;
    }
  };
  const raw = new Float64Array(m);
  let keep = new Uint8Array(m).fill(1);
  let beta = fit(keep);
  let residualSd = 0;
  if (beta) {
    const half = Math.ceil(m / 2);
    const order = new Array<number>(m);
    for (let round = 0; round < MAP_FIT_ROUNDS && beta; round++) {
      predict(beta, raw);
      for (let p = 0; p < m; p++) order[p] = p;
      order.sort((x, y) => Math.abs(rho[x]! - raw[x]!) - Math.abs(rho[y]! - raw[y]!));
      keep = new Uint8Array(m);
      let sq = 0;
      for (let q = 0; q < half; q++) {
        const d = rho[order[q]!]! - raw[order[q]!]!;
        keep[order[q]!] = 1;
        sq += d * d;
      }
      // The central half of a normal distribution has variance 0.1426 σ².
      residualSd = Math.sqrt(sq / half / 0.1426);
      beta = fit(keep) ?? beta;
    }
    predict(beta, raw);
    keep = new Uint8Array(m);
    for (let p = 0; p < m; p++) keep[p] = Math.abs(rho[p]! - raw[p]!) < MAP_FIT_TRIM * residualSd ? 1 : 0;
    beta = fit(keep) ?? beta;
    predict(beta, raw);
    const dev: number[] = [];
    for (let p = 0; p < m; p++) if (Math.abs(rho[p]! - raw[p]!) < MAP_FIT_TRIM * residualSd) dev.push(rho[p]! - raw[p]!);
    const med = median(dev);
    residualSd = 1.4826 * median(dev.map((d) => Math.abs(d - med)));
  }
  const predicted = new Float32Array(m);
  for (let p = 0; p < m; p++) predicted[p] = Math.max(0, raw[p]!);

  const state = new Uint8Array(m);
  let judged = 0;
  for (let p = 0; p < m; p++) {
    if (rho[p]! >= threshold) state[p] = 1;
    else if (predicted[p]! - MAP_Z_PRED * residualSd >= threshold) state[p] = 2;
    if (predicted[p]! - MAP_Z_PRED * residualSd >= threshold) judged++;
  }

  // Regions: 4-connected groups of absent positions.
  const seen = new Uint8Array(m);
  const regions: SensorGapRegion[] = [];
  const stack: number[] = [];
  for (let p0 = 0; p0 < m; p0++) {
    if (state[p0] !== 2 || seen[p0]) continue;
    let count = 0;
    let sumRho = 0;
    let sumPred = 0;
    let minI = Infinity;
    let minJ = Infinity;
    let maxI = -Infinity;
    let maxJ = -Infinity;
    stack.push(p0);
    seen[p0] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const i = p % cols;
      const j = (p - i) / cols;
      count++;
      sumRho += rho[p]!;
      sumPred += predicted[p]!;
      minI = Math.min(minI, i);
      maxI = Math.max(maxI, i);
      minJ = Math.min(minJ, j);
      maxJ = Math.max(maxJ, j);
      const nbrs = [i > 0 ? p - 1 : -1, i < cols - 1 ? p + 1 : -1, j > 0 ? p - cols : -1, j < rows - 1 ? p + cols : -1];
      for (const q of nbrs) {
        if (q >= 0 && !seen[q] && state[q] === 2) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (count < MAP_MIN_REGION) continue;
    regions.push({
      x: minI * stride,
      y: minJ * stride,
      w: (maxI - minI) * stride + block,
      h: (maxJ - minJ) * stride + block,
      blocks: count,
      meanRho: sumRho / count,
      predicted: sumPred / count,
    });
  }
  regions.sort((a, b) => b.w * b.h - a.w * a.h);
  return { block, stride, cols, rows, rho, predicted, state, threshold, nullMean, nullSd, residualSd, judgedShare: m ? judged / m : 0, regions };
}
