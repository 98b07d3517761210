/**
 * Camera sensor-noise (PRNU) fingerprints: which camera took a picture, from the pattern its
 * sensor leaves in every photo. Each pixel of a sensor converts light with a slightly different
 * gain (photo-response non-uniformity), so a photo is I ≈ I⁰·(1 + K) + Θ, where K — a fixed,
 * noise-like plane of about ±1–2 % — is the camera's fingerprint. After Lukáš, Fridrich & Goljan,
 * "Digital camera identification from sensor pattern noise" (IEEE TIFS 2006), and Goljan,
 * Fridrich & Filler, "Large scale test of sensor fingerprint camera identification" (SPIE 2009),
 * whose reference MATLAB code (CameraFingerprint) this follows in spirit:
 *
 * 1. noise residual W = I − F(I) of each photo (`noiseResidual`): F is Mihcak's wavelet denoiser
 *    (db8, 4 levels, periodic extension, locally adaptive Wiener shrinkage of the detail
 *    subbands with σ₀ = 3), so W keeps the fine, noise-like part of the picture where K lives;
 * 2. the maximum-likelihood fingerprint from N photos of one camera (`FingerprintBuilder`):
 *    K = Σ Wᵢ·Iᵢ / Σ Iᵢ², saturated pixels left out (they carry no PRNU);
 * 3. the fingerprint is cleaned of what all cameras of a model share — row/column patterns
 *    (`zeroMean`, per 2×2 colour-filter sub-lattice) and periodic peaks such as JPEG 8×8 blocking and demosaicking (`wienerInDft`) —
 *    which would otherwise make different cameras of one model look alike;
 * 4. a questioned photo is tested (`pce`) by the peak-to-correlation energy of the circular
 *    cross-correlation between its residual and I·K: a sharp peak at zero shift (PCE above
 *    `PCE_MATCH`) says the photo came from that sensor. The largest peak anywhere is reported
 *    too, so a cropped or shifted photo can be recognised.
 *
 * Grey planes only (the caller converts colour to luma), values 0..255, row-major Float32Array
 * (index y·width+x). Residuals need width and height multiples of 16 (four wavelet levels); the
 * frequency-domain steps need powers of two, so fingerprints are powers of two on both sides (a
 * caller crops, e.g. the centre 1024×1024). All loops are plain typed-array code with buffers
 * allocated once per call, deterministic: the same input gives the same output.
 */
import { fft2, isPowerOfTwo } from './fft';

/** One grey plane, values 0..255, row-major (index y·width+x). */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/** A camera fingerprint K (relative gain deviation per pixel) as built by `FingerprintBuilder`. */
export interface Fingerprint {
  width: number;
  height: number;
  data: Float32Array;
}

/** Result of a correlation test: PCE at zero shift, and the strongest peak anywhere. */
export interface PceResult {
  /** sign(c₀)·c₀² / mean c² away from the zero shift: above `PCE_MATCH` reads "same camera". */
  pce: number;
  /**
   * The largest |c| over all circular shifts: (dx, dy) is the shift of the questioned photo's
   * content against the fingerprint (the photo's pixel (x+dx, y+dy) was sensor pixel (x, y)),
   * each in −size/2+1..size/2, with the PCE of that peak measured the same way around it.
   */
  peak: { dx: number; dy: number; pce: number };
  /**
   * The largest correlation away from the zero shift (outside its PCE_NEIGHBOURHOOD²
   * neighbourhood), over the correlation at zero shift: (dx, dy) where it lies and `ratio` =
   * that value / c₀. A camera's noise correlates at one place only (ratio well below 1 when it
   * matches); a periodic trace shared by many cameras (JPEG's 8×8 blocks, a resampling
   * lattice) correlates as strongly at a whole lattice of shifts (ratio near 1 or above).
   */
  runnerUp: { dx: number; dy: number; ratio: number };
}

/**
 * Threshold: PCE above 60 is the usual decision for "same camera" (Goljan et al. 2009 report a
 * false-alarm rate below 1e-5 at 60).
 */
export const PCE_MATCH = 60;

/** Standard deviation σ₀ of the noise the residual keeps (grey levels), as in the reference code. */
export const PRNU_SIGMA = 3;

/** Wavelet levels of the denoiser: width and height must be multiples of 2⁴ = 16. */
export const PRNU_LEVELS = 4;

/** Side of the square left out around a peak when its PCE is measured (the reference's 11). */
export const PCE_NEIGHBOURHOOD = 11;

/** Pixels at or above this grey level are treated as saturated and carry no weight in a fingerprint. */
export const SATURATION_LEVEL = 250;

/**
 * db8 low-pass taps as a tuple, so that the unrolled filter loops below can name each one.
 * Computed by Daubechies' spectral factorisation (8 zeros at z = −1, the minimum-phase root of
 * each pair of the remaining factor, 50-digit arithmetic), in the order MATLAB's
 * `wfilters('db8')` and PyWavelets list the decomposition low-pass; their tabulated values agree
 * to about 1e-12, these are exact to double precision (Σh² = 1 to 1e-16).
 */
