"""Face-size study: how the face model's scores depend on the face's size in pixels.

The engine judges a face only when its box is at least `limits.minFacePx` on its short side (the face model's
manifest). This script builds an evaluation folder in which every still (and a few frames of every video) of the
held-out face-swap sources is shrunk so that its largest face is a given size, one top-level folder per size, with a
MANIFEST.tsv that the app's own evaluation reads:

  /usr/bin/python3 training/face_size_study.py --data ../shared/datasets --out /tmp/facesize
  npm run eval -- --data /tmp/facesize --models-dir <folder with the face manifest's minFacePx lowered>
  node bin/mediaguard.cjs analyze --json /tmp/facesize/size040 ...   (face-level probabilities and boxes)

Each size folder is then one "source" row of the evaluation table (AUC, EER, TPR@5%FPR, accuracy at the shipped
thresholds, with the MesoNet references on the same files), and `source_path` is copied from the original row so
that the cluster bootstrap resamples the copies of one original (and the frames of one video) together. Shrinking uses area interpolation and is stored as PNG, so the
only change is fewer pixels over the face (the original compression stays); --jpeg Q re-encodes every copy instead. Faces are located with the project's
mg-face-detector (models/, through onnxruntime-node), largest box, short side; a picture whose largest face is
already smaller than a target size gets no copy at that size.
"""
import argparse
import csv
import os
import subprocess
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_manifest, load_media  # noqa
from convert_blazeface import letterbox  # noqa
from ort_bridge import OrtBridge, ROOT  # noqa

HELD_OUT = 'ffpp_c40_mudouble,dfdc_aaronchong888,mesonet'


def largest_face(bridge, im, thr=0.5):
    """Short side (px) of the largest mg-face-detector box on one RGB frame (whole-frame pass), or None."""
    t, s, px, py = letterbox(im, 384)
    out, _ = bridge.run('det', {'image': t.numpy()})
    b, sc = out['boxes'][0] * 384, out['scores'][0]
    b = (b[sc >= thr] - [px, py, px, py]) / s
    if not len(b):
        return None
    w, h = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    i = int(np.argmax(w * h))
    return float(min(w[i], h[i]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', required=True, help='folder with MANIFEST.tsv')
    ap.add_argument('--out', required=True)
    ap.add_argument('--sources', default=HELD_OUT, help='comma-separated top-level folders (default: the held-out face-swap sources)')
    ap.add_argument('--sizes', default='32,40,48,56,64', help='target face sizes (short side, px)')
    ap.add_argument('--video-frames', type=int, default=4, help='evenly spaced frames taken from each video')
    ap.add_argument('--keep-original', action='store_true', help='also write each picture unchanged (folder "original")')
    ap.add_argument('--jpeg', type=int, default=0, help='save every copy (the originals too) as JPEG at this quality '
                    'instead of PNG: a small picture as it is usually passed on, compressed after the shrink')
    ap.add_argument('--video-crf', type=int, default=0, help='keep videos as videos: each one shrunk whole (its face size '
                    'the median over the sampled frames) and re-encoded with libx264 at this CRF, the originals too; '
                    'without it, videos give --video-frames stills')
    ap.add_argument('--videos-only', action='store_true', help='skip the still images')
    a = ap.parse_args()
    sizes = [int(v) for v in a.sizes.split(',')]
    wanted = set(a.sources.split(','))
    det = OrtBridge()
    det.load('det', os.path.join(ROOT, 'models', 'mg-face-detector.onnx'))
    rows = [r for r in read_manifest(a.data) if r['source'] in wanted]
    out_rows, found, missed = [], 0, 0
    def row(rel, label, r):
        gen = r.get('generator') or r.get('manipulation_or_generator') or ''
        # source_path as in the original row: the evaluation's cluster bootstrap keys on it (eval-manifest.ts
        # originOf), so the copies of one picture, and the frames of one video, are resampled together
        return [rel, label, gen, r.get('source_repo', ''), r.get('source_path') or r['relpath'],
                'derived from %s (%s)' % (r['relpath'], r.get('license', '')), 'eval']

    for r in rows:
        if a.videos_only and not r['is_video']:
            continue
        frames = load_media(r, a.video_frames)
        label = 'fake' if r['y'] == 1 else 'real'
        stem = os.path.splitext(r['relpath'].replace('/', '__'))[0]
        if r['is_video'] and a.video_crf:
            sides = [s for s in (largest_face(det, im) for im in frames) if s is not None]
            if not sides:
                missed += 1
                continue
            found += 1
            side = float(np.median(sides))
            h, w = frames[0].shape[:2]
            for folder, f in [('original', 1.0)] * a.keep_original + [('size%03d' % t, t / side) for t in sizes if t < side]:
                rel = '%s/%s/%s.mp4' % (folder, label, stem)
                os.makedirs(os.path.dirname(os.path.join(a.out, rel)), exist_ok=True)
                sw, sh = max(2, round(w * f / 2) * 2), max(2, round(h * f / 2) * 2)  # even sides for yuv420p
                subprocess.run(['ffmpeg', '-v', 'error', '-y', '-i', r['path'], '-vf', 'scale=%d:%d:flags=area' % (sw, sh),
                                '-c:v', 'libx264', '-crf', str(a.video_crf), '-preset', 'medium', '-pix_fmt', 'yuv420p', '-an',
                                os.path.join(a.out, rel)], check=True)
                out_rows.append(row(rel, label, r))
            continue
        for fi, im in enumerate(frames):
            side = largest_face(det, im)
            if side is None:
                missed += 1
                continue
            found += 1
            ext = '.jpg' if a.jpeg else '.png'
            name = ('%s_f%02d' % (stem, fi) if r['is_video'] else stem) + ext
            targets = [('original', 1.0)] if a.keep_original else []
            targets += [('size%03d' % t, t / side) for t in sizes if t < side]
            for folder, f in targets:
                h, w = im.shape[:2]
                small = im if f == 1.0 else cv2.resize(im, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
                rel = '%s/%s/%s' % (folder, label, name)
                os.makedirs(os.path.dirname(os.path.join(a.out, rel)), exist_ok=True)
                cv2.imwrite(os.path.join(a.out, rel), cv2.cvtColor(small, cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, a.jpeg] if a.jpeg else [])
                out_rows.append(row(rel, label, r))
    with open(os.path.join(a.out, 'MANIFEST.tsv'), 'w', newline='') as fh:
        wr = csv.writer(fh, delimiter='\t', lineterminator='\n')
        wr.writerow(['relpath', 'label', 'manipulation_or_generator', 'source_repo', 'source_path', 'license', 'split'])
        wr.writerows(out_rows)
    print('frames (or videos, with --video-crf) with a face: %d, without: %d; files written: %d' % (found, missed, len(out_rows)))


if __name__ == '__main__':
    main()
