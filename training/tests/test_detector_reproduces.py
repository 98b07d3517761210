"""The shipped face detector is reproducible from the npm package pinned in training/package-lock.json: the
conversion command in training/README.md, run again, writes models/mg-face-detector.onnx bit for bit (the sha256
its manifest records)."""
import os
import tempfile
import unittest

import torch

from helpers import ROOT, TRAINING, read_json, run, weights_path
from common import sha256_file


class DetectorReproduces(unittest.TestCase):
    def test_conversion_matches_the_shipped_file(self):
        man = read_json(ROOT, 'models', 'mg-face-detector.json')
        pkg = weights_path('@mediapipe', 'face_detection')
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'mg-face-detector.onnx')
            run([os.path.join(TRAINING, 'convert_blazeface.py'), '--pkg', pkg, '--two-scale', '--size', '384', '--out', out],
                'convert_blazeface.py')
            self.assertEqual(os.path.getsize(out), man['sizeBytes'])
            self.assertEqual(sha256_file(out), man['sha256'],
                             'the conversion no longer reproduces the shipped detector (torch %s)' % torch.__version__)


if __name__ == '__main__':
    unittest.main()
