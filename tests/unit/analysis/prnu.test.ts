import { beforeAll, describe, expect, it } from 'vitest';
import { fft, fft2, isPowerOfTwo } from '../../../src-main/core/analysis/fft';
import {
  DB8_HIGHPASS,
  DB8_LOWPASS,
  FingerprintBuilder,
  PCE_MATCH,
  correlationPce,
  crossCorrelate,
  dwt2,
  idwt2,
  noiseResidual,
  pce,
  wienerInDft,
  zeroMean,
  type Fingerprint,
  type Plane,
} from '../../../src-main/core/analysis/prnu';
import { gauss, prng } from '../../helpers/camera-pictures';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Pearson correlation of two equally long arrays. */
function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function rms(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s / a.length);
}

/** Naive O(N²) DFT (sign −1 forward), the reference the FFT is checked against. */
function naiveDft(re: ArrayLike<number>, im: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const or = new Float64Array(n);
  const oi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      or[k] = or[k]! + re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      oi[k] = oi[k]! + re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
  }
  return { re: or, im: oi };
}

/** Naive 2-D DFT of a row-major w×h array. */
function naiveDft2(re: ArrayLike<number>, im: ArrayLike<number>, w: number, h: number): { re: Float64Array; im: Float64Array } {
  const or = new Float64Array(w * h);
  const oi = new Float64Array(w * h);
  for (let ky = 0; ky < h; ky++) {
    for (let kx = 0; kx < w; kx++) {
      let sr = 0;
      let si = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const a = -2 * Math.PI * ((kx * x) / w + (ky * y) / h);
          const vr = re[y * w + x]!;
          const vi = im[y * w + x]!;
          sr += vr * Math.cos(a) - vi * Math.sin(a);
          si += vr * Math.sin(a) + vi * Math.cos(a);
        }
      }
      or[ky * w + kx] = sr;
      oi[ky * w + kx] = si;
    }
  }
  return { re: or, im: oi };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tol);
}

function randomArray(n: number, rand: () => number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * rand() - 1);
  return a;
}

// ---------------------------------------------------------------------------------------------
// Synthetic cameras
// ---------------------------------------------------------------------------------------------

const S = 256;

/** A sensor's multiplicative pattern K ~ N(0, sd²) per pixel. */
function sensor(rand: () => number, sd: number): Float32Array {
  const k = new Float32Array(S * S);
  for (let i = 0; i < k.length; i++) k[i] = sd * gauss(rand);
  return k;
}

/** A smooth random scene: six random low-frequency plane waves (1–12 cycles across), scaled to 30..220. */
function scene(rand: () => number): Float64Array {
  const v = new Float64Array(S * S);
  for (let c = 0; c < 6; c++) {
    const f = ((1 + rand() * 11) * 2 * Math.PI) / S;
    const th = rand() * 2 * Math.PI;
    const fx = f * Math.cos(th);
    const fy = f * Math.sin(th);
    const ph = rand() * 2 * Math.PI;
    const amp = 0.3 + rand();
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) v[y * S + x] = v[y * S + x]! + amp * Math.sin(fx * x + fy * y + ph);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of v) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  for (let i = 0; i < v.length; i++) v[i] = 30 + (190 * (v[i]! - lo)) / (hi - lo);
  return v;
}

/**
 * A photo: scene·(1+K) + N(0, 1.5²), plus an optional 8×8 tile repeated over the whole frame
 * (what JPEG blocking leaves, shared by every camera), rounded and clamped to 0..255.
 */
function photo(rand: () => number, k: Float32Array, tile?: Float32Array): Plane {
  const sc = scene(rand);
  const data = new Float32Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const i = y * S + x;
      let v = sc[i]! * (1 + k[i]!) + 1.5 * gauss(rand);
      if (tile) v += tile[(y & 7) * 8 + (x & 7)]!;
      data[i] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
  return { width: S, height: S, data };
}

