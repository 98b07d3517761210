"""training/video_aggregation_study.py on hand-built videos whose variance components are known: the numbers the
face card quotes about video verdicts come from this code."""
import json
import os
import tempfile
import unittest

import numpy as np

from helpers import ROOT, run
from video_aggregation_study import study, video_logits

# Four videos per class, eight frames each: a video's frames are its offset +-0.5 in turn, so the within-video
# variance (ddof 1) is 8 * 0.25 / 7 = 2/7, and the video means are the offsets, whose variance (ddof 1) is 5/3 in
# each class; between = 5/3 - (2/7) / 8.
OFFSETS = {0: [-2, -1, 0, 1], 1: [0, 1, 2, 3]}
WITHIN = 2 / 7
BETWEEN = 5 / 3 - WITHIN / 8


def write_case(d):
    meta, files, scores = [], [], []
    for y, offs in OFFSETS.items():
        for v, off in enumerate(offs):
            for f in range(8):
                name = 'v%d_%d_f%d.png' % (y, v, f)
                meta.append(dict(file=name, relpath='set/%s/v%d.mp4' % ('fake' if y else 'real', v), source='set',
                                 y=y, group='pair%d' % v, frame=f, face=0, face_px=200.0, is_video=True))
                files.append(name)
                scores.append(off + (0.5 if f % 2 == 0 else -0.5))
    # a second face in one frame and a still picture: neither is a video's face 0, so neither counts
    meta.append(dict(meta[0], file='second_face.png', face=1)); files.append('second_face.png'); scores.append(40.0)
    meta.append(dict(meta[0], file='still.png', relpath='set/real/still.jpg', is_video=False)); files.append('still.png'); scores.append(40.0)
    with open(os.path.join(d, 'meta_0.json'), 'w') as fh:
        json.dump(meta, fh)
    with open(os.path.join(d, 'scores.json'), 'w') as fh:
        json.dump(dict(files=files, scores=scores), fh)
    man = {'sizeCorrection': {'px': [10, 100], 'logit': [-1.0, 0.0]}, 'calibration': {'params': {'a': 1.0, 'b': 0.0}},
           'thresholds': {'authentic': 0.35, 'manipulated': 0.77}}
    with open(os.path.join(d, 'manifest.json'), 'w') as fh:
        json.dump(man, fh)


class VideoAggregation(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        write_case(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_variance_components_and_slope(self):
        vids = video_logits(self.tmp.name, os.path.join(self.tmp.name, 'scores.json'), ([10, 100], [-1.0, 0.0]))
        self.assertEqual(len(vids), 8)
        self.assertTrue(all(len(z) == 8 for _, _, z in vids.values()))
        r = study(vids, 1.0, 0.0, 0.35, 0.77)
        self.assertAlmostEqual(r['within'], WITHIN, places=12)
        self.assertAlmostEqual(r['between'], BETWEEN, places=12)
        self.assertAlmostEqual(r['slope'], (WITHIN + BETWEEN) / (BETWEEN + WITHIN / 8), places=12)
        self.assertEqual(sorted(r['mean_z'].tolist()), sorted(OFFSETS[0] + OFFSETS[1]))
        # (fake, real) pairs of mean logits, fakes 0..3 against reals -2..1: 13 won, 2 tied (0-0, 1-1) -> 14 / 16
        self.assertAlmostEqual(r['auc_mean_z'], 14 / 16, places=12)
        # the app's rule, a = 1, b = 0: a video's probability is (sigmoid(o + 0.5) + sigmoid(o - 0.5)) / 2 -- offsets
        # -2 / -1 give 0.13 / 0.28 (authentic), 0 / 1 give 0.50 / 0.72 (inconclusive), 2 / 3 give 0.87 / 0.95
        name, app = r['rules'][0]
        self.assertIn('app rule', name)
        self.assertEqual(dict(app), {('authentic', 0): 2, ('inconclusive', 0): 2, ('inconclusive', 1): 2, ('manipulated', 1): 2})
        for name, counts in r['rules']:
            with self.subTest(rule=name):
                self.assertEqual(sum(counts.values()), 8)

    def test_size_correction_applies(self):
        vids = video_logits(self.tmp.name, os.path.join(self.tmp.name, 'scores.json'), ([100, 1000], [-1.0, 0.0]))
        # the table is linear in log(px): a 200-px face lies log10(2) = 0.301 of the way from 100 to 1000 px
        shift = -1 + np.log10(2.0)
        z = vids['set/real/v0.mp4'][2]
        self.assertAlmostEqual(float(z.mean()), -2 + shift, places=9)

    def test_command_line(self):
        out = run(['training/video_aggregation_study.py', '--faces', self.tmp.name,
                   '--scores', os.path.join(self.tmp.name, 'scores.json'),
                   '--manifest', os.path.join(self.tmp.name, 'manifest.json')], 'video_aggregation_study.py')
        self.assertIn('8 held-out videos (4 fake, 4 real), median 8 frames', out)
        self.assertIn('within a video %.3f' % WITHIN, out)


if __name__ == '__main__':
    unittest.main()
