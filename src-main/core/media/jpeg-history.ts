/**
 * Compression history of a JPEG file: was it compressed once, or decoded and saved again (an
 * edit, a re-save, a messaging app), and at what earlier quality?
 *
 * A second compression on the same 8×8 grid quantises each DCT coefficient twice, with the
 * earlier step Q1 and then the file's step Q2. That leaves a periodic pattern in the histogram
 * of the file's coefficients — empty or doubled bins — that a single compression at Q2 does not
 * (the "double quantisation" effect; Popescu & Farid 2004). The earlier step is estimated by
 * comparing the file's histogram with histograms simulated for every candidate Q1 (Lukáš &
 * Fridrich, 2003): the unquantised coefficients are approximated by the DCT of the decoded
 * picture shifted by 4 pixels, off the file's grid, which carries the picture's content but not
 * its quantisation. A frequency votes "twice" when some Q1 coarser than Q2 explains its histogram
 * at least four times better than a single compression does.
 *
 * Only an earlier *coarser* step (an earlier, lower quality: a picture passed through a
 * messaging app or a low-quality save, then saved again better) is looked for. A finer one (a
 * camera original re-saved at a lower quality) also leaves a pattern, but trellis quantisation —
 * mozjpeg, web optimisers — shapes a single save's histogram the same way, so such fits would
 * accuse files that were saved once.
 *
 * What it cannot see: an earlier finer step (above), an earlier compression on a different grid
 * (the picture was cropped or resized in between), and anything once the current quality is so
 * low that few coefficients survive. It says nothing about *what* was changed.
 */
import fs from 'node:fs';
import { decodeLumaCoefficients, lumaRowsFor, type LumaCoefficients, type LumaDecode } from './jpeg-dct';
import { ijgTable, STD_LUMA } from './jpeg-quality';

export const JPEG_HISTORY_METHOD = 'double-quantisation fit 1';

/** DCT frequencies examined (u = vertical, v = horizontal), low ones first: they hold the most non-zero coefficients. */
export const FREQS: [number, number][] = [
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 2],
  [2, 0],
  [1, 2],
  [2, 1],
  [0, 3],
  [3, 0],
];

export interface JpegHistoryOptions {
  /** Histogram bins 1..bins of |coefficient| (zero is left out: the shifted grid's blocking fills it). */
  bins?: number;
  /** A frequency is examined only with at least this many non-zero coefficients. */
  minNonZero?: number;
  /** A frequency votes "twice" when the best Q1's misfit is at most this share of a single compression's. */
  maxMisfitRatio?: number;
  /** Frequencies that must vote "twice" (of those examined). */
  minVotes?: number;
  /** Largest earlier step tried: this many times the current one, and at least maxEarlierStep. */
  maxStepRatio?: number;
  maxEarlierStep?: number;
  /** Shifted blocks used to simulate each candidate's histogram (a stride over the picture). */
  maxModelBlocks?: number;
}

export const JPEG_HISTORY_DEFAULTS: Required<JpegHistoryOptions> = {
  bins: 16,
  minNonZero: 400,
  maxMisfitRatio: 0.25,
  minVotes: 3,
  maxStepRatio: 3,
  maxEarlierStep: 48,
  maxModelBlocks: 12000,
};

export interface FrequencyFit {
  /** Natural-order index of the coefficient (8·u + v). */
  index: number;
  /** The file's step at this frequency. */
  step: number;
  /** The earlier step that fits best (equal to `step` when a single compression fits best). */
  earlierStep: number;
  /** Misfit of that step divided by the misfit of a single compression (1 when they are the same). */
  ratio: number;
  /** Non-zero coefficients in the histogram. */
  nonZero: number;
}

export interface JpegHistory {
  method: string;
  /** 'twice': at least minVotes frequencies show an earlier, different quantisation; 'once': none seen. */
  finding: 'twice' | 'once';
  /** The IJG quality whose table matches the earlier steps best, when finding is 'twice' and the steps agree with one. */
  earlierQuality: number | null;
  /** Frequencies examined (those with enough non-zero coefficients), with their fits. */
  fits: FrequencyFit[];
  /** How many of them vote "twice". */
  votes: number;
  /** Blocks used. */
  blocks: number;
}

/** 8-point orthonormal DCT-II basis, C[u][x]. */
const C = (() => {
  const c = new Float64Array(64);
  for (let u = 0; u < 8; u++) for (let x = 0; x < 8; x++) c[u * 8 + x] = Math.sqrt((u === 0 ? 1 : 2) / 8) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  return c;
})();

