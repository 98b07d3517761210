"""The shipped face detector is reproducible from the npm package pinned in training/package-lock.json: the
conversion command in training/README.md, run again, writes models/mg-face-detector.onnx bit for bit (the sha256
its manifest records)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from helpers import ROOT, TRAINING, weights_path
from common import sha256_file


class DetectorReproduces(unittest.TestCase):
    def test_conversion_matches_the_shipped_file(self):
        with open(os.path.join(ROOT, 'models', 'mg-face-detector.json')) as f:
            man = json.load(f)
        pkg = weights_path('@mediapipe', 'face_detection')
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'mg-face-detector.onnx')
            r = subprocess.run([sys.executable, os.path.join(TRAINING, 'convert_blazeface.py'), '--pkg', pkg, '--two-scale',
                                '--size', '384', '--out', out], cwd=ROOT, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            self.assertEqual(os.path.getsize(out), man['sizeBytes'])
            self.assertEqual(sha256_file(out), man['sha256'],
                             'the conversion no longer reproduces the shipped detector (torch %s)' % __import__('torch').__version__)


if __name__ == '__main__':
    unittest.main()
