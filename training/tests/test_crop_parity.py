"""The engine cuts the face crops the face model was trained on: the crop that prep_faces.crop_face stores and
train_face.model_crop takes its input from, against src-main/core/analysis/align.ts alignedCrop with the shipped
manifest's crop options (cropOptions), on a synthetic frame whose tilted face sits at the frame's edge. Until
mg-face-sbi 3.2.0 the engine levelled the eyes and filled the outside with black, which this test would refuse."""
import json
import os
import tempfile
import unittest

import numpy as np

from helpers import ROOT, read_json, run_engine
from prep_faces import crop_face
from train_face import model_crop

# x1, y1, x2, y2 and six keypoints (eyes tilted by ~14 degrees); the 1.3x crop reaches 5 px past the left edge
BOX = [10.0, 60.0, 110.0, 160.0]
KPS = [[40, 95], [80, 105], [60, 120], [60, 140], [20, 105], [100, 115]]

ENGINE = r"""
const fs = require('fs');
const { alignedCrop, cropOptions } = require('./src-main/core/analysis/align.ts');
const [framePath, w, h, input, box, out] = process.argv.slice(1);
const frame = { width: +w, height: +h, data: new Uint8Array(fs.readFileSync(framePath)) };
const spec = JSON.parse(input);
const b = JSON.parse(box);
const crop = alignedCrop(frame, b, cropOptions(spec, spec.shape[2], [0, 1])).image;
fs.writeFileSync(out, Buffer.from(crop.data.buffer, crop.data.byteOffset, crop.data.byteLength));
"""


def synthetic_frame(rng, w=320, h=240):
    import cv2
    base = cv2.resize(rng.integers(0, 255, (12, 16, 3), dtype=np.uint8), (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    xx = np.arange(w)[None, :, None]
    return np.clip(base + 25 * np.sin(xx * 0.21) + rng.normal(0, 3, base.shape), 0, 255).astype(np.uint8)


def engine_crop(frame, spec):
    with tempfile.TemporaryDirectory() as tmp:
        fp, out = os.path.join(tmp, 'frame.rgb'), os.path.join(tmp, 'crop.rgb')
        frame.tofile(fp)
        box = dict(x=BOX[0], y=BOX[1], w=BOX[2] - BOX[0], h=BOX[3] - BOX[1], confidence=0.9, landmarks=KPS)
        run_engine(ENGINE, [fp, frame.shape[1], frame.shape[0], json.dumps(spec), json.dumps(box), out], 'engine crop failed')
        size = spec['shape'][2]
        return np.fromfile(out, np.uint8).reshape(size, size, 3)


class CropParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.frame = synthetic_frame(np.random.default_rng(3))
        cls.spec = read_json(ROOT, 'models', 'mg-face-sbi.json')['input']
        stored, _ = crop_face(cls.frame, np.array(BOX, np.float32), np.array(KPS, np.float32))
        cls.train = model_crop(stored, size=cls.spec['shape'][2])[1].astype(np.float32)

    def gaps(self, spec):
        """(mean, 99th percentile, mean over the 8 columns past the frame's edge) of |engine - training| pixel values."""
        d = np.abs(engine_crop(self.frame, spec).astype(np.float32) - self.train)
        return d.mean(), np.percentile(d, 99), d[:, :8].mean()

    def ok(self, gaps):
        # two area resizes (frame -> 224 stored crop -> 160) against one (frame -> 160) leave about 1 level apart
        mean, p99, edge = gaps
        return mean < 2.0 and p99 < 8.0 and edge < 3.0

    def test_shipped_options_cut_the_training_crop(self):
        g = self.gaps(self.spec)
        self.assertTrue(self.ok(g), 'mean %.2f, 99th percentile %.1f, past the edge %.2f' % g)

    def test_other_crop_options_would_fail(self):
        for align, border in ((True, 'black'), (False, 'black'), (True, 'reflect')):
            with self.subTest(align=align, border=border):
                self.assertFalse(self.ok(self.gaps({**self.spec, 'align': align, 'border': border})))


if __name__ == '__main__':
    unittest.main()