export type LumaPixels = { data: Float32Array; width: number; height: number };

/** The first `height` rows of a decoded luma plane, as a view. */
export function pixelRows(px: LumaPixels, height: number): LumaPixels {
  if (height > px.height) throw new Error(`${height} rows asked of a ${px.height}-row plane`);
  return height === px.height ? px : { data: px.data.subarray(0, height * px.width), width: px.width, height };
}

/** A pixel as a decoder gives it: the level-shifted sum rounded and clipped to 0..255. */
const clampRound = (s: number) => {
  const p = Math.round(s + 128);
  return p < 0 ? 0 : p > 255 ? 255 : p;
};

/** The decoded luma plane (what a decoder shows, rounded and clipped), rows of whole blocks only. */
export function lumaPixels(l: LumaCoefficients): LumaPixels {
  const width = l.blocksWide * 8;
  const height = l.rowsDecoded * 8;
  const out = new Float32Array(width * height);
  const deq = new Float64Array(64);
  const tmp = new Float64Array(64);
  const table = Float64Array.from(l.table);
  const coef = l.coef;
  // Zero coefficients add exactly nothing to a sum (x + ±0 = x; a sum starts at +0 and never becomes −0),
  // so they are left out: rows of the block that are all zero (most high-frequency rows of most blocks),
  // the zeros that end a row, and a block whose only coefficient is DC is one value — the same sums,
  // bit for bit, for a fraction of the work.
  const len = new Int8Array(8);
  const liveRows = new Int8Array(8);
  const c0 = C[0]!;
  for (let by = 0; by < l.rowsDecoded; by++) {
    for (let bx = 0; bx < l.blocksWide; bx++) {
      const off = (by * l.blocksWide + bx) * 64;
      let rows = 0;
      for (let u = 0; u < 8; u++) {
        let last = 0;
        for (let v = 0; v < 8; v++) {
          const c = coef[off + u * 8 + v]!;
          deq[u * 8 + v] = c * table[u * 8 + v]!;
          if (c) last = v + 1;
        }
        len[u] = last;
        if (last) rows = u + 1;
      }
      const topLeft = (by * 8) * width + bx * 8;
      if (rows <= 1 && len[0]! <= 1) {
        // DC only (or nothing): every pixel is C₀ · (DC · C₀), as the general sums give it.
        const v = clampRound(rows ? c0 * (deq[0]! * c0) : 0);
        for (let o = topLeft; o < topLeft + 8 * width; o += width) {
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
          out[o + 3] = v;
          out[o + 4] = v;
          out[o + 5] = v;
          out[o + 6] = v;
          out[o + 7] = v;
        }
        continue;
      }
      // Inverse: rows then columns, p = Cᵀ · F · C; eight sums at a time, each in the same order as one at a time.
      let nLive = 0;
      for (let u = 0; u < rows; u++) {
        const n = len[u]!;
        if (!n) continue;
        liveRows[nLive++] = u;
        let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
        for (let v = 0; v < n; v++) {
          const d = deq[u * 8 + v]!;
          const k = v * 8;
          t0 += d * C[k]!;
          t1 += d * C[k + 1]!;
          t2 += d * C[k + 2]!;
          t3 += d * C[k + 3]!;
          t4 += d * C[k + 4]!;
          t5 += d * C[k + 5]!;
          t6 += d * C[k + 6]!;
          t7 += d * C[k + 7]!;
        }
        const b = u * 8;
        tmp[b] = t0;
        tmp[b + 1] = t1;
        tmp[b + 2] = t2;
        tmp[b + 3] = t3;
        tmp[b + 4] = t4;
        tmp[b + 5] = t5;
        tmp[b + 6] = t6;
        tmp[b + 7] = t7;
      }
      for (let y = 0; y < 8; y++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (let i = 0; i < nLive; i++) {
          const u = liveRows[i]!;
          const c = C[u * 8 + y]!;
          const b = u * 8;
          s0 += c * tmp[b]!;
          s1 += c * tmp[b + 1]!;
          s2 += c * tmp[b + 2]!;
          s3 += c * tmp[b + 3]!;
          s4 += c * tmp[b + 4]!;
          s5 += c * tmp[b + 5]!;
          s6 += c * tmp[b + 6]!;
          s7 += c * tmp[b + 7]!;
        }
        const o = topLeft + y * width;
        out[o] = clampRound(s0);
        out[o + 1] = clampRound(s1);
        out[o + 2] = clampRound(s2);
        out[o + 3] = clampRound(s3);
        out[o + 4] = clampRound(s4);
        out[o + 5] = clampRound(s5);
        out[o + 6] = clampRound(s6);
        out[o + 7] = clampRound(s7);
      }
    }
  }
  return { data: out, width, height };
}

