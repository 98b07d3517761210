/**
 * The crop search's geometry: which turns make a picture a possible crop of a camera's frame, the
 * region it reads, and how a circular peak becomes a place in the frame (the search itself runs
 * on pictures in scaled-compare.test.ts, "comparing a resized or cropped picture").
 */
import { describe, expect, it } from 'vitest';
import { cropOffset, cropTurnsFor, searchCrop, searchRegion } from '../../../src-main/core/cameras/crop-search';
import { paddedResidual } from '../../../src-main/core/analysis/prnu';
import { gauss, prng } from '../../helpers/camera-pictures';

describe('the crop search', () => {
  const cam = { width: 1024, height: 768 };

  it('tries every turn under which the picture fits inside the frame without being its size', () => {
    expect(cropTurnsFor(600, 400, cam)).toEqual([0, 180, 90, 270]);
    expect(cropTurnsFor(900, 700, cam)).toEqual([0, 180]); // turned, 700 × 900 is taller than the frame
    expect(cropTurnsFor(1024, 768, cam)).toEqual([]);
    expect(cropTurnsFor(1100, 400, cam)).toEqual([]);
  });

  it('reads the central part, in multiples of 16 and no larger than the fingerprint area, or nothing when too small', () => {
    expect(searchRegion(600, 400, { w: 1024, h: 512 })).toEqual({ x: 4, y: 0, w: 592, h: 400 });
    expect(searchRegion(600, 400, { w: 512, h: 256 })).toEqual({ x: 44, y: 72, w: 512, h: 256 });
    expect(searchRegion(3000, 2000, { w: 2048, h: 2048 })).toEqual({ x: 988, y: 488, w: 1024, h: 1024 });
    expect(searchRegion(600, 250, { w: 1024, h: 512 })).toBeNull();
  });

  it('places a circular peak where the whole picture lies inside the frame, or nowhere', () => {
    const area = { x: 0, y: 128, w: 1024, h: 512 };
    // A 300×290 picture cut at (333, 101): its region (288² at (6, 1)) starts 26 rows above the area, a shift of −26 (486 circularly).
    expect(cropOffset({ dx: 339, dy: -26 }, { x: 6, y: 1, w: 288, h: 288 }, area, { width: 300, height: 290 }, cam)).toEqual({ x: 333, y: 101 });
    expect(cropOffset({ dx: 339, dy: 486 }, { x: 6, y: 1, w: 288, h: 288 }, area, { width: 300, height: 290 }, cam)).toEqual({ x: 333, y: 101 });
    // A peak that would put the picture past the frame's edge is no place at all.
    expect(cropOffset({ dx: 500, dy: 0 }, { x: 0, y: 0, w: 592, h: 400 }, area, { width: 600, height: 400 }, cam)).toBeNull();
  });

  it('finds a pattern at its offset in a plane of noise, and refuses sizes that do not fit', () => {
    const r = prng(3);
    const area = { w: 256, h: 256 };
    const k = Float32Array.from({ length: 256 * 256 }, () => 0.01 * gauss(r));
    // The region is the area's pixels from (40, 70) on, 128 × 128: content × (1 + K there) + noise.
    const w = 128;
    const data = new Float32Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data[y * w + x] = (120 + 20 * Math.sin(x / 9)) * (1 + k[(70 + y) * 256 + 40 + x]!) + 1.5 * gauss(r);
    const plane = { width: w, height: w, data };
    const res = paddedResidual(plane);
    const found = searchCrop(plane, res, k, area);
    expect(found).toMatchObject({ dx: 40, dy: 70 });
    expect(found.pce).toBeGreaterThan(60);
    expect(found.ratio).toBeLessThan(0.5);
    const other = Float32Array.from({ length: 256 * 256 }, () => 0.01 * gauss(r));
    expect(searchCrop(plane, res, other, area).pce).toBeLessThan(40);
    expect(() => searchCrop(plane, res, k.subarray(1), area)).toThrow(RangeError);
    expect(() => searchCrop(plane, res, k.subarray(0, 64 * 64), { w: 64, h: 64 })).toThrow(RangeError);
  });
});
