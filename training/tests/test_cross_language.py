"""The Python half of tests/fixtures/cross-language/cases.json (the TypeScript half is
tests/unit/analysis/cross-language.test.ts): the face-size correction the training scripts fit and recalibrate
with, the metrics the model cards report, and the face detector's tiling and zoom-out geometry that
eval_face_detector.py mirrors to report the detector's recall as the app runs it, against the same hand-worked cases
as the engine."""
import math
import unittest

from helpers import ROOT, read_json
from fit_size_correction import apply
from metrics import auc, tpr_at_fpr
from eval_face_detector import keep_tile_box, tile_grid, zoom_out_geometry

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


class DetectorGeometry(unittest.TestCase):
    def test_tiles(self):
        t = CASES['detectorTiles']
        self.assertGreaterEqual(len(t['cases']), 4)
        for c in t['cases']:
            with self.subTest(size=(c['width'], c['height']), why=c['why']):
                self.assertEqual([list(r) for r in tile_grid(c['width'], c['height'], t['inputSide'])], c['tiles'])

    def test_tile_boxes(self):
        t = CASES['detectorTileBoxes']
        self.assertGreaterEqual(len(t['cases']), 5)
        for c in t['cases']:
            x, y, w, h = c['box']
            with self.subTest(box=c['box'], why=c['why']):
                self.assertIs(keep_tile_box((x, y, x + w, y + h), tuple(t['tile']), t['frame']['width'], t['frame']['height']), c['kept'])

    def test_zoom_out(self):
        cs = CASES['detectorZoomOut']['cases']
        self.assertGreaterEqual(len(cs), 3)
        for c in cs:
            with self.subTest(size=(c['width'], c['height'], c['inputSide']), why=c['why']):
                self.assertEqual(zoom_out_geometry(c['width'], c['height'], c['inputSide']), (c['fw'], c['fh'], c['side'], c['ox'], c['oy']))


if __name__ == '__main__':
    unittest.main()
