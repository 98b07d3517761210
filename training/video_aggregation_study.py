"""How a video's frames should be combined (session 11): variance components of the shipped face model's
size-corrected logits over the held-out DEV videos, and the video verdicts under the app's rule (mean of the
frames' calibrated probabilities) against two video-level calibrations of the mean logit.

  /usr/bin/python3 training/video_aggregation_study.py --faces training/.cache/faces \
      --scores training/.cache/runs/face_d1/heldout_scores_onnx.json --manifest models/mg-face-sbi.json

--scores is what export_face.py writes next to the run (the shipped file's raw logits on every held-out face);
the held-out videos are the FF++ c40 and DFDC videos, 16 frames each, the largest face of each frame.
"""
import argparse
import collections
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics import auc, fit_platt, platt  # noqa: E402
from fit_size_correction import apply as size_corrected  # noqa: E402
from train_face import load_faces  # noqa: E402


def video_logits(faces_dir, scores_path, size_table):
    """{relpath: (label, group, array of size-corrected logits of face 0 of each sampled frame)}"""
    meta = {m['file']: m for m in load_faces(faces_dir)}
    d = json.load(open(scores_path))
    out = collections.defaultdict(list)
    info = {}
    for f, s in zip(d['files'], d['scores']):
        m = meta[f]
        if m['is_video'] and m['face'] == 0:
            out[m['relpath']].append(size_corrected(s, m['face_px'], size_table))
            info[m['relpath']] = (m['y'], m['group'])
    return {k: (info[k][0], info[k][1], np.array(v, float)) for k, v in sorted(out.items())}


def bands(p, t_a, t_m):
    return np.where(p < t_a, 'authentic', np.where(p >= t_m, 'manipulated', 'inconclusive'))


def tally(name, p, y, t_a, t_m):
    b = bands(p, t_a, t_m)
    c = collections.Counter(zip(b, y))
    print('%-44s manipulated %2d fake / %2d real | authentic %2d real / %2d fake | inconclusive %2d'
          % (name, c[('manipulated', 1)], c[('manipulated', 0)], c[('authentic', 0)], c[('authentic', 1)],
             c[('inconclusive', 0)] + c[('inconclusive', 1)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--faces', required=True)
    ap.add_argument('--scores', required=True)
    ap.add_argument('--manifest', required=True)
    a = ap.parse_args()
    man = json.load(open(a.manifest))
    sc = man['sizeCorrection']
    pa, pb = man['calibration']['params']['a'], man['calibration']['params']['b']
    t_a, t_m = man['thresholds']['authentic'], man['thresholds']['manipulated']
    vids = video_logits(a.faces, a.scores, (sc['px'], sc['logit']))
    keys = list(vids)
    y = np.array([vids[k][0] for k in keys])
    groups = np.array([vids[k][1] for k in keys])
    zs = [vids[k][2] for k in keys]
    n = int(np.median([len(z) for z in zs]))
    mean_z = np.array([z.mean() for z in zs])
    mean_p = np.array([platt(z, pa, pb).mean() for z in zs])
    print('%d held-out videos (%d fake, %d real), median %d frames' % (len(keys), y.sum(), (y == 0).sum(), n))
    print('video AUC: mean of calibrated probabilities %.3f, mean logit %.3f' % (auc(y, mean_p), auc(y, mean_z)))
    within = float(np.mean([z.var(ddof=1) for z in zs]))
    between = float(np.mean([mean_z[y == c].var(ddof=1) for c in (0, 1)])) - within / n
    print('logit variance within a video %.3f, between videos of one class %.3f (share within %.0f %%)'
          % (within, between, 100 * within / (within + between)))
    # Equal-variance Gaussian classes: the face-level Platt slope a = (mu1 - mu0) / (within + between); the mean of
    # n frames has variance between + within / n, so its slope is a * (within + between) / (between + within / n),
    # about the same decision point.
    slope = pa * (within + between) / (between + within / n)
    print('video-level slope from the variance components %.3f (face level %.3f, x%.2f)' % (slope, pa, slope / pa))
    tally('app rule: mean of calibrated probabilities', mean_p, y, t_a, t_m)
    tally('mean logit, variance-component slope', platt(mean_z, slope, pb * slope / pa), y, t_a, t_m)
    # Platt on video mean logits, leave one group (identity pair / DFDC video) out
    p_logo = np.zeros(len(keys))
    for g in sorted(set(groups)):
        fit = groups != g
        if len(set(y[fit])) < 2:
            p_logo[~fit] = 0.5
            continue
        va, vb = fit_platt(mean_z[fit], y[fit])
        p_logo[~fit] = platt(mean_z[~fit], va, vb)
    tally('mean logit, video Platt (leave group out)', p_logo, y, t_a, t_m)
    print('\nper video: label, mean logit, sd over frames, app probability')
    for k, yy, z, p in zip(keys, y, zs, mean_p):
        print('  %-62s %d %6.2f %5.2f %5.2f' % (k, yy, z.mean(), z.std(ddof=1), p))


if __name__ == '__main__':
    main()
