import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeLumaCoefficients, type LumaCoefficients } from '../../../src-main/core/media/jpeg-dct';
import { lumaPixels, lumaPrefix } from '../../../src-main/core/media/jpeg-history';
import { ijgTable, STD_LUMA } from '../../../src-main/core/media/jpeg-quality';
import { texture } from '../../helpers/textures';

const img = texture(203, 157, 4);
const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };

function decoded(buf: Buffer): LumaCoefficients {
  const d = decodeLumaCoefficients(buf);
  if (!d.ok) throw new Error(d.reason);
  return d.luma;
}

/** Mean and max |our luma − reference| over the picture. */
function compare(l: LumaCoefficients, ref: ArrayLike<number>, channels: number, toLuma: (p: ArrayLike<number>, i: number) => number): { mean: number; max: number } {
  const px = lumaPixels(l);
  let sum = 0;
  let max = 0;
  for (let y = 0; y < l.height; y++) {
    for (let x = 0; x < l.width; x++) {
      const e = Math.abs(px.data[y * px.width + x]! - toLuma(ref, (y * l.width + x) * channels));
      sum += e;
      max = Math.max(max, e);
    }
  }
  return { mean: sum / (l.width * l.height), max };
}

describe('JPEG luma coefficients', () => {
  it('decodes a greyscale JPEG to the coefficients libjpeg decodes (pixels within the IDCT rounding)', async () => {
    const buf = await sharp(Buffer.from(img.data), raw).toColourspace('b-w').jpeg({ quality: 83 }).toBuffer();
    const l = decoded(buf);
    expect([l.width, l.height, l.blocksWide, l.blocksHigh, l.rowsDecoded]).toEqual([203, 157, 26, 20, 20]);
    expect(l.table).toEqual(ijgTable(STD_LUMA, 83));
    // A one-component file: every channel of the decoder's output is its luma.
    expect(buf.subarray(0, 400).includes(Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08]))).toBe(true);
    const ref = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
    const { mean, max } = compare(l, ref.data, ref.info.channels, (p, i) => p[i]!);
    expect(mean).toBeLessThan(0.2);
    expect(max).toBeLessThanOrEqual(2);
  });

  it('decodes colour JPEGs with 4:2:0 and 4:4:4 chroma (luma from the MCU layout), and stops early when asked', async () => {
    for (const chromaSubsampling of ['4:2:0', '4:4:4']) {
      const buf = await sharp(Buffer.from(img.data), raw).jpeg({ quality: 90, chromaSubsampling }).toBuffer();
      const l = decoded(buf);
      expect(l.blocksWide).toBe(26);
      expect(l.rowsDecoded).toBe(20);
      const ref = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
      // The file's luma against BT.601 luma of the decoder's RGB: equal but for chroma rounding.
      const { mean } = compare(l, ref.data, 3, (p, i) => 0.299 * p[i]! + 0.587 * p[i + 1]! + 0.114 * p[i + 2]!);
      expect(mean).toBeLessThan(0.6);
      const part = decodeLumaCoefficients(buf, { maxBlocks: 26 * 3 });
      expect(part.ok).toBe(true);
      if (!part.ok) return;
      // Whole MCU rows: 3 rows of blocks at 4:4:4, 4 (two MCU rows of 2) at 4:2:0.
      expect(part.luma.rowsDecoded).toBe(chromaSubsampling === '4:2:0' ? 4 : 3);
      expect(part.luma.coef).toEqual(l.coef.subarray(0, part.luma.coef.length));
    }
  });

  it('follows restart markers (ffmpeg writes them between slices): the same coefficients as without', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-rst-'));
    try {
      const make = (name: string, extra: string[]) => {
        const out = path.join(dir, name);
        execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=200x150', '-frames:v', '1', '-pix_fmt', 'yuvj420p', '-huffman', '0', ...extra, '-y', out]);
        return fs.readFileSync(out);
      };
      const plain = make('plain.jpg', []);
      const sliced = make('sliced.jpg', ['-threads', '4', '-slices', '4']);
      const rst = [...sliced.subarray(0, -1)].filter((b, i) => b === 0xff && sliced[i + 1]! >= 0xd0 && sliced[i + 1]! <= 0xd7).length;
      expect(sliced.includes(Buffer.from([0xff, 0xdd]))).toBe(true);
      expect(rst).toBeGreaterThan(0);
      expect(decoded(sliced).coef).toEqual(decoded(plain).coef);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it does not decode, and damaged data, with a reason', async () => {
    const base = await sharp(Buffer.from(img.data), raw).jpeg({ quality: 85 }).toBuffer();
    // The same file with its frame marker changed to an arithmetic-coded, a lossless and an arithmetic progressive one.
    const sof = base.indexOf(Buffer.from([0xff, 0xc0]));
    const as = (m: number) => Buffer.concat([base.subarray(0, sof + 1), Buffer.from([m]), base.subarray(sof + 2)]);
    expect(decodeLumaCoefficients(as(0xc9))).toEqual({ ok: false, reason: expect.stringMatching(/^an arithmetic-coded JPEG \(only Huffman-coded/) });
    expect(decodeLumaCoefficients(as(0xc3))).toEqual({ ok: false, reason: expect.stringMatching(/^a lossless JPEG/) });
    expect(decodeLumaCoefficients(as(0xca))).toEqual({ ok: false, reason: expect.stringMatching(/^a differential or arithmetic-coded progressive JPEG/) });
    const png = await sharp(Buffer.from(img.data), raw).png().toBuffer();
    expect(decodeLumaCoefficients(png)).toEqual({ ok: false, reason: 'not a JPEG file' });
    const good = await sharp(Buffer.from(img.data), raw).jpeg({ quality: 85 }).toBuffer();
    // Cut in the middle of the entropy-coded data.
    const cut = decodeLumaCoefficients(good.subarray(0, Math.floor(good.length * 0.6)));
    expect(cut).toEqual({ ok: false, reason: expect.stringMatching(/^damaged JPEG data: the data ends before row \d+ of 20/) });
    // Cut inside the headers.
    expect(decodeLumaCoefficients(good.subarray(0, 100))).toEqual({ ok: false, reason: expect.stringMatching(/^damaged JPEG data/) });
    // Noise after a JPEG start marker.
    const noise = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 97 + 13) & 255))]);
    expect(decodeLumaCoefficients(noise).ok).toBe(false);
    // A frame over the pixel limit is not decoded at all.
    expect(decodeLumaCoefficients(good, { maxPixels: 10_000 })).toEqual({ ok: false, reason: expect.stringMatching(/^203×157 is over the/) });
  });

  it('returns a result, never throws or hangs, on 400 damaged variants of a file (bytes changed, cut, repeated)', async () => {
    const good = await sharp(Buffer.from(img.data), raw).jpeg({ quality: 80 }).toBuffer();
    const refused = decodeDamaged(good, { count: 400, seed: 7, kinds: 4, headerBytes: 600 });
    // (A hang would fail on the test runner's timeout.)
    expect(refused).toBeGreaterThan(100);
  });
});

