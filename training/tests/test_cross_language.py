"""The Python half of tests/fixtures/cross-language/cases.json (the TypeScript half is
tests/unit/analysis/cross-language.test.ts): the face-size correction the training scripts fit and recalibrate
with, and the metrics the model cards report, against the same hand-worked cases as the engine."""
import math
import unittest

from helpers import ROOT, read_json
from fit_size_correction import apply
from metrics import auc, tpr_at_fpr

CASES = read_json(ROOT, 'tests', 'fixtures', 'cross-language', 'cases.json')


class SizeCorrection(unittest.TestCase):
    def test_cases(self):
        t = CASES['sizeCorrection']['table']
        tab = (t['px'], t['logit'])
        self.assertGreaterEqual(len(CASES['sizeCorrection']['cases']), 8)
        for c in CASES['sizeCorrection']['cases']:
            with self.subTest(px=c['px'], why=c['why']):
                self.assertAlmostEqual(apply(0.0, c['px'], tab), c['offset'], places=12)
                self.assertAlmostEqual(apply(1.5, c['px'], tab), 1.5 + c['offset'], places=12)

    def test_nan_size_is_no_correction(self):
        t = CASES['sizeCorrection']['table']
        self.assertEqual(apply(0.7, math.nan, (t['px'], t['logit'])), 0.7)

    def test_shipped_table_at_its_points(self):
        sc = read_json(ROOT, 'models', 'mg-face-sbi.json')['sizeCorrection']
        for px, off in zip(sc['px'], sc['logit']):
            self.assertAlmostEqual(apply(0.0, px, (sc['px'], sc['logit'])), off, places=12)


class Metrics(unittest.TestCase):
    def test_cases(self):
        self.assertGreaterEqual(len(CASES['metrics']), 3)
        for c in CASES['metrics']:
            with self.subTest(why=c['why']):
                self.assertAlmostEqual(auc(c['y'], c['s']), c['auc'], places=12)
                self.assertAlmostEqual(tpr_at_fpr(c['y'], c['s'], 0.05), c['tprAt5'], places=12)


if __name__ == '__main__':
    unittest.main()
