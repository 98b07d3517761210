"""Held-out face-level AUCs of face-model runs alone and averaged, in PyTorch, on the faces every given run never
trained on (the card's columns). Each run's logits are standardised over those faces (mean 0, sd 1) before they are
summed, so a run with a steeper logit does not dominate; that uses the held-out faces' score spread but no label.
A way to see whether two backbones' errors differ, not a model: choosing a combination on these numbers makes them
optimistic, so read the gain on runs that were not picked (seeds 2 and 3).

Usage: python3 training/score_face_ensemble.py --faces training/.cache/faces --runs training/.cache/runs/face_v5 \
          training/.cache/runs/face_d1 training/.cache/runs/face_d1s2 --combine 0,1 0,2"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_face import load_faces, predict  # noqa
from export_face import load_run, held_out, heldout_metrics  # noqa
from score_face_run import row, COLUMNS  # noqa


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--faces', required=True)
    ap.add_argument('--runs', nargs='+', required=True)
    ap.add_argument('--combine', nargs='*', default=[], help='comma-separated indices into --runs to sum, e.g. 0,1')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    meta = load_faces(a.faces)
    loaded = [load_run(r) for r in a.runs]
    held = [m for m in meta if all(held_out(args)(m) for args, _, _, _ in loaded)]
    z = []
    print('%d faces held out from every run' % len(held))
    print('%-40s' % 'run' + ''.join('%12s' % name for _, name in COLUMNS))
    for run, (_, _, size, net) in zip(a.runs, loaded):
        s = predict(net, held, 'cpu', size=size)
        z.append((s - s.mean()) / s.std())
        print('%-40s' % os.path.basename(run) + ''.join('%12s' % v for v in row(heldout_metrics(list(zip(held, s.tolist()))))), flush=True)
    for combo in a.combine:
        idx = [int(i) for i in combo.split(',')]
        s = np.sum([z[i] for i in idx], axis=0)
        name = ' + '.join(os.path.basename(a.runs[i]) for i in idx)
        print('%-40s' % name[:40] + ''.join('%12s' % v for v in row(heldout_metrics(list(zip(held, s.tolist()))))), flush=True)


if __name__ == '__main__':
    main()
