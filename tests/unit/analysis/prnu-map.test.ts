/**
 * The local sensor-noise map (prnu-map.ts) on synthetic camera pictures: content pasted in from
 * another camera's picture, or copied from elsewhere in the same picture, lacks the camera's noise
 * and is found where it is; authentic pictures show no region; a picture whose own noise drowns
 * the pattern is not judged (and so never called tampered).
 */
import { describe, expect, it } from 'vitest';
import { FingerprintBuilder, questionedResidual, type Plane } from '../../../src-main/core/analysis/prnu';
import { MAP_BLOCK, sensorNoiseMap } from '../../../src-main/core/analysis/prnu-map';
import { luminance } from '../../../src-main/core/cameras/picture-plane';
import { gauss, pasteSquare, prng, simCamera, simPhoto, type SimCamera } from '../../helpers/camera-pictures';
import { iou } from '../../../scripts/eval-args';

const S = 512;
const camA = simCamera(31, S, S);
const camB = simCamera(32, S, S);

function plane(rgb: Buffer): Plane {
  return { width: S, height: S, data: luminance(new Uint8Array(rgb), S, S) };
}

function fingerprint(cam: SimCamera): Float32Array {
  const b = new FingerprintBuilder(S, S);
  for (let i = 0; i < 8; i++) b.add(plane(simPhoto(cam, 100 + i)));
  return b.finish().data;
}

const paste = (into: Buffer, from: Buffer, x: number, y: number, side: number, dx = 0, dy = 0) => pasteSquare(into, from, S, x, y, side, dx, dy);

describe('the sensor-noise map', () => {
  const k = fingerprint(camA);
  const mapOf = (rgb: Buffer) => {
    const p = plane(rgb);
    return sensorNoiseMap(p, questionedResidual(p), k);
  };

  it('finds no region in authentic pictures, every block judged and showing the noise', () => {
    for (const seed of [500, 501, 502]) {
      const m = mapOf(simPhoto(camA, seed));
      expect(m.regions).toEqual([]);
      expect(m.judgedShare).toBeGreaterThan(0.8);
      expect(m.state.filter((s) => s === 2).length).toBeLessThan(m.state.length * 0.01);
      // The no-noise correlation of a block of n pixels spreads about 1/√n.
      expect(m.nullSd).toBeGreaterThan(0.3 / MAP_BLOCK);
      expect(m.nullSd).toBeLessThan(3 / MAP_BLOCK);
      expect(m.threshold).toBeGreaterThan(m.nullMean);
    }
  });

  it('finds content pasted in from another camera’s picture where it is', () => {
    const truth = { x: 120, y: 200, w: 176, h: 176 };
    const m = mapOf(paste(simPhoto(camA, 510), simPhoto(camB, 610), truth.x, truth.y, truth.w));
    expect(m.regions).toHaveLength(1);
    expect(iou(m.regions[0]!, truth)).toBeGreaterThan(0.5);
    expect(m.regions[0]!.meanRho).toBeLessThan(m.threshold);
    expect(m.regions[0]!.predicted).toBeGreaterThan(m.threshold);
  });

  it('finds content copied from elsewhere in the same picture (the noise is there, but not at that place)', () => {
    const truth = { x: 280, y: 100, w: 176, h: 176 };
    const a = simPhoto(camA, 520);
    const m = mapOf(paste(a, a, truth.x, truth.y, truth.w, -200, 150));
    expect(m.regions).toHaveLength(1);
    // Block resolution: the box may reach up to a block past the copied content.
    const r = m.regions[0]!;
    expect(iou(r, truth)).toBeGreaterThan(0.4);
    expect(r.x).toBeLessThanOrEqual(truth.x + 16);
    expect(r.y).toBeLessThanOrEqual(truth.y + 16);
    expect(r.x + r.w).toBeGreaterThanOrEqual(truth.x + truth.w - 16);
    expect(r.y + r.h).toBeGreaterThanOrEqual(truth.y + truth.h - 16);
  });

  it('does not judge a picture whose own noise drowns the camera’s pattern, and so calls none of it tampered', () => {
    const r = prng(7);
    const noisy = Buffer.from(simPhoto(camA, 530).map((v) => Math.max(0, Math.min(255, Math.round(v + 16 * gauss(r))))));
    const m = mapOf(noisy);
    expect(m.regions).toEqual([]);
    expect(m.judgedShare).toBeLessThan(0.1);
  });

  it('refuses planes of different sizes and planes smaller than a block', () => {
    const p = plane(simPhoto(camA, 540));
    expect(() => sensorNoiseMap(p, new Float32Array(10), k)).toThrow(RangeError);
    const small = { width: 64, height: 64, data: new Float32Array(64 * 64) };
    expect(() => sensorNoiseMap(small, new Float32Array(64 * 64), new Float32Array(64 * 64))).toThrow(/smaller than a 128-pixel block/);
  });
});
