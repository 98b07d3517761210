import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeLumaCoefficients } from '../../../src-main/core/media/jpeg-dct';
import { jpegHistory } from '../../../src-main/core/media/jpeg-history';
import { jpegForensics, jpegForensicsOfFile, orientPoint, spliceMap, spliceRegions, uprightSplice, type SpliceFinding } from '../../../src-main/core/media/jpeg-splice';
import type { RgbImage } from '../../../src-main/core/analysis/types';
import { texture } from '../../helpers/textures';

const raw = (img: RgbImage) => ({ raw: { width: img.width, height: img.height, channels: 3 as const } });
const save = (img: RgbImage, quality: number) => sharp(Buffer.from(img.data), raw(img)).jpeg({ quality }).toBuffer();
async function decoded(buf: Buffer): Promise<RgbImage> {
  const d = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  return { width: d.info.width, height: d.info.height, data: new Uint8Array(d.data) };
}
/** `donor`'s pixels pasted into a copy of `host` at (x, y), w × h. */
function paste(host: RgbImage, donor: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const out = new Uint8Array(host.data);
  for (let r = 0; r < h; r++) out.set(donor.data.subarray(((y + r) * donor.width + x) * 3, ((y + r) * donor.width + x + w) * 3), ((y + r) * host.width + x) * 3);
  return { ...host, data: out };
}
const forensics = (buf: Buffer) => {
  const f = jpegForensics({ buf, whole: true });
  if (!f.ok) throw new Error(f.reason);
  return f;
};
const overlap = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) =>
  Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

