"""The generated-image model's training and export commands run end to end on a few synthetic pictures (no
../shared, and a temporary feature cache instead of training/.cache): train_gen_residual.py with its leave-one-
source-out folds, resized views, HEIC views (through scripts/heic-views.ts: heif-enc and the app's decoder) and
perturbation test, then export_gen.py, which checks its ONNX graph against PyTorch at two picture sizes and calibrates
on the out-of-fold scores, clean and after the HEIC round trips. The manifest must pass the engine's schema.
A smoke test of the recipe's plumbing, not of its accuracy (models/mg-gen-residual.md holds that)."""
import math
import os
import tempfile
import unittest

import cv2
import numpy as np

from helpers import TRAINING, check_manifest_in_engine, read_json, run
from train_gen_residual import PERTURB

# two leave-one-source-out folds as in the DEV set: each generated source with the real sources paired to it
# (train_gen.py PAIRED_REALS)
FOLDS = {'fakefaces_basemax': 'celeba_avalentin', 'sdfd_sd21': 'deepface_tests'}
PER_CLASS = 6


def camera_like(rng, h, w):
    """Smooth content plus sensor-like noise at full resolution."""
    base = cv2.resize(rng.integers(0, 255, (8, 8, 3), dtype=np.uint8), (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    return np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)


def decoder_like(rng, h, w):
    """Content made at half resolution and enlarged 2x by pixel repetition: an upsampling trace."""
    small = camera_like(rng, h // 2, w // 2)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)


class GenPipeline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        cls.data, cls.out, cls.models = os.path.join(t, 'data'), os.path.join(t, 'run'), os.path.join(t, 'models')
        cls.env = {'MG_TRAINING_CACHE': os.path.join(t, 'cache')}
        for d in (cls.data, cls.models, cls.env['MG_TRAINING_CACHE']):
            os.makedirs(d)
        rng = np.random.default_rng(0)
        lines = ['relpath\tlabel\tmanipulation_or_generator\tsource_repo\tsource_path\tlicense\tsplit']
        for fake_src, real_src in FOLDS.items():
            for src, label, make in ((real_src, 'real', camera_like), (fake_src, 'fake', decoder_like)):
                os.makedirs(os.path.join(cls.data, src), exist_ok=True)
                for i in range(PER_CLASS):
                    rel = '%s/%s_%d.png' % (src, label, i)
                    h, w = int(rng.integers(140, 300)), int(rng.integers(140, 300))
                    cv2.imwrite(os.path.join(cls.data, rel), make(rng, h - h % 2, w - w % 2))
                    lines.append('%s\t%s\t%s\tsynthetic\t%s\tnone\tdev' % (rel, label, 'none' if label == 'real' else 'synthetic generator', rel))
        with open(os.path.join(cls.data, 'MANIFEST.tsv'), 'w') as fh:
            fh.write('\n'.join(lines) + '\n')
        run([os.path.join(TRAINING, 'train_gen_residual.py'), '--data', cls.data, '--out', cls.out, '--n-aug', '1', '--seed', '1',
             '--scale-views', '1', '--scale-range', '0.5,1.5', '--perturb-test', '--hevc-views', '60', '--hevc-test', '60,80'],
            'train_gen_residual.py', cls.env)
        cls.export_log = run([os.path.join(TRAINING, 'export_gen.py'), '--arch', 'residual', '--run', cls.out, '--data', cls.data,
                              '--models', cls.models, '--version', '0.0.1', '--judges-hevc'], 'export_gen.py', cls.env)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_picture_gets_an_out_of_fold_score(self):
        loso = read_json(self.out, 'loso.json')
        self.assertEqual(sorted(loso['loso']), sorted(FOLDS))
        self.assertEqual(len(loso['oof']), 4 * PER_CLASS)
        self.assertTrue(all(v is not None and math.isfinite(v) for v in loso['oof']))
        self.assertEqual(sorted(loso['perturb']), sorted(PERTURB))
        self.assertEqual(sorted(loso['hevc']), ['60', '80'])
        self.assertTrue(all(v is not None and math.isfinite(v) for q in ('60', '80') for v in loso['hevc'][q]))
        # the round trips change the pixels, so the scores too
        self.assertNotEqual(loso['hevc']['60'], loso['oof'])
        self.assertNotEqual(loso['hevc']['60'], loso['hevc']['80'])
        # the features went to the temporary cache (MG_TRAINING_CACHE), not into training/.cache
        self.assertTrue(any(f.startswith('gen_residual_') for f in os.listdir(self.env['MG_TRAINING_CACHE'])))

    def test_export_checked_the_graph_against_torch(self):
        checks = [l for l in self.export_log.splitlines() if l.startswith('onnx vs torch logit')]
        self.assertEqual(len(checks), 2, self.export_log[-2000:])

    def test_manifest_loads_in_the_engine(self):
        path = os.path.join(self.models, 'mg-gen-residual.json')
        self.assertEqual(check_manifest_in_engine(path), {'id': 'mg-gen-residual', 'version': '0.0.1'})
        man = read_json(path)
        # separable synthetic classes may leave no inconclusive band (both thresholds 0.5)
        self.assertLessEqual(man['thresholds']['authentic'], man['thresholds']['manipulated'])
        self.assertTrue(all(math.isfinite(v) for v in man['calibration']['params'].values()))
        self.assertIn('--scale-views 1', man['provenance']['command'])
        self.assertIn('--hevc-views 60 --hevc-weight 1 --hevc-test 60,80', man['provenance']['command'])
        # HEIC stills: judged (--judges-hevc), with a calibration and thresholds fitted on the q60 round trips
        self.assertEqual(man['limits'], {'judgesHevc': 1})
        hevc = man['codings']['hevc']
        self.assertIn('HEIC round trip at q60', hevc['calibration']['fittedOn'])
        self.assertTrue(all(math.isfinite(v) for v in hevc['calibration']['params'].values()))
        self.assertLessEqual(hevc['thresholds']['authentic'], hevc['thresholds']['manipulated'])
        self.assertEqual(sorted(hevc['errorRates']), ['atAuthentic', 'atManipulated', 'inconclusiveShare', 'measuredOn'])
        heic_metrics = [m['data'] for m in man['metrics'] if 'HEIC q80' in m['data']]
        self.assertEqual(len(heic_metrics), 5)
        self.assertTrue(all('a quality the HEVC calibration was not fitted on' in d for d in heic_metrics))


if __name__ == '__main__':
    unittest.main()
