import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeLumaCoefficients } from '../../../src-main/core/media/jpeg-dct';
import { bestShifts, earlierQualityOfStep, gridMap, gridRegions, jpegGridOfBuffer, type GridFinding } from '../../../src-main/core/media/jpeg-grid';
import { jpegForensics, uprightSplice } from '../../../src-main/core/media/jpeg-splice';
import type { RgbImage } from '../../../src-main/core/analysis/types';
import { texture } from '../../helpers/textures';

const raw = (img: RgbImage) => ({ raw: { width: img.width, height: img.height, channels: 3 as const } });
const save = (img: RgbImage, quality: number) => sharp(Buffer.from(img.data), raw(img)).jpeg({ quality }).toBuffer();
async function decoded(buf: Buffer): Promise<RgbImage> {
  const d = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  return { width: d.info.width, height: d.info.height, data: new Uint8Array(d.data) };
}
/** A w × h piece of `donor` cut at (sx, sy), pasted into a copy of `host` at (x, y). */
function paste(host: RgbImage, donor: RgbImage, sx: number, sy: number, x: number, y: number, w: number, h: number): RgbImage {
  const out = new Uint8Array(host.data);
  for (let r = 0; r < h; r++) out.set(donor.data.subarray(((sy + r) * donor.width + sx) * 3, ((sy + r) * donor.width + sx + w) * 3), ((y + r) * host.width + x) * 3);
  return { ...host, data: out };
}
function crop(img: RgbImage, left: number, top: number): RgbImage {
  const w = img.width - left;
  const h = img.height - top;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) out.set(img.data.subarray(((y + top) * img.width + left) * 3, ((y + top) * img.width + img.width) * 3), y * w * 3);
  return { width: w, height: h, data: out };
}
const grid = (buf: Buffer): GridFinding => {
  const g = jpegGridOfBuffer(buf);
  if (!g.ok) throw new Error(g.reason);
  if (!g.grid) throw new Error('no map');
  return g.grid;
};
const overlap = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) =>
  Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