/** Unquantised DCT coefficients at the examined frequencies of the blocks on the grid shifted by (4, 4). */
export function shiftedCoefficients(px: LumaPixels, freqs: [number, number][]): Float64Array[] {
  const bw = Math.floor((px.width - 4) / 8);
  const bh = Math.floor((px.height - 4) / 8);
  const out = freqs.map(() => new Float64Array(bw * bh));
  const rows = new Float64Array(64);
  const vmax = Math.max(0, ...freqs.map(([, v]) => v));
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const x0 = 4 + bx * 8;
      const y0 = 4 + by * 8;
      // Horizontal transform of each row for the horizontal frequencies needed.
      for (let y = 0; y < 8; y++) {
        const r = (y0 + y) * px.width + x0;
        for (let v = 0; v <= vmax; v++) {
          let s = 0;
          for (let x = 0; x < 8; x++) s += (px.data[r + x]! - 128) * C[v * 8 + x]!;
          rows[y * 8 + v] = s;
        }
      }
      freqs.forEach(([u, v], k) => {
        let s = 0;
        for (let y = 0; y < 8; y++) s += C[u * 8 + y]! * rows[y * 8 + v]!;
        out[k]![by * bw + bx] = s;
      });
    }
  }
  return out;
}

/** Histogram of |round(value)| over 1..bins, normalised to sum 1 (all zeros if empty). */
function histogram(values: ArrayLike<number>, bins: number, map: (x: number) => number): Float64Array {
  const h = new Float64Array(bins + 1);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(map(values[i]!));
    if (a >= 1 && a <= bins) {
      h[a]!++;
      n++;
    }
  }
  if (n) for (let b = 1; b <= bins; b++) h[b]! /= n;
  return h;
}

/** A fixed sequence of rounding errors (≈ the decoder's pixel rounding, seen in the DCT domain). */
export const NOISE = (() => {
  let s = 0x9e3779b9;
  const r = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  // Sum of pixel rounding errors through an orthonormal transform: ~ normal, sd √(1/12).
  return Float64Array.from({ length: 4096 }, () => (r() + r() + r() + r() - 2) * Math.sqrt(1 / 4));
})();

/**
 * Compression history of a decoded luma plane. Null when too few coefficients survive to judge.
 * `pixels`: lumaPixels of a plane this one is a prefix of (lumaPrefix), when the caller has them already.
 */
