/**
 * The engine and the training scripts compute some of the same things in two languages: the
 * face-size logit correction (calibration.ts sizeOffset / training/fit_size_correction.py
 * apply, which fits the table and recalibrates with it) and the detection metrics (metrics.ts
 * for `npm run eval` / training/metrics.py for the model cards). Both sides are checked against
 * the same hand-worked cases in tests/fixtures/cross-language/cases.json;
 * training/tests/test_cross_language.py is the Python half (`npm run test:training`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sizeOffset } from '../../../src-main/core/analysis/calibration';
import { auc, tprAtFpr } from '../../../src-main/core/analysis/metrics';

interface Cases {
  sizeCorrection: { table: { px: number[]; logit: number[]; measuredOn: string }; cases: { px: number | null; offset: number; why: string }[] };
  metrics: { why: string; y: number[]; s: number[]; auc: number; tprAt5: number }[];
}

const cases = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../fixtures/cross-language/cases.json'), 'utf8')) as Cases;

describe('cross-language cases (TypeScript half)', () => {
  it('has cases to check', () => {
    expect(cases.sizeCorrection.cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.metrics.length).toBeGreaterThanOrEqual(3);
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

  for (const c of cases.metrics) {
    it(`AUC and TPR at 5 % FPR: ${c.why}`, () => {
      const xs = c.y.map((y, i) => ({ fake: y === 1, score: c.s[i]! }));
      expect(auc(xs)).toBeCloseTo(c.auc, 12);
      expect(tprAtFpr(xs, 0.05)).toBeCloseTo(c.tprAt5, 12);
    });
  }
});
