import { describe, expect, it } from 'vitest';
import { applyPerturbation, describePerturbation, formatAfter, parsePerturbation } from '../../../src-main/core/analysis/eval-perturb';
import { stillCodingOf } from '../../../src-main/core/analysis/pipeline';
import type { RgbImage } from '../../../src-main/core/analysis/types';

/** Gradients plus a fine texture in every channel: JPEG and resizing both change it measurably. */
function picture(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const t = 30 * Math.sin(x * 0.9) * Math.cos(y * 0.7); // fine detail: what JPEG and downscaling remove first
      data[i] = Math.min(255, Math.max(0, (x * 200) / w + 20 + t));
      data[i + 1] = Math.min(255, Math.max(0, (y * 200) / h + 20 - t));
      data[i + 2] = Math.min(255, Math.max(0, 128 + t));
    }
  }
  return { width: w, height: h, data };
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe('eval --perturb', () => {
  it('parses chains and refuses what it cannot do, saying why', () => {
    expect(parsePerturbation('jpeg:75')).toEqual([{ kind: 'jpeg', quality: 75 }]);
    expect(parsePerturbation('scale:0.5, jpeg:90')).toEqual([{ kind: 'scale', factor: 0.5 }, { kind: 'jpeg', quality: 90 }]);
    expect(describePerturbation(parsePerturbation('scale:0.5,jpeg:75'))).toBe('resized to 50 % (Lanczos 3), then JPEG q75');
    expect(() => parsePerturbation('')).toThrow(/empty edit/);
    expect(() => parsePerturbation('jpeg:75,')).toThrow(/empty edit/);
    expect(parsePerturbation('scale:0.5,heic:50')).toEqual([{ kind: 'scale', factor: 0.5 }, { kind: 'heic', quality: 50 }]);
    expect(describePerturbation(parsePerturbation('heic:50'))).toBe('HEIC q50');
    expect(() => parsePerturbation('blur:2')).toThrow(/'blur:2' is not jpeg:Q, heic:Q, avif:Q or scale:F/);
    expect(() => parsePerturbation('heic:0')).toThrow(/HEIC quality 0/);
    expect(() => parsePerturbation('jpeg:0')).toThrow(/quality 0/);
    expect(() => parsePerturbation('jpeg:75.5')).toThrow(/whole number/);
    expect(() => parsePerturbation('jpeg:101')).toThrow(/1 to 100/);
    expect(() => parsePerturbation('scale:0')).toThrow(/outside 0.05–4/);
    expect(() => parsePerturbation('scale:9')).toThrow(/outside/);
  });

  it('names the coding a still has after its last edit, as the app names a file of that format', () => {
    const coding = (spec: string) => stillCodingOf(formatAfter(parsePerturbation(spec).at(-1)!));
    expect(coding('heic:50')).toBe('hevc');
    expect(coding('jpeg:75,avif:50')).toBe('av1');
    expect(coding('heic:50,jpeg:90')).toBeNull();
    expect(coding('heic:50,scale:0.5')).toBeNull();
  });

  it('JPEG keeps the size and changes the pixels, more at a lower quality; the input is left alone', async () => {
    const img = picture(96, 64);
    const before = Uint8Array.from(img.data);
    const q90 = await applyPerturbation(img, parsePerturbation('jpeg:90'));
    const q30 = await applyPerturbation(img, parsePerturbation('jpeg:30'));
    expect([q90.width, q90.height, q90.data.length]).toEqual([96, 64, 96 * 64 * 3]);
    expect(meanAbsDiff(q90.data, img.data)).toBeGreaterThan(0.5);
    expect(meanAbsDiff(q30.data, img.data)).toBeGreaterThan(meanAbsDiff(q90.data, img.data));
    expect(img.data).toEqual(before);
  });

  it('HEIC (heif-enc, then the app\'s own decoder) keeps the size and changes the pixels, more at a lower quality', async () => {
    const img = picture(96, 64);
    const q90 = await applyPerturbation(img, parsePerturbation('heic:90'));
    const q20 = await applyPerturbation(img, parsePerturbation('heic:20'));
    expect([q90.width, q90.height, q90.data.length]).toEqual([96, 64, 96 * 64 * 3]);
    expect(meanAbsDiff(q90.data, img.data)).toBeGreaterThan(0.2);
    expect(meanAbsDiff(q90.data, img.data)).toBeLessThan(8);
    expect(meanAbsDiff(q20.data, img.data)).toBeGreaterThan(meanAbsDiff(q90.data, img.data));
  });

  it('scales, then encodes, in the order given', async () => {
    const img = picture(100, 60);
    const half = await applyPerturbation(img, parsePerturbation('scale:0.5'));
    expect([half.width, half.height, half.data.length]).toEqual([50, 30, 50 * 30 * 3]);
    const up = await applyPerturbation(img, parsePerturbation('scale:1.5,jpeg:80'));
    expect([up.width, up.height]).toEqual([150, 90]);
    const tiny = await applyPerturbation(picture(20, 20), parsePerturbation('scale:0.05'));
    expect([tiny.width, tiny.height]).toEqual([1, 1]);
  });
});