const LO = [
  -0.00011747678412476953, 0.0006754494064505693, -0.00039174037337694705, -0.004870352993451574, 0.008746094047405777, 0.013981027917398282,
  -0.044088253930794755, -0.017369301001807547, 0.12874742662047847, 0.0004724845739132828, -0.2840155429615469, -0.015829105256349306,
  0.5853546836542067, 0.6756307362972898, 0.31287159091429995, 0.05441584224310401,
] as const;

/**
 * Daubechies db8 (16 taps, 8 vanishing moments) analysis low-pass filter h, normalised so that
 * Σh = √2 and Σh² = 1 — the orthonormal scaling filter of Daubechies (1988), as tabulated by
 * MATLAB's `wfilters('db8')` and PyWavelets. Mathematical constants, checked by the unit tests.
 */
export const DB8_LOWPASS: readonly number[] = Object.freeze([...LO]);

/** The matching high-pass (wavelet) filter g[j] = (−1)ʲ·h[L−1−j]: a quadrature mirror of `DB8_LOWPASS`. */
export const DB8_HIGHPASS: readonly number[] = Object.freeze(LO.map((_, j) => (j % 2 === 0 ? 1 : -1) * LO[LO.length - 1 - j]!));

const TAPS = LO.length;
const [h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15] = LO;
// g[j] = (−1)ʲ·h[15−j], spelt out.
const g0 = h15, g1 = -h14, g2 = h13, g3 = -h12, g4 = h11, g5 = -h10, g6 = h9, g7 = -h8;
const g8 = h7, g9 = -h6, g10 = h5, g11 = -h4, g12 = h3, g13 = -h2, g14 = h1, g15 = -h0;

function checkPlaneSize(what: string, width: number, height: number, length: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`${what}: bad size ${width}×${height}`);
  if (length !== width * height) throw new RangeError(`${what}: ${length} values for a ${width}×${height} plane`);
}

// ---------------------------------------------------------------------------------------------
// Wavelet transform (orthonormal, periodic extension)
// ---------------------------------------------------------------------------------------------

/**
 * One analysis step on `n` samples read from `buf` at `off`, `off+stride`, …: approximation
 * a[k] = Σⱼ h[j]·x[(2k+j) mod n] and detail d[k] = Σⱼ g[j]·x[(2k+j) mod n], written back in place
 * (a into the first n/2 positions, d into the last). `ext` is scratch of at least n + TAPS.
 * The 16 taps are unrolled: several times faster than a loop over them in V8.
 */
function analyzeLine(buf: Float64Array, off: number, stride: number, n: number, ext: Float64Array): void {
  for (let i = 0; i < n; i++) ext[i] = buf[off + i * stride]!;
  for (let i = n; i < n + TAPS; i++) ext[i] = ext[i % n]!;
  const half = n >> 1;
  for (let k = 0; k < half; k++) {
    const b = 2 * k;
    const x0 = ext[b]!, x1 = ext[b + 1]!, x2 = ext[b + 2]!, x3 = ext[b + 3]!, x4 = ext[b + 4]!, x5 = ext[b + 5]!, x6 = ext[b + 6]!, x7 = ext[b + 7]!;
    const x8 = ext[b + 8]!, x9 = ext[b + 9]!, x10 = ext[b + 10]!, x11 = ext[b + 11]!, x12 = ext[b + 12]!, x13 = ext[b + 13]!, x14 = ext[b + 14]!, x15 = ext[b + 15]!;
    buf[off + k * stride] =
      h0 * x0 + h1 * x1 + h2 * x2 + h3 * x3 + h4 * x4 + h5 * x5 + h6 * x6 + h7 * x7 +
      h8 * x8 + h9 * x9 + h10 * x10 + h11 * x11 + h12 * x12 + h13 * x13 + h14 * x14 + h15 * x15;
    buf[off + (half + k) * stride] =
      g0 * x0 + g1 * x1 + g2 * x2 + g3 * x3 + g4 * x4 + g5 * x5 + g6 * x6 + g7 * x7 +
      g8 * x8 + g9 * x9 + g10 * x10 + g11 * x11 + g12 * x12 + g13 * x13 + g14 * x14 + g15 * x15;
  }
}

/**
 * One synthesis step, the transpose of `analyzeLine`: x[m] = Σₖ a[k]·h[m−2k] + d[k]·g[m−2k]
 * (indices mod n), with a and d read from the two halves and x written back in place. For an
 * orthonormal filter pair with periodic extension this inverts `analyzeLine` exactly. Written
 * as a gather: x[2p] takes the even taps and x[2p+1] the odd taps of a[p−i], d[p−i], i = 0..7,
 * with a and d extended periodically 7 places back into `ext` (at least n + 14 long).
 */
