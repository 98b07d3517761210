"""Held-out face-level AUCs of a face-model run's checkpoints (model_step<N>.pt from --keep-ckpts, then model.pt),
scored in PyTorch on the faces the run never trained on: one line per checkpoint, the card's columns. A learning
curve to read, not a way to pick a checkpoint: choosing on these numbers makes them optimistic.

Usage: python3 training/score_face_run.py --run training/.cache/runs/face_d1 --faces training/.cache/faces"""
import argparse
import glob
import json
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_face import load_faces, predict  # noqa
from metrics import auc  # noqa
from export_face import load_run, held_out, heldout_metrics  # noqa

COLUMNS = (('ffpp_c40_mudouble', 'FF++'), ('dfdc_aaronchong888', 'DFDC'), ('cnndetection', 'CNNDet'),
           ('all held-out face-swap', 'all'), ('fakefaces_basemax', 'GAN-vs-real'), ('sdfd_sd21', 'SD-vs-real'))


def row(metrics):
    out = []
    for key, _ in COLUMNS:
        v = [m['value'] for m in metrics if m['name'] == 'AUC' and key in m['data']]
        out.append('%.3f' % v[0] if v else '  -  ')
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True)
    ap.add_argument('--faces', required=True)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    args = json.load(open(os.path.join(a.run, 'train_log.json')))['args']
    meta = load_faces(a.faces)
    held = [m for m in meta if held_out(args)(m)]
    ckpts = sorted(glob.glob(os.path.join(a.run, 'model_step*.pt')), key=lambda p: int(re.findall(r'\d+', os.path.basename(p))[0]))
    ckpts.append(os.path.join(a.run, 'model.pt'))
    print('%-22s' % 'checkpoint' + ''.join('%12s' % name for _, name in COLUMNS))
    results = {}
    for p in ckpts:
        _, _, size, net = load_run(a.run, os.path.basename(p))
        s = predict(net, held, 'cpu', size=size)
        metrics = heldout_metrics(list(zip(held, s.tolist())))
        results[os.path.basename(p)] = metrics
        print('%-22s' % os.path.basename(p) + ''.join('%12s' % v for v in row(metrics)), flush=True)
    # the last checkpoint per manipulation: each generator's fakes against the reals of its own source
    for src in sorted({m['source'] for m in held}):
        reals = [v for m, v in zip(held, s) if m['source'] == src and m['y'] == 0]
        gens = sorted({m['generator'] for m in held if m['source'] == src and m['y'] == 1})
        gens = [g for g in gens if sum(1 for m in held if m['source'] == src and m['generator'] == g) >= 5]
        if len(gens) > 1 and reals:
            print('  %s: ' % src + ', '.join('%s %.3f (%d)' % (g, auc([1] * len(f) + [0] * len(reals), f + reals), len(f)) for g in gens
                                              for f in [[v for m, v in zip(held, s) if m['source'] == src and m['generator'] == g]]))
    json.dump(results, open(os.path.join(a.run, 'heldout_curve.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
