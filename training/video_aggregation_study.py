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
    with open(scores_path) as fh:
        d = json.load(fh)
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


def verdicts(p, y, t_a, t_m):
    """Counts of (band, label) over the videos: {('manipulated', 1): n, ...}."""
    return collections.Counter(zip(bands(p, t_a, t_m), y))


def study(vids, pa, pb, t_a, t_m):
    """Variance components of the videos' logits and their verdicts under three rules (see the module doc)."""
    keys = list(vids)
    y = np.array([vids[k][0] for k in keys])
    groups = np.array([vids[k][1] for k in keys])
    zs = [vids[k][2] for k in keys]
    n = int(np.median([len(z) for z in zs]))
    mean_z = np.array([z.mean() for z in zs])
    mean_p = np.array([platt(z, pa, pb).mean() for z in zs])
    within = float(np.mean([z.var(ddof=1) for z in zs]))
    between = float(np.mean([mean_z[y == c].var(ddof=1) for c in (0, 1)])) - within / n
    # Equal-variance Gaussian classes: the face-level Platt slope a = (mu1 - mu0) / (within + between); the mean of
    # n frames has variance between + within / n, so its slope is a * (within + between) / (between + within / n),
    # about the same decision point.
    slope = pa * (within + between) / (between + within / n)
    p_logo = np.zeros(len(keys))  # Platt on the videos' mean logits, leaving one group (identity pair / video) out
    for g in sorted(set(groups)):
        fit = groups != g
        if len(set(y[fit])) < 2:
            p_logo[~fit] = 0.5
            continue
        va, vb = fit_platt(mean_z[fit], y[fit])
        p_logo[~fit] = platt(mean_z[~fit], va, vb)
    return dict(keys=keys, y=y, frames=n, mean_z=mean_z, mean_p=mean_p, sd_z=np.array([z.std(ddof=1) for z in zs]),
                auc_mean_p=auc(y, mean_p), auc_mean_z=auc(y, mean_z), within=within, between=between, slope=slope,
                rules=[('app rule: mean of calibrated probabilities', verdicts(mean_p, y, t_a, t_m)),
                       ('mean logit, variance-component slope', verdicts(platt(mean_z, slope, pb * slope / pa), y, t_a, t_m)),
                       ('mean logit, video Platt (leave group out)', verdicts(p_logo, y, t_a, t_m))])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--faces', required=True)
    ap.add_argument('--scores', required=True)
    ap.add_argument('--manifest', required=True)
    a = ap.parse_args()
    with open(a.manifest) as fh:
        man = json.load(fh)
    sc = man['sizeCorrection']
    pa, pb = man['calibration']['params']['a'], man['calibration']['params']['b']
    t_a, t_m = man['thresholds']['authentic'], man['thresholds']['manipulated']
    r = study(video_logits(a.faces, a.scores, (sc['px'], sc['logit'])), pa, pb, t_a, t_m)
    y = r['y']
    print('%d held-out videos (%d fake, %d real), median %d frames' % (len(y), y.sum(), (y == 0).sum(), r['frames']))
    print('video AUC: mean of calibrated probabilities %.3f, mean logit %.3f' % (r['auc_mean_p'], r['auc_mean_z']))
    print('logit variance within a video %.3f, between videos of one class %.3f (share within %.0f %%)'
          % (r['within'], r['between'], 100 * r['within'] / (r['within'] + r['between'])))
    print('video-level slope from the variance components %.3f (face level %.3f, x%.2f)' % (r['slope'], pa, r['slope'] / pa))
    for name, c in r['rules']:
        print('%-44s manipulated %2d fake / %2d real | authentic %2d real / %2d fake | inconclusive %2d'
              % (name, c[('manipulated', 1)], c[('manipulated', 0)], c[('authentic', 0)], c[('authentic', 1)],
                 c[('inconclusive', 0)] + c[('inconclusive', 1)]))
    print('\nper video: label, mean logit, sd over frames, app probability')
    for k, yy, z, sd, p in zip(r['keys'], y, r['mean_z'], r['sd_z'], r['mean_p']):
        print('  %-62s %d %6.2f %5.2f %5.2f' % (k, yy, z, sd, p))


if __name__ == '__main__':
    main()