function synthesizeLine(buf: Float64Array, off: number, stride: number, n: number, ext: Float64Array): void {
  const half = n >> 1;
  const e = half + 7;
  for (let i = 0; i < e; i++) {
    const k = (((i - 7) % half) + half) % half;
    ext[i] = buf[off + k * stride]!;
    ext[e + i] = buf[off + (half + k) * stride]!;
  }
  for (let p = 0; p < half; p++) {
    // a[p−i] = ext[p+7−i], d[p−i] = ext[e+p+7−i]
    const a0 = ext[p + 7]!, a1 = ext[p + 6]!, a2 = ext[p + 5]!, a3 = ext[p + 4]!, a4 = ext[p + 3]!, a5 = ext[p + 2]!, a6 = ext[p + 1]!, a7 = ext[p]!;
    const q = e + p;
    const d0 = ext[q + 7]!, d1 = ext[q + 6]!, d2 = ext[q + 5]!, d3 = ext[q + 4]!, d4 = ext[q + 3]!, d5 = ext[q + 2]!, d6 = ext[q + 1]!, d7 = ext[q]!;
    buf[off + 2 * p * stride] =
      h0 * a0 + h2 * a1 + h4 * a2 + h6 * a3 + h8 * a4 + h10 * a5 + h12 * a6 + h14 * a7 +
      g0 * d0 + g2 * d1 + g4 * d2 + g6 * d3 + g8 * d4 + g10 * d5 + g12 * d6 + g14 * d7;
    buf[off + (2 * p + 1) * stride] =
      h1 * a0 + h3 * a1 + h5 * a2 + h7 * a3 + h9 * a4 + h11 * a5 + h13 * a6 + h15 * a7 +
      g1 * d0 + g3 * d1 + g5 * d2 + g7 * d3 + g9 * d4 + g11 * d5 + g13 * d6 + g15 * d7;
  }
}

function checkWaveletSize(what: string, width: number, height: number, length: number, levels: number): void {
  if (!Number.isInteger(levels) || levels < 0) throw new RangeError(`${what}: bad level count ${levels}`);
  checkPlaneSize(what, width, height, length);
  const m = 2 ** levels;
  if (width % m !== 0 || height % m !== 0) throw new RangeError(`${what}: ${width}×${height} is not a multiple of ${m} on both sides (${levels} levels)`);
}

/**
 * 2-D discrete wavelet transform with the db8 filters and periodic extension, `levels` levels,
 * in the usual (Mallat) layout: after level ℓ the top-left (width/2ˡ)×(height/2ˡ) block holds the
 * approximation, and the three blocks beside, below and diagonal to it the horizontal-detail
 * (HL), vertical-detail (LH) and diagonal (HH) subbands of that level. Orthonormal, so
 * `idwt2` inverts it and energy is preserved. Returns a new Float64Array; the input is unchanged.
 * Throws RangeError unless width and height are multiples of 2^levels.
 */
export function dwt2(data: ArrayLike<number>, width: number, height: number, levels: number): Float64Array {
  checkWaveletSize('dwt2', width, height, data.length, levels);
  const buf = Float64Array.from(data);
  const ext = new Float64Array(Math.max(width, height) + TAPS);
  const cols = new Float64Array(COLUMN_BLOCK * height);
  for (let l = 0; l < levels; l++) {
    const cw = width >> l;
    const ch = height >> l;
    for (let y = 0; y < ch; y++) analyzeLine(buf, y * width, 1, cw, ext);
    columnPass(buf, width, cw, ch, cols, ext, analyzeLine);
  }
  return buf;
}

/**
 * Inverse of `dwt2`: rebuilds the plane from Mallat-layout coefficients (same width, height and
 * levels). Returns a new Float64Array; the coefficients are unchanged. Throws RangeError unless
 * width and height are multiples of 2^levels.
 */
export function idwt2(coeffs: ArrayLike<number>, width: number, height: number, levels: number): Float64Array {
  checkWaveletSize('idwt2', width, height, coeffs.length, levels);
  const buf = Float64Array.from(coeffs);
  const ext = new Float64Array(Math.max(width, height) + TAPS);
  const cols = new Float64Array(COLUMN_BLOCK * height);
  for (let l = levels - 1; l >= 0; l--) {
    const cw = width >> l;
    const ch = height >> l;
    columnPass(buf, width, cw, ch, cols, ext, synthesizeLine);
    for (let y = 0; y < ch; y++) synthesizeLine(buf, y * width, 1, cw, ext);
  }
  return buf;
}

/** Columns filtered together (gathered into contiguous scratch, which is much kinder to the cache). */
const COLUMN_BLOCK = 16;

/**
 * Apply a line step to the first `cw` columns (each `ch` long) of a row-major buffer of row length
 * `stride`.
 */
