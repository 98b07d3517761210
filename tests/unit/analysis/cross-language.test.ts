/**
 * The engine and the training scripts compute some of the same things in two languages: the
 * face-size logit correction (calibration.ts sizeOffset / training/fit_size_correction.py
 * apply, which fits the table and recalibrates with it), the detection metrics (metrics.ts
 * for `npm run eval` / training/metrics.py for the model cards) and the face detector's tiling
 * and zoom-out geometry (face-detect.ts / training/eval_face_detector.py, which reports the
 * detector's recall as the app runs it). Both sides are checked against
 * the same hand-worked cases in tests/fixtures/cross-language/cases.json;
 * training/tests/test_cross_language.py is the Python half (`npm run test:training`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sizeOffset } from '../../../src-main/core/analysis/calibration';
import { keepTileBox, tileGrid, zoomOutGeometry } from '../../../src-main/core/analysis/face-detect';
import { auc, tprAtFpr } from '../../../src-main/core/analysis/metrics';

interface Cases {
  sizeCorrection: { table: { px: number[]; logit: number[]; measuredOn: string }; cases: { px: number | null; offset: number; why: string }[] };
  metrics: { why: string; y: number[]; s: number[]; auc: number; tprAt5: number }[];
  detectorTiles: { inputSide: number; cases: { width: number; height: number; tiles: number[][]; why: string }[] };
  detectorTileBoxes: { frame: { width: number; height: number }; tile: number[]; cases: { box: number[]; kept: boolean; why: string }[] };
  detectorZoomOut: { cases: { width: number; height: number; inputSide: number; fw: number; fh: number; side: number; ox: number; oy: number; why: string }[] };
}

const rect = ([x, y, w, h]: number[]) => ({ x: x!, y: y!, w: w!, h: h! });

const cases = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../fixtures/cross-language/cases.json'), 'utf8')) as Cases;

describe('cross-language cases (TypeScript half)', () => {
  it('has cases to check', () => {
    expect(cases.sizeCorrection.cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.metrics.length).toBeGreaterThanOrEqual(3);
    expect(cases.detectorTiles.cases.length).toBeGreaterThanOrEqual(4);
    expect(cases.detectorTileBoxes.cases.length).toBeGreaterThanOrEqual(5);
    expect(cases.detectorZoomOut.cases.length).toBeGreaterThanOrEqual(3);
  });

  for (const c of cases.sizeCorrection.cases) {
    it(`sizeOffset at ${c.px} px: ${c.why}`, () => {
      expect(sizeOffset(c.px ?? undefined, cases.sizeCorrection.table)).toBeCloseTo(c.offset, 12);
    });
  }

  it('sizeOffset of the shipped table equals the table at its own points', () => {
    const m = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../models/mg-face-sbi.json'), 'utf8')) as {
      sizeCorrection: { px: number[]; logit: number[]; measuredOn: string };
    };
    m.sizeCorrection.px.forEach((px, i) => expect(sizeOffset(px, m.sizeCorrection)).toBeCloseTo(m.sizeCorrection.logit[i]!, 12));
  });

  for (const c of cases.detectorTiles.cases) {
    it(`tileGrid ${c.width}x${c.height}: ${c.why}`, () => {
      expect(tileGrid(c.width, c.height, cases.detectorTiles.inputSide)).toEqual(c.tiles.map(rect));
    });
  }

  for (const c of cases.detectorTileBoxes.cases) {
    it(`keepTileBox [${c.box.join(', ')}]: ${c.why}`, () => {
      expect(keepTileBox(rect(c.box), rect(cases.detectorTileBoxes.tile), cases.detectorTileBoxes.frame)).toBe(c.kept);
    });
  }

  for (const c of cases.detectorZoomOut.cases) {
    it(`zoomOutGeometry ${c.width}x${c.height} into ${c.inputSide}: ${c.why}`, () => {
      expect(zoomOutGeometry(c.width, c.height, c.inputSide)).toEqual({ fw: c.fw, fh: c.fh, side: c.side, ox: c.ox, oy: c.oy });
    });
  }

  for (const c of cases.metrics) {
    it(`AUC and TPR at 5 % FPR: ${c.why}`, () => {
      const xs = c.y.map((y, i) => ({ fake: y === 1, score: c.s[i]! }));
      expect(auc(xs)).toBeCloseTo(c.auc, 12);
      expect(tprAtFpr(xs, 0.05)).toBeCloseTo(c.tprAt5, 12);
    });
  }
});