/** The photo circularly shifted by (dx, dy): its pixel (x+dx, y+dy) is the original's (x, y). */
function shifted(p: Plane, dx: number, dy: number): Plane {
  const { width: w, height: h } = p;
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[((((y + dy) % h) + h) % h) * w + ((((x + dx) % w) + w) % w)] = p.data[y * w + x]!;
  return { width: w, height: h, data };
}

// ---------------------------------------------------------------------------------------------
// FFT
// ---------------------------------------------------------------------------------------------

describe('fft', () => {
  it('knows its sizes', () => {
    for (const n of [1, 2, 4, 1024, 2 ** 20]) expect(isPowerOfTwo(n)).toBe(true);
    for (const n of [0, 3, 6, 12, 1000, -4, 2.5, Number.NaN]) expect(isPowerOfTwo(n)).toBe(false);
  });

  it('inverse(forward(x)) returns x, in both precisions', () => {
    const rand = prng(1);
    const re = randomArray(256, rand, 100);
    const im = randomArray(256, rand, 100);
    const r2 = Float64Array.from(re);
    const i2 = Float64Array.from(im);
    fft(r2, i2);
    expect(maxAbs(r2.map((v, i) => v - re[i]!))).toBeGreaterThan(1); // it did transform
    fft(r2, i2, true);
    expectClose(r2, re, 1e-10);
    expectClose(i2, im, 1e-10);
    const f3 = Float32Array.from(re);
    const g3 = Float32Array.from(im);
    fft(f3, g3);
    fft(f3, g3, true);
    expectClose(f3, re, 1e-3);
    expectClose(g3, im, 1e-3);
  });

  it('transforms a delta, a sinusoid and random data as the naive DFT does', () => {
    const n = 16;
    // Delta at t = 3: X[k] = e^(−2πi·3k/16).
    const dr = new Float64Array(n);
    const di = new Float64Array(n);
    dr[3] = 1;
    fft(dr, di);
    for (let k = 0; k < n; k++) {
      expect(dr[k]).toBeCloseTo(Math.cos((-2 * Math.PI * 3 * k) / n), 12);
      expect(di[k]).toBeCloseTo(Math.sin((-2 * Math.PI * 3 * k) / n), 12);
    }
    // cos(2π·5t/16): N/2 at bins 5 and 11, zero elsewhere.
    const sr = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 5 * t) / n));
    const si = new Float64Array(n);
    fft(sr, si);
    for (let k = 0; k < n; k++) {
      expect(sr[k]).toBeCloseTo(k === 5 || k === 11 ? n / 2 : 0, 10);
      expect(si[k]).toBeCloseTo(0, 10);
    }
    const rand = prng(2);
    for (const len of [1, 2, 8, 32]) {
      const re = randomArray(len, rand);
      const im = randomArray(len, rand);
      const want = naiveDft(re, im);
      const r2 = Float64Array.from(re);
      const i2 = Float64Array.from(im);
      fft(r2, i2);
      expectClose(r2, want.re, 1e-10);
      expectClose(i2, want.im, 1e-10);
      // The inverse is the conjugate transform scaled by 1/N.
      fft(r2, i2, true);
      expectClose(r2, re, 1e-12);
    }
  });

  it('2-D: matches the naive 2-D DFT on a non-square plane and inverts', () => {
    const rand = prng(3);
    const w = 8;
    const h = 4;
    const re = randomArray(w * h, rand);
    const im = randomArray(w * h, rand);
    const want = naiveDft2(re, im, w, h);
    const r2 = Float64Array.from(re);
    const i2 = Float64Array.from(im);
    fft2(r2, i2, w, h);
    expectClose(r2, want.re, 1e-10);
    expectClose(i2, want.im, 1e-10);
    fft2(r2, i2, w, h, true);
    expectClose(r2, re, 1e-12);
    expectClose(i2, im, 1e-12);
    // A larger one (more than one block of columns) round-trips too.
    const big = randomArray(64 * 32, rand, 50);
    const bi = new Float64Array(64 * 32);
    const b2 = Float64Array.from(big);
    fft2(b2, bi, 64, 32);
    fft2(b2, bi, 64, 32, true);
    expectClose(b2, big, 1e-10);
    expect(maxAbs(bi)).toBeLessThan(1e-10);
  });

  it('throws a RangeError on sizes that are not powers of two, or mismatched arrays', () => {
    expect(() => fft(new Float64Array(12), new Float64Array(12))).toThrow(RangeError);
    expect(() => fft(new Float64Array(0), new Float64Array(0))).toThrow(RangeError);
    expect(() => fft(new Float64Array(16), new Float64Array(8))).toThrow(RangeError);
    expect(() => fft2(new Float64Array(12 * 8), new Float64Array(12 * 8), 12, 8)).toThrow(RangeError);
    expect(() => fft2(new Float64Array(8 * 6), new Float64Array(8 * 6), 8, 6)).toThrow(RangeError);
    expect(() => fft2(new Float64Array(8 * 8), new Float64Array(8 * 4), 8, 8)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Wavelet
// ---------------------------------------------------------------------------------------------

describe('db8 wavelet', () => {
  it('has the orthonormal Daubechies filters', () => {
    const h = DB8_LOWPASS;
    const g = DB8_HIGHPASS;
    expect(h).toHaveLength(16);
    expect(g).toHaveLength(16);
    expect(h.reduce((s, v) => s + v, 0)).toBeCloseTo(Math.SQRT2, 12);
    expect(h.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
    expect(g.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    // Orthogonal to its own even shifts, and to the high-pass at every even shift.
    for (let m = 1; m < 8; m++) {
      let hh = 0;
      let gg = 0;
      for (let j = 0; j + 2 * m < 16; j++) {
        hh += h[j]! * h[j + 2 * m]!;
        gg += g[j]! * g[j + 2 * m]!;
      }
      expect(Math.abs(hh)).toBeLessThan(1e-12);
      expect(Math.abs(gg)).toBeLessThan(1e-12);
    }
    for (let m = -7; m < 8; m++) {
      let hg = 0;
      for (let j = 0; j < 16; j++) {
        const k = j + 2 * m;
        if (k >= 0 && k < 16) hg += h[j]! * g[k]!;
      }
      expect(Math.abs(hg)).toBeLessThan(1e-12);
    }
    // Eight vanishing moments: the high-pass kills polynomials (the first few checked).
    for (let p = 1; p <= 4; p++) {
      let s = 0;
      let scale = 0;
      for (let j = 0; j < 16; j++) {
        s += g[j]! * j ** p;
        scale += Math.abs(g[j]!) * j ** p;
      }
      expect(Math.abs(s) / scale).toBeLessThan(1e-10);
    }
  });

  it('analysis then synthesis with no change reconstructs the input', () => {
    const rand = prng(4);
    for (const [w, h] of [
      [64, 48],
      [16, 16],
      [32, 128],
    ] as const) {
      const x = Float32Array.from(randomArray(w * h, rand, 127), (v) => v + 128);
      const c = dwt2(x, w, h, 4);
      // Orthonormal: energy kept, and something really happened.
      let ex = 0;
      let ec = 0;
      for (let i = 0; i < x.length; i++) {
        ex += x[i]! * x[i]!;
        ec += c[i]! * c[i]!;
      }
      expect(Math.abs(ec - ex) / ex).toBeLessThan(1e-10);
      expect(maxAbs(c.map((v, i) => v - x[i]!))).toBeGreaterThan(1);
      expectClose(idwt2(c, w, h, 4), x, 1e-4);
    }
  });

  it('puts a constant plane into the coarsest approximation only (Mallat layout)', () => {
    const w = 64;
    const h = 32;
    const c = dwt2(new Float32Array(w * h).fill(1), w, h, 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // Each level multiplies the approximation of a constant by √2·√2 = 2.
        const want = x < w / 16 && y < h / 16 ? 16 : 0;
        expect(Math.abs(c[y * w + x]! - want)).toBeLessThan(1e-9);
      }
    }
  });

  it('throws a RangeError when the size is not a multiple of 2^levels', () => {
    expect(() => dwt2(new Float32Array(40 * 32), 40, 32, 4)).toThrow(RangeError);
    expect(() => idwt2(new Float64Array(32 * 24), 32, 24, 4)).toThrow(RangeError);
    expect(() => dwt2(new Float32Array(10), 4, 4, 1)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Residual, zero-mean, Wiener in DFT, correlation
// ---------------------------------------------------------------------------------------------

describe('noise residual', () => {
  const n = 128;
  const plane = (f: (x: number, y: number) => number): Plane => {
    const data = new Float32Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) data[y * n + x] = f(x, y);
    return { width: n, height: n, data };
  };
  const smooth = (x: number, y: number) => 128 + 40 * Math.sin((2 * Math.PI * x) / n) * Math.cos((4 * Math.PI * y) / n);

  it('is near zero on a constant, a gradient and a smooth plane', () => {
    expect(maxAbs(noiseResidual(plane(() => 128)))).toBeLessThan(1e-4);
    expect(maxAbs(noiseResidual(plane((x, y) => 60 + 0.8 * x + 0.5 * y)))).toBeLessThan(1e-3);
    const w = noiseResidual(plane(smooth));
    // Against a noise level σ₀ = 3 grey levels.
    expect(rms(w)).toBeLessThan(0.2);
    expect(maxAbs(w)).toBeLessThan(0.5);
  });

  it('recovers added Gaussian noise of σ = 3', () => {
    const rand = prng(5);
    const noise = Float32Array.from({ length: n * n }, () => 3 * gauss(rand));
    const w = noiseResidual(plane((x, y) => smooth(x, y) + noise[y * n + x]!));
    expect(corr(w, noise)).toBeGreaterThan(0.9);
    expect(rms(w)).toBeGreaterThan(2);
    expect(rms(w)).toBeLessThan(3.5);
  });

  it('treats the frame as periodic: shifting the input by multiples of 16 px shifts the residual', () => {
    // Four decimating levels repeat every 16 px; with wrap-around windows nothing else depends on
    // the position, so no border pattern is common to every photo.
    const rand = prng(11);
    const m = 64;
    const p: Plane = { width: m, height: m, data: Float32Array.from({ length: m * m }, (_, i) => 100 + 20 * Math.sin(i / 50) + 6 * gauss(rand)) };
    const moved = noiseResidual(shifted(p, 16, 32));
    const want = shifted({ width: m, height: m, data: noiseResidual(p) }, 16, 32).data;
    expectClose(moved, want, 1e-3);
    expect(rms(want)).toBeGreaterThan(1);
  });

  it('has zero row and column means', () => {
    const rand = prng(6);
    const w = noiseResidual(plane((x, y) => smooth(x, y) + 5 * gauss(rand) + (x % 3 === 0 ? 4 : 0)));
    for (let y = 0; y < n; y++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += w[y * n + x]!;
      expect(Math.abs(s / n)).toBeLessThan(1e-4);
    }
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let y = 0; y < n; y++) s += w[y * n + x]!;
      expect(Math.abs(s / n)).toBeLessThan(1e-4);
    }
  });

  it('throws a RangeError on sizes that are not multiples of 16', () => {
    expect(() => noiseResidual({ width: 40, height: 48, data: new Float32Array(40 * 48) })).toThrow(RangeError);
    expect(() => noiseResidual({ width: 48, height: 8, data: new Float32Array(48 * 8) })).toThrow(RangeError);
    expect(() => noiseResidual({ width: 32, height: 32, data: new Float32Array(100) })).toThrow(RangeError);
    // 48×80 is fine: multiples of 16, no power of two needed here.
    expect(noiseResidual({ width: 48, height: 80, data: new Float32Array(48 * 80).fill(7) })).toHaveLength(48 * 80);
  });
});

describe('zeroMean', () => {
  it('removes row and column patterns entirely and keeps the rest', () => {
    const w = 32;
    const h = 16;
    const rand = prng(7);
    const rest = Float32Array.from({ length: w * h }, () => gauss(rand));
    zeroMean(rest, w, h);
    const colPat = Float32Array.from({ length: w }, () => gauss(rand));
    const rowPat = Float32Array.from({ length: h }, () => gauss(rand));
    const x = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) x[y * w + i] = 10 + colPat[i]! + rowPat[y]! + rest[y * w + i]!;
    zeroMean(x, w, h);
    expectClose(x, rest, 1e-5);
    expect(() => zeroMean(new Float32Array(10), 4, 4)).toThrow(RangeError);
  });

  it('removes a pattern on each 2×2 colour-filter site apart (a column offset on the red sites only)', () => {
    const w = 32;
    const h = 16;
    const rand = prng(9);
    const rest = Float32Array.from({ length: w * h }, () => gauss(rand));
    zeroMean(rest, w, h);
    const redCols = Float32Array.from({ length: w }, () => 3 * gauss(rand));
    const x = Float32Array.from(rest);
    // Only even rows, even columns (one site of the 2×2 filter) carry the column offsets.
    for (let y = 0; y < h; y += 2) for (let i = 0; i < w; i += 2) x[y * w + i] = x[y * w + i]! + redCols[i]!;
    zeroMean(x, w, h);
    expectClose(x, rest, 1e-5);
  });
});

describe('wienerInDft', () => {
  const n = 128;
  const rand = prng(8);
  const white = Float32Array.from({ length: n * n }, () => gauss(rand));
  const tile = Float32Array.from({ length: 64 }, () => 4 * gauss(rand));
  const pattern = Float32Array.from({ length: n * n }, (_, i) => tile[((i / n) & 7) * 8 + ((i % n) & 7)]!);

  it('lets white noise through almost unchanged', () => {
    expect(corr(wienerInDft(white, n, n), white)).toBeGreaterThan(0.99);
  });

  it('suppresses a periodic 8×8 pattern and keeps the noise under it', () => {
    // Energy at the pattern's spectral lines (multiples of n/8 on both axes, DC left out) and
    // everywhere else.
    const energies = (x: Float32Array): { line: number; off: number } => {
      const re = Float64Array.from(x);
      const im = new Float64Array(n * n);
      fft2(re, im, n, n);
      let line = 0;
      let off = 0;
      for (let ky = 0; ky < n; ky++) {
        for (let kx = 0; kx < n; kx++) {
          const e = re[ky * n + kx]! ** 2 + im[ky * n + kx]! ** 2;
          if (kx % (n / 8) === 0 && ky % (n / 8) === 0) line += kx + ky > 0 ? e : 0;
          else off += e;
        }
      }
      return { line, off };
    };
    const mix = white.map((v, i) => v + pattern[i]!);
    const before = energies(mix);
    const after = energies(wienerInDft(mix, n, n));
    // σ² is the variance of the input, most of it the pattern's here, so the peaks are cut to
    // about an eighth of their energy rather than to the noise floor; the rest passes.
    expect(after.line / before.line).toBeLessThan(0.2);
    expect(after.off / before.off).toBeGreaterThan(0.95);
    expect(corr(wienerInDft(mix, n, n), white)).toBeGreaterThan(corr(mix, white) * 1.5);
  });

  it('returns zeros for a constant and throws on sizes that are not powers of two', () => {
    expect(maxAbs(wienerInDft(new Float32Array(64 * 32).fill(3), 64, 32))).toBe(0);
    expect(() => wienerInDft(new Float32Array(48 * 64), 48, 64)).toThrow(RangeError);
    expect(() => wienerInDft(new Float32Array(10), 4, 4)).toThrow(RangeError);
  });
});

describe('crossCorrelate', () => {
  it('is the circular cross-correlation of the zero-mean planes', () => {
    const w = 8;
    const h = 4;
    const rand = prng(9);
    const a = Float32Array.from({ length: w * h }, () => gauss(rand) + 3);
    const b = Float32Array.from({ length: w * h }, () => gauss(rand) - 1);
    const ma = a.reduce((s, v) => s + v, 0) / a.length;
    const mb = b.reduce((s, v) => s + v, 0) / b.length;
    const c = crossCorrelate(a, b, w, h);
    for (let sy = 0; sy < h; sy++) {
      for (let sx = 0; sx < w; sx++) {
        let want = 0;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) want += (a[((y + sy) % h) * w + ((x + sx) % w)]! - ma) * (b[y * w + x]! - mb);
        }
        expect(c[sy * w + sx]).toBeCloseTo(want, 9);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic cameras
// ---------------------------------------------------------------------------------------------

describe('camera identification on synthetic sensors (256×256)', () => {
  const rand = prng(20240611);
  const kA = sensor(rand, 0.02);
  const kB = sensor(rand, 0.02);
  let fp: Fingerprint & { images: number };

  beforeAll(() => {
    const b = new FingerprintBuilder(S, S);
    for (let i = 0; i < 12; i++) b.add(photo(rand, kA));
    expect(b.count).toBe(12);
    fp = b.finish();
  });

  it('builds a fingerprint that follows the sensor pattern', () => {
    expect(fp.images).toBe(12);
    expect(fp.width).toBe(S);
    expect(fp.height).toBe(S);
    expect(corr(fp.data, kA)).toBeGreaterThan(0.5);
    expect(Math.abs(corr(fp.data, kB))).toBeLessThan(0.02);
  });

  it('matches a fresh photo of the same camera at zero shift', () => {
    const r = pce(photo(rand, kA), fp);
    expect(r.pce).toBeGreaterThan(PCE_MATCH * 10);
    expect(r.peak).toEqual({ dx: 0, dy: 0, pce: r.pce });
    // Nothing away from the zero shift comes near it.
    expect(r.runnerUp.ratio).toBeGreaterThan(-1);
    expect(r.runnerUp.ratio).toBeLessThan(0.3);
  });

  it('reports a lattice of equal peaks when what correlates is a periodic pattern', () => {
    // A 16×16 tile repeated over the plane in both the residual and the pattern: the correlation
    // peaks as high at every multiple of 16 as at the zero shift (a resampling or block trace).
    const tile = Float32Array.from({ length: 256 }, () => gauss(rand));
    const periodic = (noise: number) => Float32Array.from({ length: S * S }, (_, i) => tile[((i / S) & 15) * 16 + ((i % S) & 15)]! + noise * gauss(rand));
    const r = correlationPce(periodic(0.5), periodic(0.5), S, S);
    expect(r.pce).toBeGreaterThan(PCE_MATCH);
    expect(r.runnerUp.ratio).toBeGreaterThan(0.9);
    expect(Math.abs(r.runnerUp.dx) % 16).toBe(0);
    expect(Math.abs(r.runnerUp.dy) % 16).toBe(0);
  });

  it('does not match photos of another camera', () => {
    for (let i = 0; i < 4; i++) {
      const r = pce(photo(rand, kB), fp);
      expect(r.pce).toBeLessThan(PCE_MATCH / 4);
      // Nowhere else either.
      expect(r.peak.pce).toBeLessThan(PCE_MATCH);
    }
  });

  it('finds a circularly shifted photo at its shift', () => {
    const r = pce(shifted(photo(rand, kA), 5, -3), fp);
    expect(r.peak.dx).toBe(5);
    expect(r.peak.dy).toBe(-3);
    expect(r.peak.pce).toBeGreaterThan(PCE_MATCH * 10);
    expect(r.pce).toBeLessThan(PCE_MATCH);
  });

  it('is not fooled by a strong 8×8 periodic pattern shared by all cameras', () => {
    // A JPEG-blocking-like tile, std 4 grey levels: stronger than the PRNU term (≈ 0.02 × 125 ≈ 2.5)
    // and the shot noise (1.5), and identical in every photo of both cameras.
    const tile = Float32Array.from({ length: 64 }, () => 4 * gauss(rand));
    const builder = new FingerprintBuilder(S, S);
    // The same fingerprint without the cleaning steps: Σ W·I / Σ I², nothing else.
    const sumWI = new Float64Array(S * S);
    const sumII = new Float64Array(S * S);
    for (let i = 0; i < 12; i++) {
      const p = photo(rand, kA, tile);
      builder.add(p);
      const w = noiseResidual(p);
      for (let j = 0; j < S * S; j++) {
        sumWI[j] = sumWI[j]! + w[j]! * p.data[j]!;
        sumII[j] = sumII[j]! + p.data[j]! * p.data[j]!;
      }
    }
    const cleaned = builder.finish();
    const raw = Float32Array.from(sumWI, (v, j) => v / sumII[j]!);

    for (let i = 0; i < 3; i++) {
      const q = photo(rand, kB, tile);
      expect(pce(q, cleaned).pce).toBeLessThan(PCE_MATCH);
      // The pattern is strong enough to matter: the uncleaned fingerprint correlates with the
      // other camera's residual, and the cleaning (zeroMean + wienerInDft) takes that away.
      const w = noiseResidual(q);
      const rhoRaw = corr(
        w,
        raw.map((k, j) => k * q.data[j]!),
      );
      const rhoCleaned = corr(
        wienerInDft(w, S, S),
        cleaned.data.map((k, j) => k * q.data[j]!),
      );
      expect(rhoRaw).toBeGreaterThan(0.3);
      expect(rhoCleaned).toBeLessThan(rhoRaw / 5);
    }

    // And the true camera still matches, far better than without the cleaning, where the
    // pattern's correlation at every multiple of 8 px swamps the peak.
    const a = photo(rand, kA, tile);
    const good = pce(a, cleaned).pce;
    const w = noiseResidual(a);
    const uncleaned = correlationPce(
      w,
      raw.map((k, j) => k * a.data[j]!),
      S,
      S,
    ).pce;
    expect(good).toBeGreaterThan(PCE_MATCH * 10);
    expect(good).toBeGreaterThan(uncleaned * 10);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors and edge cases
// ---------------------------------------------------------------------------------------------

describe('errors', () => {
  it('FingerprintBuilder wants power-of-two sizes and one size throughout', () => {
    expect(() => new FingerprintBuilder(48, 64)).toThrow(RangeError);
    expect(() => new FingerprintBuilder(8, 8)).toThrow(RangeError);
    expect(() => new FingerprintBuilder(0, 64)).toThrow(RangeError);
    const b = new FingerprintBuilder(32, 32);
    expect(b.count).toBe(0);
    expect(() => b.add({ width: 64, height: 32, data: new Float32Array(64 * 32) })).toThrow(RangeError);
    expect(() => b.add({ width: 32, height: 32, data: new Float32Array(10) })).toThrow(RangeError);
    expect(b.count).toBe(0);
  });

  it('finish() without images throws', () => {
    expect(() => new FingerprintBuilder(32, 32).finish()).toThrow(/no images/);
  });

  it('gives saturated pixels no weight', () => {
    const rand = prng(10);
    const n = 64;
    // Every pixel ≥ 250 but with plenty of texture: a residual, yet nothing may enter K.
    const sat: Plane = { width: n, height: n, data: Float32Array.from({ length: n * n }, () => 250 + Math.floor(rand() * 6)) };
    expect(rms(noiseResidual(sat))).toBeGreaterThan(0.5);
    const b = new FingerprintBuilder(n, n);
    b.add(sat);
    expect(maxAbs(b.finish().data)).toBe(0);
    // The same texture one step darker does enter it.
    const b2 = new FingerprintBuilder(n, n);
    b2.add({ width: n, height: n, data: sat.data.map((v) => v - 10) });
    expect(maxAbs(b2.finish().data)).toBeGreaterThan(0);
  });

  it('pce wants the fingerprint size', () => {
    const fp = { width: 32, height: 32, data: new Float32Array(32 * 32) };
    expect(() => pce({ width: 64, height: 32, data: new Float32Array(64 * 32) }, fp)).toThrow(RangeError);
    expect(() => pce({ width: 48, height: 48, data: new Float32Array(48 * 48) }, { width: 48, height: 48, data: new Float32Array(48 * 48) })).toThrow(RangeError);
    expect(() => pce({ width: 32, height: 32, data: new Float32Array(32 * 32) }, { width: 32, height: 32, data: new Float32Array(5) })).toThrow(RangeError);
  });
});