function columnPass(
  buf: Float64Array,
  stride: number,
  cw: number,
  ch: number,
  cols: Float64Array,
  ext: Float64Array,
  step: (b: Float64Array, off: number, stride: number, n: number, ext: Float64Array) => void,
): void {
  for (let x0 = 0; x0 < cw; x0 += COLUMN_BLOCK) {
    const nb = Math.min(COLUMN_BLOCK, cw - x0);
    for (let y = 0; y < ch; y++) {
      const p = y * stride + x0;
      for (let b = 0, q = y; b < nb; b++, q += ch) cols[q] = buf[p + b]!;
    }
    for (let b = 0; b < nb; b++) step(cols, b * ch, 1, ch, ext);
    for (let y = 0; y < ch; y++) {
      const p = y * stride + x0;
      for (let b = 0, q = y; b < nb; b++, q += ch) buf[p + b] = cols[q]!;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Mihcak local Wiener shrinkage
// ---------------------------------------------------------------------------------------------

/** Scratch buffers for `mihcakGains`, sized for the largest band of one call. */
interface GainScratch {
  /** Input: the squared values. */
  sq: Float64Array;
  /** Output: the gains. */
  gain: Float64Array;
  hsum: Float64Array;
  vsum: Float64Array;
  box: Float64Array;
}

function gainScratch(n: number): GainScratch {
  return { sq: new Float64Array(n), gain: new Float64Array(n), hsum: new Float64Array(n), vsum: new Float64Array(n), box: new Float64Array(n) };
}

/**
 * Mihcak et al. (1999) local Wiener gains: for every value of a bw×bh band (its square in
 * `s.sq`), the local signal variance σ̂² = max(0, min over w ∈ {3,5,7,9} of the mean of c² in a
 * w×w window − σ²), and the gain σ²/(σ̂²+σ²) that keeps the noise part of c, into `s.gain`.
 *
 * The windows wrap around (periodic), like the wavelet transform and the DFT they serve — where
 * the reference code zero-pads (MATLAB filter2). Zero padding underestimates the variance within
 * 4 coefficients of every border (64 px at level 4), so the denoiser passes more of everything
 * there, in every photo of every camera alike: a frame-shaped pattern shared by all cameras. With
 * a strong periodic (JPEG-like) pattern in the photos, that frame alone gave unrelated cameras a
 * PCE near 100 in the synthetic tests; with periodic windows it does not arise.
 *
 * The boxes grow ring by ring: box_r = box_(r−1) + the rows y±r over x−r..x+r (horizontal sums
 * of radius r) + the columns x±r over y−r+1..y+r−1 (vertical sums of radius r−1), each of those
 * sums also grown by one value on each side per radius. Only additions of non-negative values,
 * so — unlike a sliding window or an integral image — a huge value (a DC term) cannot spoil its
 * small neighbours through cancellation.
 */
function mihcakGains(s: GainScratch, bw: number, bh: number, sigma2: number): void {
  const n = bw * bh;
  const { sq, gain, hsum, vsum, box } = s;
  hsum.set(sq.subarray(0, n));
  vsum.set(sq.subarray(0, n));
  box.set(sq.subarray(0, n));
  gain.fill(Infinity, 0, n);
  // Periodic indices: cx[x + R] = x mod bw and ry[y + R] = (y mod bh)·bw for −R ≤ x < bw + R.
  const R = 4;
  const cx = new Int32Array(bw + 2 * R);
  const ry = new Int32Array(bh + 2 * R);
  for (let i = 0; i < cx.length; i++) cx[i] = (((i - R) % bw) + bw) % bw;
  for (let i = 0; i < ry.length; i++) ry[i] = ((((i - R) % bh) + bh) % bh) * bw;
  for (let r = 1; r <= R; r++) {
    for (let y = 0; y < bh; y++) {
      const o = y * bw;
      for (let x = 0; x < bw; x++) hsum[o + x] = hsum[o + x]! + sq[o + cx[x + R - r]!]! + sq[o + cx[x + R + r]!]!;
    }
    const inv = 1 / ((2 * r + 1) * (2 * r + 1));
    for (let y = 0; y < bh; y++) {
      const o = y * bw;
      const up = ry[y + R - r]!;
      const down = ry[y + R + r]!;
      for (let x = 0; x < bw; x++) {
        const v = box[o + x]! + hsum[up + x]! + hsum[down + x]! + vsum[o + cx[x + R - r]!]! + vsum[o + cx[x + R + r]!]!;
        box[o + x] = v;
        const m = v * inv;
        if (m < gain[o + x]!) gain[o + x] = m;
      }
    }
    if (r === R) break;
    for (let y = 0; y < bh; y++) {
      const o = y * bw;
      const up = ry[y + R - r]!;
      const down = ry[y + R + r]!;
      for (let x = 0; x < bw; x++) vsum[o + x] = vsum[o + x]! + sq[up + x]! + sq[down + x]!;
    }
  }
  for (let i = 0; i < n; i++) {
    const v = gain[i]! - sigma2;
    gain[i] = sigma2 / ((v > 0 ? v : 0) + sigma2);
  }
}

/**
 * Replace the bw×bh band at (x0, y0) of a row-major buffer of row length `stride` by its noise
 * part c·σ²/(σ̂²+σ²) (see `mihcakGains`).
 */
function shrinkBand(buf: Float64Array, stride: number, x0: number, y0: number, bw: number, bh: number, sigma2: number, s: GainScratch): void {
  for (let y = 0; y < bh; y++) {
    const o = (y0 + y) * stride + x0;
    for (let x = 0; x < bw; x++) {
      const c = buf[o + x]!;
      s.sq[y * bw + x] = c * c;
    }
  }
  mihcakGains(s, bw, bh, sigma2);
  for (let y = 0; y < bh; y++) {
    const o = (y0 + y) * stride + x0;
    for (let x = 0; x < bw; x++) buf[o + x] = buf[o + x]! * s.gain[y * bw + x]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Residuals and their cleaning
// ---------------------------------------------------------------------------------------------

/**
 * Noise residual W = I − F(I): Mihcak wavelet denoising (db8, 4 levels, periodic extension; σ0 = 3
 * → σ0² = 9; in each detail subband LH/HL/HH of each level the local signal variance is estimated
 * as max(0, mean over a w×w window of c² − σ0²) for w ∈ {3,5,7,9}, the minimum over w taken; the
 * noise part of a coefficient is c·σ0²/(σ̂²+σ0²); the approximation band's noise is zero), inverse
 * transform of the noise coefficients gives W; then zeroMean. Width and height must be multiples
 * of 16 (4 levels) else throw RangeError. The windows wrap around (periodic, like the transform)
 * where the reference zero-pads: see `mihcakGains` for why. Returns a new array.
 */
export function noiseResidual(img: Plane): Float32Array {
  const { width, height, data } = img;
  checkPlaneSize('noiseResidual', width, height, data.length);
  if (width % 16 !== 0 || height % 16 !== 0) throw new RangeError(`noiseResidual: ${width}×${height} is not a multiple of 16 on both sides`);
  const c = dwt2(data, width, height, PRNU_LEVELS);
  const sigma2 = PRNU_SIGMA * PRNU_SIGMA;
  const s = gainScratch((width >> 1) * (height >> 1));
  for (let l = 1; l <= PRNU_LEVELS; l++) {
    const bw = width >> l;
    const bh = height >> l;
    shrinkBand(c, width, bw, 0, bw, bh, sigma2, s);
    shrinkBand(c, width, 0, bh, bw, bh, sigma2, s);
    shrinkBand(c, width, bw, bh, bw, bh, sigma2, s);
  }
  // The approximation band is all signal: no noise part.
  const aw = width >> PRNU_LEVELS;
  const ah = height >> PRNU_LEVELS;
  for (let y = 0; y < ah; y++) c.fill(0, y * width, y * width + aw);
  const w = Float32Array.from(idwt2(c, width, height, PRNU_LEVELS));
  zeroMean(w, width, height);
  return w;
}

/**
 * Subtract row then column means on each of the four 2×2 sub-lattices (even/odd rows × even/odd
 * columns), as the reference ZeroMeanTotal does: removes linear-pattern artefacts shared by all
 * cameras of a model — row and column readout offsets, and those of each colour-filter site,
 * which demosaicking spreads on a 2×2 lattice. In place; afterwards every row and every column of
 * each sub-lattice (hence of the whole plane) sums to ~0. A side of odd length is treated whole.
 */
export function zeroMean(w: Float32Array, width: number, height: number): void {
  checkPlaneSize('zeroMean', width, height, w.length);
  const sx = width % 2 === 0 ? 2 : 1;
  const sy = height % 2 === 0 ? 2 : 1;
  for (let oy = 0; oy < sy; oy++) for (let ox = 0; ox < sx; ox++) zeroMeanLattice(w, width, height, ox, oy, sx, sy);
}

/** Row then column means removed over the pixels (ox + i·sx, oy + j·sy). */
function zeroMeanLattice(w: Float32Array, width: number, height: number, ox: number, oy: number, sx: number, sy: number): void {
  const cols = Math.ceil((width - ox) / sx);
  const rows = Math.ceil((height - oy) / sy);
  for (let y = oy; y < height; y += sy) {
    const o = y * width;
    let s = 0;
    for (let x = ox; x < width; x += sx) s += w[o + x]!;
    const m = s / cols;
    for (let x = ox; x < width; x += sx) w[o + x] = w[o + x]! - m;
  }
  const col = new Float64Array(width);
  for (let y = oy; y < height; y += sy) {
    const o = y * width;
    for (let x = ox; x < width; x += sx) col[x] = col[x]! + w[o + x]!;
  }
  for (let y = oy; y < height; y += sy) {
    const o = y * width;
    for (let x = ox; x < width; x += sx) w[o + x] = w[o + x]! - col[x]! / rows;
  }
}

/**
 * The reference WienerInDFT: F = fft2(x); magnitude M = |F|/sqrt(N); noise variance σ² = variance
 * of x; M' = the Mihcak local-variance "noise part" of M (same windows 3..9) ; F·M'/M (where M==0
 * leave 0); x' = real(ifft2). Suppresses periodic (JPEG 8×8 / demosaicking) peaks that would
 * otherwise correlate across cameras. Sizes must be powers of two. The windows wrap around, the
 * spectrum being periodic; M'/M is the Mihcak gain itself, so no division is needed. Returns a new
 * array; a constant x (σ² = 0) gives all zeros.
 */
export function wienerInDft(x: Float32Array, width: number, height: number): Float32Array {
  checkPlaneSize('wienerInDft', width, height, x.length);
  if (!isPowerOfTwo(width) || !isPowerOfTwo(height)) throw new RangeError(`wienerInDft: ${width}×${height} is not a power of two on both sides`);
  const n = width * height;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    ss += d * d;
  }
  const sigma2 = ss / n;
  if (!(sigma2 > 0) || !Number.isFinite(sigma2)) return new Float32Array(n);
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  fft2(re, im, width, height);
  const s = gainScratch(n);
  for (let i = 0; i < n; i++) s.sq[i] = (re[i]! * re[i]! + im[i]! * im[i]!) / n;
  mihcakGains(s, width, height, sigma2);
  // M'/M is exactly the gain, so F·M'/M = F·gain (and 0 stays 0 where M = 0).
  for (let i = 0; i < n; i++) {
    const g = s.gain[i]!;
    re[i] = re[i]! * g;
    im[i] = im[i]! * g;
  }
  fft2(re, im, width, height, true);
  return Float32Array.from(re);
}

// ---------------------------------------------------------------------------------------------
// Fingerprints
// ---------------------------------------------------------------------------------------------

function checkFingerprintSize(what: string, width: number, height: number): void {
  if (!isPowerOfTwo(width) || !isPowerOfTwo(height) || width < 16 || height < 16) {
    throw new RangeError(`${what}: ${width}×${height} must be a power of two of at least 16 on both sides`);
  }
}

/**
 * Accumulator for a camera fingerprint K = Σ W_i·I_i / Σ I_i² over images of one size (maximum
 * likelihood estimate). Pixels that are saturated (I ≥ 250, computed on the input plane) get
 * weight 0 in both sums for that image. add() throws RangeError on a size different from the
 * first. finish() applies zeroMean then wienerInDft and returns the fingerprint plane
 * (Float32Array) plus the count of images; throws if none were added. The size must be a power of
 * two of at least 16 on both sides (RangeError from the constructor otherwise).
 */
export class FingerprintBuilder {
  readonly width: number;
  readonly height: number;
  private readonly sumWI: Float64Array;
  private readonly sumII: Float64Array;
  private added = 0;

  constructor(width: number, height: number) {
    checkFingerprintSize('FingerprintBuilder', width, height);
    this.width = width;
    this.height = height;
    this.sumWI = new Float64Array(width * height);
    this.sumII = new Float64Array(width * height);
  }

  /** Images added so far. */
  get count(): number {
    return this.added;
  }

  /** Add one photo of the camera (grey plane of the builder's size; RangeError otherwise). */
  add(img: Plane): void {
    if (img.width !== this.width || img.height !== this.height) {
      throw new RangeError(`FingerprintBuilder.add: ${img.width}×${img.height} differs from the fingerprint's ${this.width}×${this.height}`);
    }
    const w = noiseResidual(img);
    const { data } = img;
    const { sumWI, sumII } = this;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v >= SATURATION_LEVEL) continue;
      sumWI[i] = sumWI[i]! + w[i]! * v;
      sumII[i] = sumII[i]! + v * v;
    }
    this.added++;
  }

  /** The fingerprint: K, cleaned by zeroMean and wienerInDft. Throws Error when no image was added. */
  finish(): { width: number; height: number; data: Float32Array; images: number } {
    if (this.added === 0) throw new Error('FingerprintBuilder.finish: no images were added');
    const { width, height, sumWI, sumII } = this;
    const k = new Float32Array(width * height);
    for (let i = 0; i < k.length; i++) {
      const d = sumII[i]!;
      k[i] = d > 0 ? sumWI[i]! / d : 0;
    }
    zeroMean(k, width, height);
    return { width, height, data: wienerInDft(k, width, height), images: this.added };
  }
}

// ---------------------------------------------------------------------------------------------
// Correlation and PCE
// ---------------------------------------------------------------------------------------------

/**
 * Circular cross-correlation c[s] = Σₚ a[p+s]·b[p] of two planes of the same power-of-two size,
 * each made zero-mean first (as the reference crosscorr), by FFT: both real planes go through
 * one complex transform (a + i·b) and are separated by Hermitian symmetry. Index
 * (sy mod height)·width + (sx mod width) holds the shift (sx, sy). Returns a new Float64Array.
 */
export function crossCorrelate(a: Float32Array, b: Float32Array, width: number, height: number): Float64Array {
  checkPlaneSize('crossCorrelate', width, height, a.length);
  checkPlaneSize('crossCorrelate', width, height, b.length);
  if (!isPowerOfTwo(width) || !isPowerOfTwo(height)) throw new RangeError(`crossCorrelate: ${width}×${height} is not a power of two on both sides`);
  const n = width * height;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = a[i]! - ma;
    im[i] = b[i]! - mb;
  }
  fft2(re, im, width, height);
  // Z = A + iB with A, B the transforms of the real planes: A[k] = (Z[k] + conj Z[−k])/2,
  // B[k] = (Z[k] − conj Z[−k])/(2i). C = A·conj(B) is Hermitian, so each pair (k, −k) is
  // computed once and written to both places.
  for (let ky = 0; ky < height; ky++) {
    const ny = ky === 0 ? 0 : height - ky;
    for (let kx = 0; kx < width; kx++) {
      const i = ky * width + kx;
      const j = ny * width + (kx === 0 ? 0 : width - kx);
      if (j < i) continue;
      const zr = re[i]!;
      const zi = im[i]!;
      const yr = re[j]!;
      const yi = im[j]!;
      const ar = (zr + yr) / 2;
      const ai = (zi - yi) / 2;
      const br = (zi + yi) / 2;
      const bi = -(zr - yr) / 2;
      // A·conj(B)
      const cr = ar * br + ai * bi;
      const ci = ai * br - ar * bi;
      re[i] = cr;
      im[i] = ci;
      re[j] = cr;
      im[j] = -ci;
    }
  }
  fft2(re, im, width, height, true);
  return re;
}

/**
 * PCE of the correlation value at shift index (px, py): sign(c)·c² over the mean of c² at all
 * shifts outside the `PCE_NEIGHBOURHOOD`-square around it (circularly).
 */
function pceAt(c: Float64Array, width: number, height: number, px: number, py: number, total: number): number {
  const r = (PCE_NEIGHBOURHOOD - 1) >> 1;
  const rx = Math.min(r, (width - 1) >> 1);
  const ry = Math.min(r, (height - 1) >> 1);
  let near = 0;
  let count = 0;
  for (let dy = -ry; dy <= ry; dy++) {
    const y = (((py + dy) % height) + height) % height;
    for (let dx = -rx; dx <= rx; dx++) {
      const x = (((px + dx) % width) + width) % width;
      const v = c[y * width + x]!;
      near += v * v;
      count++;
    }
  }
  const rest = width * height - count;
  const energy = rest > 0 ? Math.max(0, total - near) / rest : 0;
  const v = c[py * width + px]!;
  if (!(energy > 0)) return v === 0 ? 0 : Math.sign(v) * Infinity;
  return (Math.sign(v) * v * v) / energy;
}

/**
 * Planes holding data in their top-left vw × vh only (zero beyond) overlap over fewer pixels the
 * further they are shifted, so their correlation's energy shrinks away from the zero shift and a
 * plain PCE would read high. Each shift's value is scaled by √(overlap at zero / overlap there):
 * under the null (no shared pattern) every shift then has the variance of the zero shift. In place.
 */
function evenOverlap(c: Float64Array, width: number, height: number, vw: number, vh: number): void {
  if (!(vw > width / 2 && vw <= width && vh > height / 2 && vh <= height)) throw new RangeError(`correlationPce: data of ${vw}×${vh} must fill more than half of the ${width}×${height} plane on both sides`);
  // Overlap of [0, v) with itself shifted circularly by s in a period n: v − s and, wrapped round, s − (n − v).
  const overlap = (s: number, v: number, n: number) => Math.max(0, v - s) + Math.max(0, s - (n - v));
  const ox = Float64Array.from({ length: width }, (_, s) => overlap(s, vw, width));
  for (let y = 0; y < height; y++) {
    const oy = overlap(y, vh, height);
    for (let x = 0; x < width; x++) c[y * width + x] = c[y * width + x]! * Math.sqrt((vw * vh) / (ox[x]! * oy));
  }
}

/**
 * PCE test of a residual against a reference pattern of the same size (both already cleaned):
 * the correlation `crossCorrelate(residual, pattern)`, its PCE at zero shift, and its largest
 * |c| anywhere with that peak's shift and PCE. `valid`: both planes hold data in their top-left
 * w × h only, zero-padded to the power-of-two size (`evenOverlap` then keeps the PCE fair). `pce` is this with residual = cleaned residual of
 * the questioned photo and pattern = I·K.
 */
export function correlationPce(residual: Float32Array, pattern: Float32Array, width: number, height: number, valid?: { w: number; h: number }): PceResult {
  const c = crossCorrelate(residual, pattern, width, height);
  if (valid && (valid.w !== width || valid.h !== height)) evenOverlap(c, width, height, valid.w, valid.h);
  let total = 0;
  let best = 0;
  let bestAbs = -1;
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    total += v * v;
    const av = Math.abs(v);
    if (av > bestAbs) {
      bestAbs = av;
      best = i;
    }
  }
  const r = (PCE_NEIGHBOURHOOD - 1) >> 1;
  const near = (d: number, size: number) => Math.min(d, size - d) <= r;
  let second = 0;
  let secondValue = -Infinity;
  for (let y = 0; y < height; y++) {
    const nearY = near(y, height);
    for (let x = 0; x < width; x++) {
      if (nearY && near(x, width)) continue;
      const v = c[y * width + x]!;
      if (v > secondValue) {
        secondValue = v;
        second = y * width + x;
      }
    }
  }
  const signed = (i: number) => {
    const px = i % width;
    const py = (i - px) / width;
    return { px, py, dx: px > width >> 1 ? px - width : px, dy: py > height >> 1 ? py - height : py };
  };
  const b = signed(best);
  const s2 = signed(second);
  const c0 = c[0]!;
  return {
    pce: pceAt(c, width, height, 0, 0, total),
    peak: { dx: b.dx, dy: b.dy, pce: pceAt(c, width, height, b.px, b.py, total) },
    runnerUp: { dx: s2.dx, dy: s2.dy, ratio: secondValue === -Infinity ? 0 : c0 > 0 ? secondValue / c0 : Infinity },
  };
}