describe('JPEG shifted-grid map', () => {
  const host = texture(480, 360, 21);
  const donor = texture(480, 360, 77);
  // Cut at (13, 20), placed at (171, 101): the donor's grid lands 158 = 6 (mod 8) px right and 81 = 1 (mod 8) px down of the file's.
  const cut = { sx: 13, sy: 20 };
  const truth = { x: 171, y: 101, w: 150, h: 120 };

  it('finds content pasted in from an earlier JPEG on another grid, where it is, with its grid and quality', async () => {
    for (const [q1, q2] of [
      [60, 90],
      [75, 90],
      [75, 95],
      [80, 95],
    ] as const) {
      const d = await decoded(await save(donor, q1));
      const g = grid(await save(paste(host, d, cut.sx, cut.sy, truth.x, truth.y, truth.w, truth.h), q2));
      const label = `${q1} → ${q2}`;
      expect(g.pictureGrid, label).toBeNull();
      expect(g.regions.length, label).toBe(1);
      const r = g.regions[0]!;
      expect([r.dx, r.dy], label).toEqual([6, 1]);
      expect(overlap(r, truth) / (r.w * r.h), label).toBeGreaterThan(0.8);
      expect(overlap(r, truth) / (truth.w * truth.h), label).toBeGreaterThan(0.6);
      expect(r.peak, label).toBeGreaterThan(g.threshold);
      // The DC step of libjpeg's table at the earlier quality (60: 13, 75: 8, 80: 6).
      expect(r.earlierStep, label).toBe({ 60: 13, 75: 8, 80: 6 }[q1]);
      // The quality named is the middle of those whose table has that DC step (75 for 8; 58–61 share 13).
      expect(Math.abs(earlierQualityOfStep(r.earlierStep)! - q1), label).toBeLessThanOrEqual(2);
      // The heat is high on the paste and low far from it.
      const at = (x: number, y: number) => Math.floor(y / 8) * g.blocksWide + Math.floor(x / 8);
      expect(g.heat[at(truth.x + 75, truth.y + 60)], label).toBeGreaterThan(0.5);
      expect(g.heat[at(30, 300)], label).toBeLessThan(0.5);
    }
  });

  it('reports nothing on a picture saved once, saved twice on the same grid, or pasted into from a picture never compressed', async () => {
    expect(grid(await save(host, 90)).regions).toEqual([]);
    const g2 = grid(await save(await decoded(await save(host, 70)), 92));
    expect(g2.regions).toEqual([]);
    expect(g2.pictureGrid).toBeNull();
    const g3 = grid(await save(paste(host, donor, cut.sx, cut.sy, truth.x, truth.y, truth.w, truth.h), 90));
    expect(g3.regions).toEqual([]);
  });

  it('names the whole picture’s earlier grid when it was cropped after a save, and still finds a paste on a third grid', async () => {
    const first = await decoded(await save(host, 70));
    // 3 px off the left, 5 off the top: the earlier grid now starts at x ≡ 5, y ≡ 3 (mod 8).
    const cropped = crop(first, 3, 5);
    const g = grid(await save(cropped, 92));
    expect(g.pictureGrid).toMatchObject({ dx: 5, dy: 3, earlierStep: 10 });
    expect(g.pictureGrid!.share).toBeGreaterThan(0.5);
    expect(g.regions).toEqual([]);
    const d = await decoded(await save(donor, 60));
    const g2 = grid(await save(paste(cropped, d, cut.sx, cut.sy, truth.x, truth.y, truth.w, truth.h), 92));
    expect(g2.pictureGrid).toMatchObject({ dx: 5, dy: 3 });
    expect(g2.regions.length).toBe(1);
    expect([g2.regions[0]!.dx, g2.regions[0]!.dy]).toEqual([6, 1]);
    expect(overlap(g2.regions[0]!, truth) / (truth.w * truth.h)).toBeGreaterThan(0.6);
  });

  it('names a shift as the picture’s earlier grid when the windows off its regions prefer it too, and keeps a compact paste a region', () => {
    // A hand-made map, 40 × 40 windows: a compact patch (6 × 6 windows, 2 % of the picture) strong at
    // shift (5, 3); elsewhere every window weakly prefers (5, 3) — a cropped picture whose earlier
    // lattice passes the threshold only where its content lets it — or, in the second map, some other
    // shift each (chance: a paste).
    const WW = 40;
    const map = (ownEverywhere: boolean) => {
      const strength = new Float32Array(WW * WW * 64).fill(1);
      const step = new Uint8Array(WW * WW * 64).fill(8);
      const s = 3 * 8 + 5;
      for (let w = 0; w < WW * WW; w++) {
        const x = w % WW;
        const y = Math.floor(w / WW);
        const inPatch = x >= 20 && x < 26 && y >= 10 && y < 16;
        if (inPatch) strength[w * 64 + s] = 41;
        else strength[w * 64 + (ownEverywhere ? s : 1 + (w % 63))] = 7;
      }
      return { method: 'test', blocksWide: WW + 7, blocksHigh: WW + 7, window: 8, stride: 1, windowsWide: WW, windowsHigh: WW, strength, step, median: new Float32Array(WW * WW).fill(1) };
    };
    const own = gridRegions(map(true), 376, 376);
    expect(own.pictureGrid).toMatchObject({ dx: 5, dy: 3, earlierStep: 8 });
    expect(own.regions).toEqual([]);
    const pasted = gridRegions(map(false), 376, 376);
    expect(pasted.pictureGrid).toBeNull();
    expect(pasted.regions.length).toBe(1);
    // The box is the hull of the windows’ centres (192–232 px), widened to one window (64 px).
    expect(pasted.regions[0]).toMatchObject({ dx: 5, dy: 3, x: 180, y: 100, w: 64, h: 64 });
    // The rule can be switched off: the weak preference elsewhere then does not matter.
    expect(gridRegions(map(true), 376, 376, { ownSupport: 2 }).regions.length).toBe(1);
  });

  it('does not judge flat areas: a flat picture with a flat paste from a JPEG reports nothing', async () => {
    const flat: RgbImage = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(140) };
    const grey: RgbImage = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(60) };
    const d = await decoded(await save(grey, 50));
    const g = grid(await save(paste(flat, d, 5, 3, 100, 80, 120, 100), 90));
    expect(g.regions).toEqual([]);
    expect(g.pictureGrid).toBeNull();
    expect(g.heat.every((v) => v === 0)).toBe(true);
  });

  it('maps nothing on a picture under 9 × 9 blocks, and keeps the per-window evidence consistent', async () => {
    const small = await save(texture(64, 64, 3), 90);
    const s = jpegGridOfBuffer(small);
    expect(s).toEqual({ ok: true, grid: null });
    const d = decodeLumaCoefficients(await save(host, 90));
    if (!d.ok) throw new Error(d.reason);
    const m = gridMap(d.luma)!;
    expect(m.windowsWide).toBe(m.blocksWide - m.window + 1);
    const b = bestShifts(m);
    for (let w = 0; w < m.windowsWide * m.windowsHigh; w += 97) {
      expect(b.shift[w]).toBeGreaterThan(0);
      expect(b.evidence[w]).toBeCloseTo(m.strength[w * 64 + b.shift[w]!]! - m.median[w]!, 4);
    }
    // A higher threshold reports no more than a lower one.
    const f = gridRegions(m, d.luma.width, d.luma.height, { threshold: 1e9 });
    expect(f.regions).toEqual([]);
  });

  it('runs with the compression history on every JPEG and turns upright with the splice map', async () => {
    const d = await decoded(await save(donor, 75));
    const buf = await save(paste(host, d, cut.sx, cut.sy, truth.x, truth.y, truth.w, truth.h), 92);
    const f = jpegForensics({ buf, whole: true });
    if (!f.ok) throw new Error(f.reason);
    expect(f.grid?.regions.length).toBe(1);
    // Turned 90° clockwise (orientation 6): the region's box follows, its grid offsets stay in stored pixels.
    const u = uprightSplice(f.grid!, 6);
    expect([u.width, u.height]).toEqual([360, 480]);
    const r = u.regions[0]!;
    const s = f.grid!.regions[0]!;
    expect([r.x, r.y, r.w, r.h]).toEqual([360 - (s.y + s.h), s.x, s.h, s.w]);
    expect([r.dx, r.dy]).toEqual([6, 1]);
  });

  it('names the quality of a DC step from libjpeg’s table, or none', () => {
    expect(earlierQualityOfStep(8)).toBe(75);
    expect(earlierQualityOfStep(16)).toBe(50);
    expect(earlierQualityOfStep(0)).toBeNull();
  });

  it('refuses damaged data with a reason', () => {
    const g = jpegGridOfBuffer(Buffer.from('not a jpeg at all'));
    expect(g.ok).toBe(false);
  });
});
