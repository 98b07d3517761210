"""68-point landmarks for the stored face crops, from face-api's landmark net (faceapi_dense.py, MIT weights).

SBI (Shiohara & Yamasaki, CVPR 2022) draws its blending masks from the convex hull of facial landmarks; the six
BlazeFace keypoints only give a face-shaped template (sbi.face_mask). This script writes
<faces>/landmarks68.json: {crop file: [[x, y] * 68] in the stored crop's pixels} for every face at least
--min-px wide, and --sheet draws a contact sheet of the first faces to check them by eye.

Usage: python3 training/landmarks68.py --faces training/.cache/faces --faceapi $NM/@vladmandic/face-api/model
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faceapi_dense import FaceDenseNet, crop_landmarks  # noqa
from train_face import load_faces  # noqa

def sheet(metas, lms, path, n=24, cell=160):
    cols = 6
    rows = (min(n, len(metas)) + cols - 1) // cols
    canvas = np.zeros((rows * cell, cols * cell, 3), np.uint8)
    for k, (m, lm) in enumerate(zip(metas[:n], lms[:n])):
        img = cv2.imread(m['path'])
        s = cell / img.shape[0]
        img = cv2.resize(img, (cell, cell), interpolation=cv2.INTER_AREA)
        for x, y in lm * s:
            cv2.circle(img, (int(x), int(y)), 1, (0, 255, 0), -1)
        hull = cv2.convexHull((lm * s).astype(np.int32))
        cv2.polylines(img, [hull], True, (0, 0, 255), 1)
        r, c = divmod(k, cols)
        canvas[r * cell:(r + 1) * cell, c * cell:(c + 1) * cell] = img
    cv2.imwrite(path, canvas)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--faces', required=True)
    ap.add_argument('--faceapi', required=True, help='path to @vladmandic/face-api/model')
    ap.add_argument('--min-px', type=float, default=48)
    ap.add_argument('--sheet', default='', help='write a contact sheet (PNG) of real faces with their landmarks')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    net = FaceDenseNet().eval()
    net.load_faceapi(os.path.join(a.faceapi, 'face_landmark_68_model-weights_manifest.json'), keep_landmark_head=True)
    metas = [m for m in load_faces(a.faces) if m['face_px'] >= a.min_px]
    imgs = [cv2.cvtColor(cv2.imread(m['path']), cv2.COLOR_BGR2RGB) for m in metas]
    lms = crop_landmarks(net, imgs)
    out = {m['file']: np.round(lm, 2).tolist() for m, lm in zip(metas, lms)}
    json.dump(out, open(os.path.join(a.faces, 'landmarks68.json'), 'w'))
    print('landmarks for %d faces -> %s' % (len(out), os.path.join(a.faces, 'landmarks68.json')))
    if a.sheet:
        reals = [(m, lm) for m, lm in zip(metas, lms) if m['y'] == 0]
        step = max(1, len(reals) // 24)
        pick = reals[::step][:24]
        sheet([p[0] for p in pick], [p[1] for p in pick], a.sheet)


if __name__ == '__main__':
    main()