describe('JPEG splice map', () => {
  const host = texture(480, 360, 21);
  const donor = texture(480, 360, 77);
  const truth = { x: 173, y: 101, w: 150, h: 120 };

  it('finds a region pasted between an earlier low-quality save and a later one, where it is', async () => {
    for (const [q1, q2] of [
      [50, 85],
      [60, 90],
      [75, 95],
    ] as const) {
      const first = await decoded(await save(host, q1));
      const f = forensics(await save(paste(first, donor, truth.x, truth.y, truth.w, truth.h), q2));
      expect(f.history?.finding, `${q1} → ${q2}`).toBe('twice');
      const s = f.splice!;
      expect(s.regions.length, `${q1} → ${q2}`).toBe(1);
      const r = s.regions[0]!;
      // The region lies on the paste and covers most of it.
      expect(overlap(r, truth) / (r.w * r.h), `${q1} → ${q2}`).toBeGreaterThan(0.8);
      expect(overlap(r, truth) / (truth.w * truth.h), `${q1} → ${q2}`).toBeGreaterThan(0.6);
      expect(r.peak).toBeGreaterThan(s.threshold);
      expect(r.areaShare).toBeGreaterThan(0.05);
      expect(r.areaShare).toBeLessThan(0.15);
      // The mask marks blocks of the paste, the heat is high there and low far from it.
      const at = (x: number, y: number) => Math.floor(y / 8) * s.blocksWide + Math.floor(x / 8);
      expect(s.mask[at(truth.x + 75, truth.y + 60)]).toBe(1);
      expect(s.mask[at(20, 300)]).toBe(0);
      expect(s.heat[at(truth.x + 75, truth.y + 60)]).toBeGreaterThan(0.5);
      expect(s.heat[at(20, 300)]).toBeLessThan(0.5);
      expect([s.width, s.height, s.analysedWidth, s.analysedHeight]).toEqual([480, 360, 480, 360]);
    }
  });

  it('reports no region in a picture saved twice with nothing pasted, and does not run on a picture saved once', async () => {
    for (const [q1, q2] of [
      [50, 85],
      [70, 90],
      [80, 90],
    ] as const) {
      const f = forensics(await save(await decoded(await save(host, q1)), q2));
      expect(f.history?.finding).toBe('twice');
      expect(f.splice?.regions, `${q1} → ${q2}`).toEqual([]);
      expect(f.map).not.toBeNull();
    }
    const once = forensics(await save(paste(host, donor, truth.x, truth.y, truth.w, truth.h), 90));
    expect(once.history?.finding).toBe('once');
    expect(once.splice).toBeNull();
    expect(once.map).toBeNull();
  });

  it('simulates its distributions from row pairs spread down a large picture, with the same finding', async () => {
    const first = await decoded(await save(host, 60));
    for (const [img, regions] of [
      [paste(first, donor, truth.x, truth.y, truth.w, truth.h), 1],
      [first, 0],
    ] as const) {
      const d = decodeLumaCoefficients(await save(img, 90));
      if (!d.ok) throw new Error(d.reason);
      const h = jpegHistory(d.luma);
      // 500 model blocks over 59 shifted blocks a row: 9 pairs of rows, every 4th row (not every row).
      const sampled = spliceRegions(spliceMap(d.luma, h, { modelBlocks: 500 })!, 480, 360);
      const whole = spliceRegions(spliceMap(d.luma, h)!, 480, 360);
      expect(sampled.regions.length).toBe(regions);
      expect(whole.regions.length).toBe(regions);
      if (regions) expect(overlap(sampled.regions[0]!, whole.regions[0]!) / (whole.regions[0]!.w * whole.regions[0]!.h)).toBeGreaterThan(0.8);
    }
  });

  it('leaves near-black blocks unjudged, and uses more frequencies where the earlier steps follow a libjpeg table', async () => {
    const dark = { ...host, data: new Uint8Array(host.data) };
    for (let i = 200 * 480 * 3; i < dark.data.length; i++) dark.data[i] = Math.round(dark.data[i]! * 0.09); // rows 200–359: luma ≈ 0–20
    const d = decodeLumaCoefficients(await save(await decoded(await save(dark, 60)), 90));
    if (!d.ok) throw new Error(d.reason);
    const h = jpegHistory(d.luma);
    expect(h?.finding).toBe('twice');
    const judged = (m: ReturnType<typeof spliceMap>) => {
      let top = 0;
      let bottom = 0;
      for (let b = 0; b < m!.blockCount.length; b++) {
        const row = Math.floor(b / m!.blocksWide);
        if (row < 24) top += m!.blockCount[b]!;
        else if (row >= 26) bottom += m!.blockCount[b]!;
      }
      return { top, bottom };
    };
    const clipped = judged(spliceMap(d.luma, h));
    expect(clipped.top).toBeGreaterThan(1000);
    expect(clipped.bottom).toBe(0);
    expect(judged(spliceMap(d.luma, h, { clipMargin: 0 })).bottom).toBeGreaterThan(0);
    expect(spliceRegions(spliceMap(d.luma, h)!, 480, 360).regions).toEqual([]);
    // The history's nine frequencies, and with the earlier quality named (≈60), more of the first 20 zigzag positions.
    expect(h!.earlierQuality).not.toBeNull();
    const few = spliceMap(d.luma, h, { extraFreqs: 0 })!;
    const more = spliceMap(d.luma, h)!;
    expect(few.used.length).toBeLessThanOrEqual(9);
    expect(more.used.length).toBeGreaterThan(few.used.length + 3);
    for (const u of more.used) expect(u.earlierStep).toBeGreaterThan(u.step);
  });

  it('misses a paste from a picture saved at the same earlier quality on the same grid (documented limit)', async () => {
    const first = await decoded(await save(host, 60));
    const donorFirst = await decoded(await save(donor, 60));
    // Aligned to the 8-px grid: the pasted blocks carry the same earlier compression.
    const f = forensics(await save(paste(first, donorFirst, 176, 104, 144, 112), 90));
    expect(f.history?.finding).toBe('twice');
    expect(f.splice?.regions).toEqual([]);
  });

  it('maps the whole of a picture larger than the history needs (past 65,536 blocks); a map of the first rows says how much it covers', async () => {
    // 512 × 8704 px = 64 × 1088 = 69,632 blocks: a 512-px texture repeated down the picture.
    const tile = texture(512, 512, 5);
    const big: RgbImage = { width: 512, height: 8704, data: new Uint8Array(512 * 8704 * 3) };
    for (let k = 0; k < 17; k++) big.data.set(tile.data, k * tile.data.length);
    const first = await decoded(await save(big, 60));
    const buf = await save(paste(first, texture(512, 8704, 9), 100, 8400, 200, 200), 90);
    const f = forensics(buf);
    expect(f.history?.blocks).toBe(64 * 1024); // the history: the first 65,536 blocks
    expect(f.splice?.analysedHeight).toBe(8704); // the map: all of it
    expect(f.splice?.regions.length).toBe(1);
    expect(f.splice!.regions[0]!.y).toBeGreaterThan(8350);
    expect(uprightSplice(f.splice!, 1).coverage).toBe(1);
    // A map of the first 40 rows of blocks covers those only, and says so.
    const d = decodeLumaCoefficients(buf, { maxBlocks: 64 * 40 });
    if (!d.ok) throw new Error(d.reason);
    const partial = spliceRegions(spliceMap(d.luma, jpegHistory(d.luma))!, 512, 8704);
    expect(partial.analysedHeight).toBe(320);
    expect(partial.regions).toEqual([]);
    expect(uprightSplice(partial, 1).coverage).toBeCloseTo(40 / 1088, 5);
    expect(uprightSplice(partial, 1).heat.height).toBe(1088);
  });

  it('turns the map upright for every EXIF orientation', () => {
    // A 4 × 2 block picture (32 × 16 px) with one hot block at block (3, 0) and a region there.
    const heat = new Float32Array(8);
    heat[3] = 2;
    const f: SpliceFinding = {
      method: 'm',
      regions: [{ x: 24, y: 0, w: 8, h: 8, areaShare: 0.125, peak: 100 }],
      mask: new Uint8Array(8),
      heat,
      blocksWide: 4,
      blocksHigh: 2,
      width: 32,
      height: 16,
      analysedWidth: 32,
      analysedHeight: 16,
      threshold: 80,
      used: [],
    };
    const want: Record<number, { box: [number, number]; size: [number, number]; hot: [number, number] }> = {
      1: { box: [24, 0], size: [4, 2], hot: [3, 0] },
      2: { box: [0, 0], size: [4, 2], hot: [0, 0] },
      3: { box: [0, 8], size: [4, 2], hot: [0, 1] },
      4: { box: [24, 8], size: [4, 2], hot: [3, 1] },
      5: { box: [0, 24], size: [2, 4], hot: [0, 3] },
      6: { box: [8, 24], size: [2, 4], hot: [1, 3] },
      7: { box: [8, 0], size: [2, 4], hot: [1, 0] },
      8: { box: [0, 0], size: [2, 4], hot: [0, 0] },
    };
    for (const [o, w] of Object.entries(want)) {
      const u = uprightSplice(f, Number(o));
      expect([u.regions[0]!.x, u.regions[0]!.y], `orientation ${o}`).toEqual(w.box);
      expect([u.regions[0]!.w, u.regions[0]!.h]).toEqual([8, 8]);
      expect([u.heat.width, u.heat.height], `orientation ${o}`).toEqual(w.size);
      expect(u.heat.data[w.hot[1] * u.heat.width + w.hot[0]], `orientation ${o}`).toBe(2);
      expect([u.width, u.height]).toEqual(Number(o) >= 5 ? [16, 32] : [32, 16]);
    }
    expect(uprightSplice(f, 99).regions[0]).toMatchObject({ x: 24, y: 0 });
    expect(orientPoint(0, 0, 10, 20, 6)).toEqual([19, 0]);
  });

  it('reads a file, and says why when it cannot', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-splice-'));
    try {
      const p = path.join(dir, 'a.jpg');
      fs.writeFileSync(p, await save(paste(await decoded(await save(host, 60)), donor, truth.x, truth.y, truth.w, truth.h), 90));
      const f = await jpegForensicsOfFile(p);
      expect(f.ok && f.splice?.regions.length).toBe(1);
      // The same file re-coded as progressive: the same finding.
      const pr = path.join(dir, 'p.jpg');
      fs.writeFileSync(pr, await sharp(fs.readFileSync(p)).jpeg({ quality: 90, progressive: true }).toBuffer());
      const fp = await jpegForensicsOfFile(pr);
      expect(fp.ok && fp.splice?.regions.length).toBe(1);
      const q = path.join(dir, 'b.jpg');
      fs.writeFileSync(q, Buffer.from([0xff, 0xd8, 0xff, 0xc9, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00]));
      // Cut or damaged files give a result or a reason, never an exception.
      const good = fs.readFileSync(p);
      for (const cut of [good.length - 10, Math.floor(good.length / 2), 700, 100]) {
        const r = jpegForensics({ buf: good.subarray(0, cut), whole: true });
        expect(r.ok || (!r.ok && r.reason.length > 0), `cut at ${cut}`).toBe(true);
      }
      const g = await jpegForensicsOfFile(q);
      expect(g.ok).toBe(false);
      expect(!g.ok && g.reason).toMatch(/^an arithmetic-coded JPEG/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
