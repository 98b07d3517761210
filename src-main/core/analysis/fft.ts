/**
 * Radix-2 complex fast Fourier transform, in place, in plain TypeScript: 1-D and 2-D (rows, then
 * columns), forward and inverse, on power-of-two sizes. The sensor-noise (PRNU) check needs it
 * for the Wiener filter in the frequency domain and for circular cross-correlation; a naive DFT
 * of a 1024×1024 plane would take hours, this takes tens of milliseconds.
 *
 * Conventions: the forward transform is X[k] = Σₙ x[n]·e^(−2πi·kn/N), unscaled; the inverse uses
 * e^(+2πi·kn/N) and is scaled by 1/N (1/(width·height) in 2-D), so inverse(forward(x)) = x. Real
 * and imaginary parts live in two arrays of the same length (Float64Array or Float32Array; the
 * arithmetic is always double precision, a Float32Array only rounds what is stored).
 *
 * Iterative Cooley–Tukey (decimation in time): a bit-reversal permutation, then log₂N passes of
 * butterflies. Twiddle factors and bit-reversal tables are computed once per size and cached.
 */

/** A real or imaginary part: the FFT works in place on either precision. */
export type FloatArray = Float32Array | Float64Array;

/** True for 1, 2, 4, 8, …: the sizes a radix-2 FFT accepts. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 2 ** 30 && (n & (n - 1)) === 0;
}

interface Tables {
  /** rev[i]: i with its log₂N bits reversed. */
  rev: Uint32Array;
  /** cos(2πk/N) and sin(2πk/N) for k < N/2. */
  cos: Float64Array;
  sin: Float64Array;
}

const tableCache = new Map<number, Tables>();

function tablesFor(n: number): Tables {
  const cached = tableCache.get(n);
  if (cached) return cached;
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  const half = n >> 1;
  const cos = new Float64Array(Math.max(1, half));
  const sin = new Float64Array(Math.max(1, half));
  for (let k = 0; k < half; k++) {
    const a = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  const t = { rev, cos, sin };
  tableCache.set(n, t);
  return t;
}

/** Columns transformed together in `fft2` (gathered into contiguous scratch). */
const COLUMN_BLOCK = 16;

/** The transform proper on re/im[off..off+n) (already checked); no scaling. */
function transform(re: FloatArray, im: FloatArray, off: number, n: number, inverse: boolean): void {
  if (n < 2) return;
  const { rev, cos, sin } = tablesFor(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const pi = off + i;
      const pj = off + j;
      const tr = re[pi]!;
      re[pi] = re[pj]!;
      re[pj] = tr;
      const ti = im[pi]!;
      im[pi] = im[pj]!;
      im[pj] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let k = 0, t = 0; k < half; k++, t += step) {
      const wr = cos[t]!;
      const wi = sign * sin[t]!;
      for (let a = off + k, end = off + n; a < end; a += size) {
        const b = a + half;
        const br = re[b]!;
        const bi = im[b]!;
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        const ar = re[a]!;
        const ai = im[a]!;
        re[b] = ar - xr;
        im[b] = ai - xi;
        re[a] = ar + xr;
        im[a] = ai + xi;
      }
    }
  }
}

/**
 * 1-D FFT in place: `re`/`im` are replaced by the (inverse) transform. The inverse is scaled by
 * 1/N. Throws RangeError unless both arrays have the same power-of-two length.
 */
export function fft(re: FloatArray, im: FloatArray, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError(`fft: real and imaginary parts differ in length (${n} vs ${im.length})`);
  if (!isPowerOfTwo(n)) throw new RangeError(`fft: length ${n} is not a power of two`);
  transform(re, im, 0, n, inverse);
  if (inverse && n > 1) {
    const s = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! * s;
      im[i] = im[i]! * s;
    }
  }
}

/**
 * 2-D FFT in place on a row-major `width`×`height` array (index y·width+x): every row, then
 * every column. The inverse is scaled by 1/(width·height). Throws RangeError unless width and
 * height are powers of two and both arrays hold width·height values.
 */
export function fft2(re: FloatArray, im: FloatArray, width: number, height: number, inverse = false): void {
  if (!isPowerOfTwo(width) || !isPowerOfTwo(height)) throw new RangeError(`fft2: size ${width}×${height} is not a power of two on both sides`);
  const n = width * height;
  if (re.length !== n || im.length !== n) throw new RangeError(`fft2: arrays must hold ${width}×${height} = ${n} values (got ${re.length} and ${im.length})`);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    transform(re, im, o, width, inverse);
  }
  if (height > 1) {
    // Columns in blocks of COLUMN_BLOCK, gathered row by row into contiguous scratch: reading
    // one column at a time would touch a new cache line for every value.
    const cr = new Float64Array(COLUMN_BLOCK * height);
    const ci = new Float64Array(COLUMN_BLOCK * height);
    for (let x0 = 0; x0 < width; x0 += COLUMN_BLOCK) {
      const nb = Math.min(COLUMN_BLOCK, width - x0);
      for (let y = 0; y < height; y++) {
        const p = y * width + x0;
        for (let b = 0, q = y; b < nb; b++, q += height) {
          cr[q] = re[p + b]!;
          ci[q] = im[p + b]!;
        }
      }
      for (let b = 0; b < nb; b++) transform(cr, ci, b * height, height, inverse);
      for (let y = 0; y < height; y++) {
        const p = y * width + x0;
        for (let b = 0, q = y; b < nb; b++, q += height) {
          re[p + b] = cr[q]!;
          im[p + b] = ci[q]!;
        }
      }
    }
  }
  if (inverse && n > 1) {
    const s = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! * s;
      im[i] = im[i]! * s;
    }
  }
}
