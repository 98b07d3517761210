"""Extracts face crops (+ BlazeFace keypoints) from a MANIFEST.tsv folder into training/.cache/faces.

Crops are square, side = 1.5 x max(box w,h), centred on the box, resized to 224 px; the classifier later
takes the central 1.3/1.5 part with jitter. Usage:
  python3 training/prep_faces.py --data ../shared/datasets --pkg training/node_modules/@mediapipe/face_detection
"""
import argparse
import json
import os
import re
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CACHE, read_manifest, load_media, generator_group, nms  # noqa
from convert_blazeface import BlazeFaceDetector, anchor_centres, letterbox  # noqa

CROP_MARGIN = 1.5
CROP_SIZE = 224


def detect_multi(bridge, im, sizes=(192, 384), thr=0.5):
    """BlazeFace ONNX (via onnxruntime-node) at several letterbox sizes, merged by NMS. The 384 graph is the same
    weights with pixel-space anchor decoding on a 96x96 grid (finds smaller faces)."""
    allb, alls, allk = [], [], []
    for size in sizes:
        t, s, px, py = letterbox(im, size)
        out, _ = bridge.run('bf%d' % size, {'image': t.numpy()})
        b, sc, kp = out['boxes'][0] * size, out['scores'][0], out['landmarks'][0] * size
        m = sc >= thr
        allb.append((b[m] - [px, py, px, py]) / s); alls.append(sc[m]); allk.append((kp[m] - [px, py]) / s)
    b, sc, kp = np.concatenate(allb), np.concatenate(alls), np.concatenate(allk)
    keep = nms(b, sc, 0.3)
    return [(b[i], float(sc[i]), kp[i]) for i in keep]


def crop_face(im, box, kps, margin=CROP_MARGIN, size=CROP_SIZE):
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    side = margin * max(box[2] - box[0], box[3] - box[1])
    x0, y0 = cx - side / 2, cy - side / 2
    sc = size / side
    M = np.array([[sc, 0, -x0 * sc], [0, sc, -y0 * sc]], np.float32)
    crop = cv2.warpAffine(im, M, (size, size), flags=cv2.INTER_AREA if sc < 1 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)
    k = (kps - [x0, y0]) * sc
    return crop, k


def split_group(r):
    """Identity/video group used for leakage-free splits."""
    rp = r['relpath']
    if r['source'] == 'ffpp_c40_mudouble':
        m = re.search(r'/(\d{3})(?:_(\d{3}))?', rp)
        if m and '/actors/' not in rp:
            ids = sorted({m.group(1)} | ({m.group(2)} if m.group(2) else set()))
            pairs = [{'183', '253'}, {'469', '481'}, {'585', '599'}]
            for p in pairs:
                if set(ids) & p:
                    return 'ffpp_' + '_'.join(sorted(p))
        return 'ffpp_actors'
    if r['source'] == 'dfdc_aaronchong888':
        m = re.search(r'([a-z]{10})', os.path.basename(rp))
        return 'dfdc_' + (m.group(1) if m else 'x')
    return r['source']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--pkg', required=True)
    ap.add_argument('--out', default=os.path.join(CACHE, 'faces'))
    ap.add_argument('--video-frames', type=int, default=16)
    ap.add_argument('--min-face', type=int, default=40)
    ap.add_argument('--rows', default='', help='a:b subset of manifest rows (parallel parts; meta_<a>.json)')
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    import subprocess
    from ort_bridge import OrtBridge
    det = OrtBridge()
    for size in (192, 384):
        p = os.path.join(CACHE, 'blazeface_full_%d.onnx' % size)
        if not os.path.exists(p):
            subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'convert_blazeface.py'),
                            '--pkg', a.pkg, '--size', str(size), '--out', p], check=True)
        det.load('bf%d' % size, p)
    meta = []
    rows = read_manifest(a.data)
    lo, hi = (int(v) for v in a.rows.split(':')) if a.rows else (0, len(rows))
    for n, r in enumerate(rows):
        if not lo <= n < hi:
            continue
        frames = load_media(r, a.video_frames)
        multi_ok = r['y'] == 0  # extra faces in real images are real too; in fakes only the main face is known fake
        for fi, im in enumerate(frames):
            faces = detect_multi(det, im, (192, 384) if max(im.shape[:2]) > 400 else (192,))
            faces = [f for f in faces if max(f[0][2] - f[0][0], f[0][3] - f[0][1]) >= a.min_face]
            if not faces and r['source'] == 'dfdc_aaronchong888':
                h, w = im.shape[:2]  # tight MTCNN crop: the image is the face
                s = max(h, w) / 1.15
                faces = [(np.array([w / 2 - s / 2, h / 2 - s / 2, w / 2 + s / 2, h / 2 + s / 2]), 0.0, None)]
            faces.sort(key=lambda f: -(f[0][2] - f[0][0]) * (f[0][3] - f[0][1]))
            if not multi_ok:
                faces = faces[:1]
            for j, (box, score, kps) in enumerate(faces[:12]):
                if kps is None:
                    bw = box[2] - box[0]
                    kps = np.array([[0.35, 0.4], [0.65, 0.4], [0.5, 0.6], [0.5, 0.75], [0.1, 0.45], [0.9, 0.45]]) * bw + box[:2]
                crop, k = crop_face(im, box, kps)
                name = '%05d_%02d_%02d.png' % (n, fi, j)
                cv2.imwrite(os.path.join(a.out, name), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
                meta.append(dict(file=name, relpath=r['relpath'], source=r['source'], y=r['y'], group=split_group(r),
                                 generator=generator_group(r), frame=fi, face=j, score=score,
                                 face_px=float(max(box[2] - box[0], box[3] - box[1])), kps=np.round(k, 2).tolist(),
                                 is_video=r['is_video']))
        if n % 100 == 0:
            print(n, len(rows), len(meta), flush=True)
    json.dump(meta, open(os.path.join(a.out, 'meta_%d.json' % lo if a.rows else 'meta.json'), 'w'))
    print('faces:', len(meta))


if __name__ == '__main__':
    main()