/**
 * Peak-to-correlation energy of the questioned image against a fingerprint: the residual W of the
 * questioned plane I (noiseResidual then wienerInDft) is cross-correlated (circularly, by FFT)
 * with I·K; PCE = sign(c0)·c0² / mean of c² over all shifts outside an 11×11 neighbourhood of the
 * zero shift, where c0 is the correlation at zero shift. Also return the largest |c| over all
 * shifts and its shift (dx, dy, in −w/2..w/2) with its own PCE, so a caller can tell a
 * shifted/cropped match. Sizes must equal the fingerprint's (else RangeError).
 */
export function pce(img: Plane, fingerprint: Fingerprint): PceResult {
  return pceOfResidual(questionedResidual(img), img, fingerprint);
}

/** The questioned plane's cleaned residual (noiseResidual then wienerInDft): what `pce` correlates, reusable across fingerprints of its size. */
export function questionedResidual(img: Plane): Float32Array {
  return wienerInDft(noiseResidual(img), img.width, img.height);
}

/** `pce` with the questioned plane's residual already computed (`questionedResidual(img)`). */
export function pceOfResidual(residual: Float32Array, img: Plane, fingerprint: Fingerprint): PceResult {
  const { width, height } = fingerprint;
  if (img.width !== width || img.height !== height) throw new RangeError(`pce: image ${img.width}×${img.height} differs from the fingerprint's ${width}×${height}`);
  checkFingerprintSize('pce', width, height);
  checkPlaneSize('pce', width, height, fingerprint.data.length);
  checkPlaneSize('pce', width, height, residual.length);
  const ik = new Float32Array(width * height);
  const k = fingerprint.data;
  for (let i = 0; i < ik.length; i++) ik[i] = img.data[i]! * k[i]!;
  return correlationPce(residual, ik, width, height);
}