export function jpegHistory(l: LumaCoefficients, opts: JpegHistoryOptions = {}, pixels?: LumaPixels): JpegHistory | null {
  const o = { ...JPEG_HISTORY_DEFAULTS, ...opts };
  if (l.rowsDecoded < 3 || l.blocksWide < 3) return null;
  const px = pixels ? pixelRows(pixels, l.rowsDecoded * 8) : lumaPixels(l);
  const shifted = shiftedCoefficients(px, FREQS);
  const nBlocks = l.blocksWide * l.rowsDecoded;
  const fits: FrequencyFit[] = [];
  FREQS.forEach(([u, v], k) => {
    const index = u * 8 + v;
    const q2 = l.table[index]!;
    if (q2 < 1) return;
    const observed = new Float64Array(nBlocks);
    let nonZero = 0;
    for (let b = 0; b < nBlocks; b++) {
      observed[b] = l.coef[b * 64 + index]!;
      if (observed[b] !== 0) nonZero++;
    }
    if (nonZero < o.minNonZero) return;
    const hObs = histogram(observed, o.bins, (x) => x);
    // The simulated histograms need far fewer samples than the picture has blocks: every
    // step-th shifted block keeps the fit's cost flat beyond ~1 MP.
    const all = shifted[k]!;
    const step = Math.max(1, Math.floor(all.length / o.maxModelBlocks));
    const x = step === 1 ? all : all.filter((_, i) => i % step === 0);
    const misfit = (q1: number) => {
      const h = histogram(x, o.bins, (() => {
        let i = 0;
        return (val: number) => Math.round((Math.round(val / q1) * q1 + NOISE[i++ & 4095]!) / q2);
      })());
      let d = 0;
      for (let b = 1; b <= o.bins; b++) d += (h[b]! - hObs[b]!) ** 2;
      return d;
    };
    const single = misfit(1);
    let best = { q1: q2, d: single };
    const maxQ1 = Math.min(255, Math.max(o.maxEarlierStep, Math.round(o.maxStepRatio * q2)));
    // Only earlier steps coarser than the present one: trellis quantisation (mozjpeg and the web
    // optimisers built on it) reshapes a single save's histogram so that it fits a *finer* earlier
    // step — 64 of 991 single trellis saves of DEV pictures were called "twice" that way, and 27 of
    // 324 smooth synthetic ones even with a stricter fit asked of finer steps — while none fitted a coarser one (README "JPEG compression history").
    for (let q1 = q2 + 1; q1 <= maxQ1; q1++) {
      const d = misfit(q1);
      if (d < best.d) best = { q1, d };
    }
    fits.push({ index, step: q2, earlierStep: best.q1, ratio: single > 0 ? best.d / single : 1, nonZero });
  });
  if (!fits.length) return null;
  const voting = fits.filter((f) => f.earlierStep !== f.step && f.ratio <= o.maxMisfitRatio);
  const twice = voting.length >= Math.min(o.minVotes, fits.length) && voting.length >= 2;
  let earlierQuality: number | null = null;
  if (twice) {
    let bestQ = { q: 0, hits: 0 };
    for (let q = 1; q <= 100; q++) {
      const t = ijgTable(STD_LUMA, q);
      const hits = voting.filter((f) => t[f.index] === f.earlierStep).length;
      if (hits > bestQ.hits) bestQ = { q, hits };
    }
    if (bestQ.hits >= Math.max(2, Math.ceil(voting.length / 2))) earlierQuality = bestQ.q;
  }
  return { method: JPEG_HISTORY_METHOD, finding: twice ? 'twice' : 'once', earlierQuality, fits, votes: voting.length, blocks: nBlocks };
}

export type FileHistory = { ok: true; history: JpegHistory | null } | { ok: false; reason: string };

/** The most of a file read for its compression history (the first 65,536 blocks need far less). */
export const HISTORY_READ_BYTES = 64 * 1024 * 1024;
/** Luma blocks the history is fitted on (about 4 megapixels). */
export const HISTORY_BLOCKS = 65536;

/**
 * A decoded luma plane cut to what a decode stopped after `maxBlocks` blocks would have given (the
 * same whole MCU rows, the same coefficients), as a view: one entropy decode serves both.
 */
export function lumaPrefix(l: LumaCoefficients, maxBlocks: number): LumaCoefficients {
  const rows = Math.min(l.rowsDecoded, lumaRowsFor(l, maxBlocks));
  return rows === l.rowsDecoded ? l : { ...l, rowsDecoded: rows, coef: l.coef.subarray(0, rows * l.blocksWide * 64) };
}

/** The first HISTORY_READ_BYTES of a file, and whether that is all of it. */
export async function readJpegHead(p: string): Promise<{ buf: Buffer; whole: boolean }> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(size, HISTORY_READ_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { buf: buf.subarray(0, bytesRead), whole: size <= HISTORY_READ_BYTES };
  } finally {
    await fh.close();
  }
}

/** Luma coefficients of (the head of) a file, or why not: a cut head says so rather than "damaged". */
export function decodeHead(head: { buf: Buffer; whole: boolean }, maxBlocks: number): LumaDecode {
  const d = decodeLumaCoefficients(head.buf, { maxBlocks });
  if (!d.ok && !head.whole && d.reason.startsWith('damaged')) return { ok: false, reason: `the first ${HISTORY_READ_BYTES / 1024 / 1024} MiB of the file do not hold the first ${Math.round((maxBlocks * 64) / 1e6)} megapixels of the picture` };
  return d;
}

/**
 * The compression history of a JPEG file on disk: its first 65,536 luma blocks (about 4
 * megapixels) are decoded, which is plenty for the histograms and bounds the time (≈ 0.1–0.5 s),
 * from at most the first 64 MiB of the file.
 */
export async function jpegHistoryOfFile(p: string): Promise<FileHistory> {
  const d = decodeHead(await readJpegHead(p), HISTORY_BLOCKS);
  return d.ok ? { ok: true, history: jpegHistory(d.luma) } : d;
}
