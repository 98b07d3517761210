import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { blockFeatures, detectCopyMove, detectCopyMoveAsync, lumaAtMost, smooth } from '../../../src-main/core/analysis/copy-move';
import type { RgbImage } from '../../../src-main/core/analysis/types';
import { cloneRegion, streaked, texture, tiled } from '../../helpers/textures';

async function jpeg(img: RgbImage, quality: number): Promise<RgbImage> {
  const buf = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality }).toBuffer();
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** The reported pair lies on the planted one: each box within `tol` px of one planted place. */
function onPlanted(r: { a: { x: number; y: number; w: number; h: number }; b: { x: number; y: number; w: number; h: number } }, src: [number, number], dst: [number, number], size: [number, number], tol: number): boolean {
  const near = (b: { x: number; y: number; w: number; h: number }, [x, y]: [number, number]) =>
    Math.abs(b.x - x) <= tol && Math.abs(b.y - y) <= tol && Math.abs(b.w - size[0]) <= 2 * tol && Math.abs(b.h - size[1]) <= 2 * tol;
  return (near(r.a, src) && near(r.b, dst)) || (near(r.a, dst) && near(r.b, src));
}

describe('copy-move check', () => {
  const base = texture(480, 360, 11);

  it('finds a region copied elsewhere, with its two places, shift and area', () => {
    const forged = cloneRegion(base, 40, 50, 90, 70, 300, 220);
    const r = detectCopyMove(forged);
    expect(r.regions).toHaveLength(1);
    const c = r.regions[0]!;
    // The texture is smooth over ~9 px, so patches straddling the copy's edge still match: the
    // boxes may reach a few pixels past it.
    expect(onPlanted(c, [40, 50], [300, 220], [90, 70], 6)).toBe(true);
    expect(c.mirrored).toBe(false);
    expect(Math.abs(Math.abs(c.shift.dx) - 260)).toBeLessThanOrEqual(2);
    expect(Math.abs(Math.abs(c.shift.dy) - 170)).toBeLessThanOrEqual(2);
    expect(c.areaShare / ((90 * 70) / (480 * 360))).toBeGreaterThan(0.9);
    expect(c.areaShare / ((90 * 70) / (480 * 360))).toBeLessThan(1.25);
    expect(c.rmsDiff).toBeLessThan(0.5);
    // The mask marks both places with the pair's number and nothing else.
    const marked = r.mask.reduce((n, v) => n + (v === 1 ? 1 : 0), 0);
    expect(marked).toBeGreaterThan(2 * 90 * 70 * 0.9);
    expect(marked).toBeLessThan(2 * 90 * 70 * 1.25);
    expect(r.mask.some((v) => v > 1)).toBe(false);
  });

  it('runs the same in the worker (async) as in scripts (sync), and stops between its stages when cancelled', async () => {
    const forged = cloneRegion(base, 40, 50, 90, 70, 300, 220);
    let checks = 0;
    const r = await detectCopyMoveAsync(forged, {}, () => void checks++);
    expect(r.regions).toEqual(detectCopyMove(forged).regions);
    expect(r.regions).toHaveLength(1);
    // It checks at least before it starts, after the features, after each field and each region search.
    expect(checks).toBeGreaterThanOrEqual(7);
    // A cancel that arrives as another task (a worker message) is seen at the next stage, not at the end.
    let cancelled = false;
    let after = 0;
    setImmediate(() => {
      cancelled = true;
    });
    const stopped = detectCopyMoveAsync(forged, {}, () => {
      if (cancelled) {
        after++;
        throw new Error('cancelled');
      }
    });
    await expect(stopped).rejects.toThrow('cancelled');
    expect(after).toBe(1);
    let seen = 0;
    await expect(
      detectCopyMoveAsync(forged, {}, () => {
        if (++seen === 3) throw new Error('cancelled');
      }),
    ).rejects.toThrow('cancelled');
    expect(seen).toBe(3);
  });

  it('reports nothing on the same picture without the copy', () => {
    const r = detectCopyMove(base);
    expect(r.regions).toEqual([]);
    expect(r.texturedShare).toBeGreaterThan(0.9);
  });

  it('finds the copy after JPEG recompression at quality 75', async () => {
    const forged = await jpeg(cloneRegion(base, 30, 200, 100, 80, 320, 40), 75);
    const r = detectCopyMove(forged);
    expect(r.regions.some((c) => onPlanted(c, [30, 200], [320, 40], [100, 80], 8))).toBe(true);
    expect(r.regions).toHaveLength(1);
    const clean = await jpeg(base, 75);
    expect(detectCopyMove(clean).regions).toEqual([]);
  });

  it('finds a mirrored copy and says it is mirrored', () => {
    const forged = cloneRegion(base, 60, 60, 120, 100, 300, 200, true);
    const r = detectCopyMove(forged);
    expect(r.regions).toHaveLength(1);
    expect(r.regions[0]!.mirrored).toBe(true);
    expect(onPlanted(r.regions[0]!, [60, 60], [300, 200], [120, 100], 8)).toBe(true);
    // Without the mirrored search it is not found.
    expect(detectCopyMove(forged, { mirror: false }).regions).toEqual([]);
  });

  it('finds a copy in a large picture analysed shrunk, where the copy’s offset falls between analysed pixels', () => {
    const big = texture(1800, 1200, 21);
    // Shrunk to 768 px the 1,001-px shift becomes 427.1 analysed pixels.
    const forged = cloneRegion(big, 101, 150, 330, 260, 1102, 777);
    const r = detectCopyMove(forged);
    expect(r.analysed.width).toBe(768);
    expect(r.regions.some((c) => onPlanted(c, [101, 150], [1102, 777], [330, 260], 16))).toBe(true);
    expect(detectCopyMove(big).regions).toEqual([]);
  });

  it('does not take a repeating pattern, an edge-replicated border or a flat picture for copies', () => {
    expect(detectCopyMove(tiled(400, 300, 48)).regions).toEqual([]);
    expect(detectCopyMove(streaked(400, 300, 280)).regions).toEqual([]);
    const flat = { width: 300, height: 200, data: new Uint8Array(300 * 200 * 3).fill(140) };
    const r = detectCopyMove(flat);
    expect(r.regions).toEqual([]);
    expect(r.texturedShare).toBe(0);
    // A smooth ramp: every patch matches patches along its iso-lines.
    const ramp = new Uint8Array(300 * 200 * 3);
    for (let y = 0; y < 200; y++) for (let x = 0; x < 300; x++) ramp.fill(Math.round((x + y) / 2), (y * 300 + x) * 3, (y * 300 + x) * 3 + 3);
    expect(detectCopyMove({ width: 300, height: 200, data: ramp }).regions).toEqual([]);
  });

  it('a picture repeating one motif at several steps (a step-and-repeat banner) reports a pattern, not copies', () => {
    // Eight prints of one motif, each with a slightly different contrast (as a printed banner under
    // uneven light), no three in a row at equal steps (those fail the repeat test place by place).
    const [mw, mh] = [64, 60];
    const motif = texture(mw, mh, 99);
    const banner = { width: 480, height: 360, data: new Uint8Array(base.data) };
    [
      [10, 5],
      [150, 20],
      [300, 5],
      [395, 120],
      [40, 150],
      [205, 160],
      [320, 280],
      [90, 280],
    ].forEach(([x, y], i) => {
      for (let j = 0; j < mh; j++)
        for (let k = 0; k < mw * 3; k++) banner.data[((y! + j) * 480 + x!) * 3 + k] = Math.max(0, Math.min(255, Math.round(128 + (motif.data[j * mw * 3 + k]! - 128) * (1 + 0.02 * i))));
    });
    const r = detectCopyMove(banner);
    expect(r.regions).toEqual([]);
    expect(r.patternSteps).toBeGreaterThanOrEqual(3);
    expect(r.candidates.length).toBeGreaterThanOrEqual(3);
    expect(detectCopyMove(base).patternSteps).toBe(0);
  });

  it('two strokes of a clone tool at one step are two regions, not a pattern', () => {
    const once = cloneRegion(base, 20, 20, 80, 70, 300, 120);
    const twice = cloneRegion(once, 40, 200, 90, 70, 320, 300);
    const r = detectCopyMove(twice);
    expect(r.patternSteps).toBe(0);
    expect(r.regions).toHaveLength(2);
  });

  it('ignores copies under the minimum area', () => {
    const forged = cloneRegion(base, 40, 50, 24, 24, 300, 220);
    expect(detectCopyMove(forged).regions).toEqual([]);
  });

  it('answers on pictures too small to hold a patch and its match, without failing', () => {
    for (const [w, h] of [
      [1, 1],
      [16, 16],
      [39, 200],
      [200, 15],
    ] as const) {
      const r = detectCopyMove(texture(w, h, 2));
      expect(r.regions).toEqual([]);
    }
  });

  it('gives the same finding every time (fixed seed)', async () => {
    const forged = await jpeg(cloneRegion(base, 200, 30, 80, 80, 20, 250, true), 85);
    const a = detectCopyMove(forged);
    const b = detectCopyMove(forged);
    expect(b.regions).toEqual(a.regions);
    expect(Buffer.compare(Buffer.from(a.mask), Buffer.from(b.mask))).toBe(0);
  });
});