/**
 * Decodes `count` damaged variants of a file, each one of `kinds` kinds in turn (bytes changed
 * anywhere, a byte in the first `headerBytes`, cut, a stretch repeated) and checks that each gives
 * coefficients or a stated reason; returns how many were refused.
 */
function decodeDamaged(good: Buffer, o: { count: number; seed: number; kinds: number; headerBytes: number }): number {
  let seed = o.seed;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let refused = 0;
  for (let k = 0; k < o.count; k++) {
    const b = Buffer.from(good);
    const kind = k % o.kinds;
    if (kind === 0) for (let j = 0; j < 1 + Math.floor(rand() * 8); j++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    if (kind === 1) b[2 + Math.floor(rand() * o.headerBytes)] = Math.floor(rand() * 256); // in the headers
    const v = kind === 2 ? b.subarray(0, Math.floor(rand() * b.length)) : kind === 3 ? Buffer.concat([b.subarray(0, 400), b.subarray(Math.floor(rand() * 400))]) : b;
    const r = decodeLumaCoefficients(v);
    if (!r.ok) {
      refused++;
      expect(r.reason).toMatch(REFUSAL);
    } else expect(r.luma.coef.length).toBe(r.luma.blocksWide * r.luma.rowsDecoded * 64);
  }
  return refused;
}

const REFUSAL = /^(damaged JPEG data: |not a JPEG file|an? (differential or arithmetic-coded progressive|lossless|arithmetic-coded) JPEG|\d+-bit samples|the frame header|\d+×\d+ is over)/;
const same = (a: LumaCoefficients, b: LumaCoefficients) => {
  expect([b.width, b.height, b.blocksWide, b.blocksHigh, b.rowsDecoded]).toEqual([a.width, a.height, a.blocksWide, a.blocksHigh, a.rowsDecoded]);
  expect(b.table).toEqual(a.table);
  let diff = 0;
  for (let i = 0; i < a.coef.length; i++) if (a.coef[i] !== b.coef[i]) diff++;
  expect(diff).toBe(0);
};

describe('lumaPixels: the inverse transform', () => {
  it('gives, bit for bit, the plain matrix product Cᵀ·F·C rounded and clipped: empty, DC-only, sparse and dense blocks, ties at .5', () => {
    const C = Array.from({ length: 64 }, (_, i) => Math.sqrt(((i >> 3) === 0 ? 1 : 2) / 8) * Math.cos(((2 * (i & 7) + 1) * (i >> 3) * Math.PI) / 16));
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const blocksWide = 9;
    const rows = 7;
    const coef = new Int16Array(blocksWide * rows * 64);
    for (let b = 0; b < blocksWide * rows; b++) {
      const kind = b % 6; // 0 empty, 1 DC only, 2 one AC row, 3 sparse, 4 dense, 5 DC of a .5 tie (DC·1 / 8 = ±0.5)
      if (kind === 0) continue;
      if (kind === 5) {
        coef[b * 64] = b % 2 ? 4 : -4;
        continue;
      }
      coef[b * 64] = Math.round((rnd() - 0.5) * 200);
      for (let i = 1; i < 64; i++) {
        const keep = kind === 2 ? i < 8 && rnd() < 0.6 : kind === 3 ? rnd() < 0.12 : kind === 4 ? rnd() < 0.8 : false;
        if (keep) coef[b * 64 + i] = Math.round((rnd() - 0.5) * 40);
      }
    }
    const table = Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 1 + (i % 13)));
    const l: LumaCoefficients = { width: blocksWide * 8, height: rows * 8, blocksWide, blocksHigh: rows, rowsDecoded: rows, rowsPerMcu: 1, coef, table };
    const px = lumaPixels(l);
    for (let b = 0; b < blocksWide * rows; b++) {
      const bx = b % blocksWide;
      const by = Math.floor(b / blocksWide);
      const F = Array.from({ length: 64 }, (_, i) => coef[b * 64 + i]! * table[i]!);
      const tmp = new Float64Array(64);
      for (let u = 0; u < 8; u++) for (let x = 0; x < 8; x++) {
        let s = 0;
        for (let v = 0; v < 8; v++) s += F[u * 8 + v]! * C[v * 8 + x]!;
        tmp[u * 8 + x] = s;
      }
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
        let s = 0;
        for (let u = 0; u < 8; u++) s += C[u * 8 + y]! * tmp[u * 8 + x]!;
        const p = Math.min(255, Math.max(0, Math.round(s + 128)));
        expect(px.data[(by * 8 + y) * px.width + bx * 8 + x], `block ${b} (${y}, ${x})`).toBe(p);
      }
    }
  });
});