/** A plane's residual zero-padded to powers of two (see `paddedPce`), reusable across patterns of its size. */
export interface PaddedResidual {
  /** The plane's own size (the data's top-left) and the padded size. */
  width: number;
  height: number;
  paddedWidth: number;
  paddedHeight: number;
  data: Float32Array;
}

/**
 * The cleaned residual of a plane of any size with multiples of 16 a side (a picture's region
 * compared at another scale: scaled-compare.ts): the noise residual at the plane's own size,
 * zero-padded to the next powers of two (the wiener step and the correlation need them), then
 * wienerInDft.
 */
export function paddedResidual(img: Plane): PaddedResidual {
  const { width: w, height: h } = img;
  checkPlaneSize('paddedResidual', w, h, img.data.length);
  const pw = nextPowerOfTwo(w);
  const ph = nextPowerOfTwo(h);
  const residual = noiseResidual(img);
  const padded = new Float32Array(pw * ph);
  for (let y = 0; y < h; y++) padded.set(residual.subarray(y * w, (y + 1) * w), y * pw);
  return { width: w, height: h, paddedWidth: pw, paddedHeight: ph, data: wienerInDft(padded, pw, ph) };
}

/**
 * `pce` of a plane of any size (multiples of 16) against a pattern K of its size, from its
 * `paddedResidual`: I·K is zero-padded the same way and the correlation judged with `evenOverlap`.
 */
export function paddedPce(residual: PaddedResidual, img: Plane, k: Float32Array): PceResult {
  const { width: w, height: h, paddedWidth: pw, paddedHeight: ph } = residual;
  if (img.width !== w || img.height !== h) throw new RangeError(`paddedPce: image ${img.width}×${img.height} differs from the residual's ${w}×${h}`);
  checkPlaneSize('paddedPce', w, h, k.length);
  const pattern = new Float32Array(pw * ph);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pattern[y * pw + x] = img.data[y * w + x]! * k[y * w + x]!;
  return correlationPce(residual.data, pattern, pw, ph, { w, h });
}

function nextPowerOfTwo(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}