describe('copy-move building blocks', () => {
  it('shrinks the luma by area averaging and never enlarges', () => {
    const img = { width: 4, height: 2, data: new Uint8Array([...Array(8)].flatMap((_, i) => (i % 2 ? [200, 200, 200] : [0, 0, 0]))) };
    const half = lumaAtMost(img, 2);
    expect([half.width, half.height]).toEqual([2, 1]);
    for (const v of half.y) expect(v).toBeCloseTo(100, 3);
    const same = lumaAtMost(img, 100);
    expect([same.width, same.height, same.scale]).toEqual([4, 2, 1]);
  });

  it('block features: an orthonormal DCT (the DC term is the mean times the block size; a constant patch has no AC energy)', () => {
    const w = 20;
    const h = 18;
    const y = new Float32Array(w * h).fill(50);
    const { feat, std, nw, nh } = blockFeatures(y, w, h, 16);
    expect([nw, nh]).toEqual([5, 3]);
    expect(feat[0]).toBeCloseTo(50 * 16, 2);
    for (let k = 1; k < 10; k++) expect(Math.abs(feat[k]!)).toBeLessThan(1e-3);
    expect(std[0]).toBeCloseTo(0, 3);
  });

  it('smoothing keeps a constant picture and the mean of any picture', () => {
    const w = 31;
    const h = 17;
    const y = new Float32Array(w * h).fill(77);
    for (const v of smooth(y, w, h)) expect(v).toBeCloseTo(77, 4);
    const z = new Float32Array(w * h).map((_, i) => (i * 37) % 101);
    const s = smooth(z, w, h);
    const interior = (a: Float32Array) => {
      let t = 0;
      for (let r = 5; r < h - 5; r++) for (let x = 5; x < w - 5; x++) t += a[r * w + x]!;
      return t;
    };
    expect(interior(s) / interior(z)).toBeGreaterThan(0.97);
    expect(interior(s) / interior(z)).toBeLessThan(1.03);
  });
});