describe('lumaPrefix: one decode serves the history (first blocks) and the maps (all)', () => {
  it('cuts a whole decode to exactly what a decode stopped after maxBlocks gives: 4:2:0, 4:4:4, 1×2 and 2×1 chroma, greyscale, progressive, restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-prefix-'));
    try {
      const ppm = path.join(dir, 'in.ppm');
      fs.writeFileSync(ppm, Buffer.concat([Buffer.from(`P6\n${img.width} ${img.height}\n255\n`), Buffer.from(img.data)]));
      const files: [string, Buffer][] = [
        ['4:2:0', await sharp(Buffer.from(img.data), raw).jpeg({ quality: 85 }).toBuffer()],
        ['4:4:4', await sharp(Buffer.from(img.data), raw).jpeg({ quality: 85, chromaSubsampling: '4:4:4' }).toBuffer()],
        ['grey', await sharp(Buffer.from(img.data), raw).toColourspace('b-w').jpeg({ quality: 85 }).toBuffer()],
        ['progressive 4:2:0', await sharp(Buffer.from(img.data), raw).jpeg({ quality: 85, progressive: true }).toBuffer()],
        ['1x2', execFileSync('cjpeg', ['-quality', '85', '-sample', '1x2', ppm])],
        ['2x1 restarts', execFileSync('cjpeg', ['-quality', '85', '-sample', '2x1', '-restart', '2B', ppm])],
        ['2x2 progressive restarts', execFileSync('cjpeg', ['-quality', '85', '-sample', '2x2', '-progressive', '-restart', '1', ppm])],
      ];
      for (const [name, buf] of files) {
        const whole = decoded(buf);
        expect(whole.rowsPerMcu, name).toBe(name === '1x2' || name.startsWith('2x2') || name.endsWith('4:2:0') ? 2 : 1);
        for (const maxBlocks of [1, 25, 26, 27, 26 * 3, 26 * 3 + 1, 26 * 7, 26 * 20, 10_000]) {
          const stopped = decodeLumaCoefficients(buf, { maxBlocks });
          if (!stopped.ok) throw new Error(stopped.reason);
          const cut = lumaPrefix(whole, maxBlocks);
          const label = `${name}, ${maxBlocks} blocks`;
          expect({ ...cut, coef: null }, label).toEqual({ ...stopped.luma, coef: null });
          expect(Buffer.from(cut.coef.buffer, cut.coef.byteOffset, cut.coef.byteLength).equals(Buffer.from(stopped.luma.coef.buffer, stopped.luma.coef.byteOffset, stopped.luma.coef.byteLength)), label).toBe(true);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('progressive JPEG: the same coefficients as the sequential file', () => {
  it('reads libjpeg-turbo progressive files (4:2:0, 4:4:4, greyscale; successive-approximation refinements) as the baseline ones', async () => {
    for (const o of [{ quality: 90 }, { quality: 60, chromaSubsampling: '4:4:4' }, { quality: 35 }]) {
      const base = decoded(await sharp(Buffer.from(img.data), raw).jpeg(o).toBuffer());
      same(base, decoded(await sharp(Buffer.from(img.data), raw).jpeg({ ...o, progressive: true }).toBuffer()));
    }
    const grey = sharp(Buffer.from(img.data), raw).greyscale();
    same(decoded(await grey.clone().jpeg({ quality: 80 }).toBuffer()), decoded(await grey.clone().jpeg({ quality: 80, progressive: true }).toBuffer()));
  });

  it('reads files re-coded by jpegtran as progressive, with restart markers, coefficient for coefficient', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-prog-'));
    try {
      const p = path.join(dir, 'base.jpg');
      fs.writeFileSync(p, await sharp(Buffer.from(img.data), raw).jpeg({ quality: 85 }).toBuffer());
      const base = decoded(fs.readFileSync(p));
      for (const args of [['-progressive'], ['-progressive', '-restart', '1B'], ['-progressive', '-restart', '3B'], ['-optimize', '-progressive', '-restart', '1'], ['-grayscale', '-progressive', '-restart', '5B']]) {
        const out = execFileSync('jpegtran', [...args, p]);
        expect(out.includes(Buffer.from([0xff, 0xc2])), args.join(' ')).toBe(true);
        if (args.includes('-restart')) expect(out.includes(Buffer.from([0xff, 0xdd])), args.join(' ')).toBe(true);
        same(base, decoded(out));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the first rows only when asked, and says when a progressive file is cut', async () => {
    const prog = await sharp(Buffer.from(img.data), raw).jpeg({ quality: 85, progressive: true }).toBuffer();
    const all = decoded(prog);
    const d = decodeLumaCoefficients(prog, { maxBlocks: 26 * 6 });
    if (!d.ok) throw new Error(d.reason);
    expect(d.luma.rowsDecoded).toBe(6); // whole MCU rows of 2 block rows (4:2:0)
    expect(Array.from(d.luma.coef)).toEqual(Array.from(all.coef.subarray(0, 26 * 6 * 64)));
    // Cut in a scan's data, and cut between two scans (the later scans' bits are missing).
    expect(decodeLumaCoefficients(prog.subarray(0, Math.floor(prog.length * 0.6)))).toEqual({ ok: false, reason: expect.stringMatching(/^damaged JPEG data: /) });
    const sos: number[] = [];
    for (let i = prog.indexOf(Buffer.from([0xff, 0xda])); i >= 0; i = prog.indexOf(Buffer.from([0xff, 0xda]), i + 2)) sos.push(i);
    expect(sos.length).toBeGreaterThan(4);
    expect(decodeLumaCoefficients(prog.subarray(0, sos[3]!))).toEqual({ ok: false, reason: expect.stringMatching(/^damaged JPEG data: the progressive scans end before \d+ of the 64 luma coefficients are complete/) });
  });

  it('returns a result, never throws or hangs, on 300 damaged variants of a progressive file', async () => {
    const good = await sharp(Buffer.from(img.data), raw).jpeg({ quality: 80, progressive: true }).toBuffer();
    const refused = decodeDamaged(good, { count: 300, seed: 11, kinds: 3, headerBytes: 700 });
    expect(refused).toBeGreaterThan(80);
  });
});
