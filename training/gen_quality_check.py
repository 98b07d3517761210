"""In-sample check of a trained mg-gen-residual: do its scores on the generated faces and their reals depend on the
files' JPEG quality? Scores every third GAN / SD 2.1 face and all their reals as they are and re-encoded at q95 / q85
/ q75 (both classes alike), with the manifest's calibration, and prints the median probability and the shares in
the manipulated / authentic bands. The model was fitted on these pictures: this says whether it reads the
quantisation table alone, not whether it generalises (that is the leave-one-source-out fold).

Usage: python3 training/gen_quality_check.py --data ../shared/datasets --run training/.cache/runs/gen_residual \
          --manifest models/mg-gen-residual.json"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_manifest, load_image_rgb  # noqa
from gen_residual import GenResidualDetector, features_np, center_crop  # noqa
from train_gen_residual import jpeg_roundtrip  # noqa

GROUPS = (('GAN faces (every 3rd)', ('fakefaces_basemax',), 3), ('CelebA / CelebA-HQ reals', ('celeba_avalentin', 'celebahq_starganv2'), 1),
          ('SD 2.1 faces (every 3rd)', ('sdfd_sd21',), 3), ('deepface / ultraface reals', ('deepface_tests', 'ultraface_imgs'), 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--run', required=True)
    ap.add_argument('--manifest', required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    man = json.load(open(a.manifest))
    pa, pb = man['calibration']['params']['a'], man['calibration']['params']['b']
    t_a, t_m = man['thresholds']['authentic'], man['thresholds']['manipulated']
    m = GenResidualDetector()
    m.load_state_dict(torch.load(os.path.join(a.run, 'model.pt'), map_location='cpu'))
    m.eval()
    rows = [r for r in read_manifest(a.data) if not r['is_video']]
    edits = (('as is', None), ('q95', 95), ('q85', 85), ('q75', 75))
    print('median probability (share >= %.2f manipulated, share < %.2f authentic)' % (t_m, t_a))
    for name, sources, every in GROUPS:
        rs = [r for r in rows if r['source'] in sources][::every]
        feats = {tag: [] for tag, _ in edits}
        for r in rs:  # each picture read once, then every edit
            img = load_image_rgb(r['path'])
            for tag, q in edits:
                feats[tag].append(features_np(center_crop(img if q is None else jpeg_roundtrip(img, q))))
        out = []
        for tag, _ in edits:
            X = np.array(feats[tag], np.float32)
            with torch.no_grad():
                p = torch.sigmoid(pa * m.head(torch.from_numpy(X))[:, 0] + pb).numpy()
            out.append('%s %.2f (%.0f %%, %.0f %%)' % (tag, np.median(p), 100 * (p >= t_m).mean(), 100 * (p < t_a).mean()))
        print('%-28s n=%-4d ' % (name, len(rs)) + '  '.join(out), flush=True)


if __name__ == '__main__':
    main()
