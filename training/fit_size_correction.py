"""Fits the face model's size correction: a raw-logit offset by face size, from real faces shown at several sizes.

The face model's scores rise as a face gets smaller: with fewer pixels over the face, a real face looks more like a
blend (training/face_size_study.py measures it). The engine adds `sizeCorrection` (manifest) to the raw logit of a face
whose box short side is `px` before calibrating it, so that a real face gets the same score at any size the model
judges. The offset at a size is the median raw logit of the real faces at their original size minus their median at
that size (paired: the same pictures, shrunk), so it is fitted on real faces only.

  /usr/bin/python3 training/face_size_study.py --data ../shared/datasets --out /tmp/facesize_fit \\
      --sources celeba_avalentin,celebahq_starganv2,deepface_tests --sizes 32,40,48,56,64,80,96,128 --keep-original
  node bin/mediaguard.cjs analyze --json /tmp/facesize_fit/*/ > /tmp/fit.jsonl   (models dir: minFacePx lowered)
  /usr/bin/python3 training/fit_size_correction.py --runs /tmp/fit.jsonl [--check /tmp/heldout.jsonl] [--write models/mg-face-sbi.json]

--check applies the fitted offsets to another run of the study (e.g. the held-out face-swap sources) and prints, per
size, the AUC and the error rates at the manifest's thresholds before and after. --write stores the table in a
manifest, or a new JSON file (export_face.py --size-correction <file> ships it and fits the calibration with it).
"""
import argparse
import collections
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics import auc, band_rates, platt  # noqa

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_runs(path, inverse=None):
    """{size folder: {'real'|'fake': [(raw logit, box short side, original picture)]}} from a CLI --json run of the study.
    One face per picture: the largest judged one (the face the study sized). Runs whose JSON predates the observations'
    `rawLogit` field get it back from the probability through `inverse` (the Platt calibration, inverted; valid only
    for a run made without a size correction)."""
    out = collections.defaultdict(lambda: collections.defaultdict(list))
    for line in open(path):
        r = json.loads(line)
        if 'error' in r:
            continue
        parts = r['file'].split('/')
        folder, label, name = parts[-3], parts[-2], parts[-1]
        obs = [o for t in r['faces'] for o in t['observations']
               if o.get('rawLogit') is not None or (inverse and 'rawLogit' not in o and o.get('probability') is not None)]
        if not obs:
            continue
        o = max(obs, key=lambda o: o['box']['w'] * o['box']['h'])
        z = o['rawLogit'] if 'rawLogit' in o else inverse(o['probability'])
        out[folder][label].append((z, min(o['box']['w'], o['box']['h']), name))
    return out


def offsets(runs):
    """(px, offset) points: the median box side and the paired median logit difference of each shrunk folder."""
    ref = {name: z for z, _, name in runs['original']['real']}
    pts = []
    for folder in sorted(k for k in runs if k.startswith('size')):
        rows = [(z, px, name) for z, px, name in runs[folder]['real'] if name in ref]
        if len(rows) < 20:
            continue
        diff = np.median([ref[name] - z for z, _, name in rows])
        pts.append((float(np.median([px for _, px, _ in rows])), float(diff), len(rows)))
    pts.sort()
    return pts


def table(pts, top_px):
    """Monotone table (offsets only grow more negative as faces shrink), 0 from top_px up."""
    pts = [p for p in pts if p[0] < top_px]
    px, off = [p for p, _, _ in pts], [o for _, o, _ in pts]
    for i in range(len(off) - 2, -1, -1):  # smaller face: at least as large a correction as the next size up
        off[i] = min(off[i], off[i + 1])
    off = [min(0.0, o) for o in off]
    return [round(p, 1) for p in px] + [float(top_px)], [round(o, 4) for o in off] + [0.0]


def apply(z, px, tab):
    """Same as sizeOffset in src-main/core/analysis/calibration.ts: linear in log(px), flat beyond the ends, no
    correction for an unknown or unusable size (tests/fixtures/cross-language/cases.json holds both sides' cases)."""
    xs, ys = tab
    if px is None or not math.isfinite(px) or px <= 0 or not xs:
        return z
    if px <= xs[0]:
        return z + ys[0]
    if px >= xs[-1]:
        return z + ys[-1]
    for i in range(1, len(xs)):
        if px <= xs[i]:
            t = (math.log(px) - math.log(xs[i - 1])) / (math.log(xs[i]) - math.log(xs[i - 1]))
            return z + ys[i - 1] + t * (ys[i] - ys[i - 1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--runs', help='CLI --json output over a face-size study of real faces (to fit the table)')
    ap.add_argument('--table-from', help='use this manifest\'s sizeCorrection instead of fitting one (with --check)')
    ap.add_argument('--manifest', default=os.path.join(ROOT, 'models', 'mg-face-sbi.json'), help='calibration and thresholds')
    ap.add_argument('--runs-manifest', help='manifest whose calibration produced the runs\' probabilities, for runs without '
                    'rawLogit (default: --manifest)')
    ap.add_argument('--top-px', type=float, default=160, help='faces this large or larger get no correction (the model input side)')
    ap.add_argument('--check', help='CLI --json output over a face-size study with both labels (held-out sources)')
    ap.add_argument('--write', help='manifest to store the table in')
    a = ap.parse_args()
    m = json.load(open(a.manifest))
    ca, cb = m['calibration']['params']['a'], m['calibration']['params']['b']
    thr = m['thresholds']
    if a.write and (a.table_from or not a.runs):
        ap.error('--write stores a fitted table: give --runs, not --table-from')
    ra, rb = (json.load(open(a.runs_manifest))['calibration']['params'][k] for k in 'ab') if a.runs_manifest else (ca, cb)
    inverse = lambda p: (math.log(max(p, 1e-7) / max(1 - p, 1e-7)) - rb) / ra  # noqa: E731
    if a.table_from:
        sc = json.load(open(a.table_from))['sizeCorrection']
        tab = (sc['px'], sc['logit'])
    elif a.runs:
        fit_runs = read_runs(a.runs, inverse)
        pts = offsets(fit_runs)
        print('size points (median box px, paired median raw-logit offset, n):')
        for p, o, n in pts:
            print('  %6.1f  %+.3f  %d' % (p, o, n))
        tab = table(pts, a.top_px)
    else:
        ap.error('give --runs (fit a table) or --table-from (check a shipped one)')
    print('table px %s\n      logit %s' % (tab[0], tab[1]))
    if a.check:
        runs = read_runs(a.check, inverse)
        print('\nheld-out check (thresholds %.2f / %.2f):' % (thr['authentic'], thr['manipulated']))
        print('folder      n fake/real  AUC    | before: real median, FPR@manip, real authentic share, TPR@manip, fake authentic share | after: the same')
        for folder in sorted(runs):
            f, r = runs[folder]['fake'], runs[folder]['real']
            if not f or not r:
                continue
            y = [1] * len(f) + [0] * len(r)
            line = '%-10s %4d/%-4d %.3f ' % (folder, len(f), len(r), auc(y, [z for z, _, _ in f + r]))
            for fn in (lambda z, px: z, lambda z, px: apply(z, px, tab)):
                p = platt([fn(z, px) for z, px, _ in f + r], ca, cb)
                br = band_rates(y, p, thr['authentic'], thr['manipulated'])
                m_, a_ = br['atManipulated'], br['atAuthentic']
                line += '| %.3f %.3f %.3f %.3f %.3f ' % (np.median(p[len(f):]), m_['fpr'], 1 - a_['fpr'], 1 - m_['fnr'], a_['fnr'])
            print(line)
    if a.write:
        m = json.load(open(a.write)) if os.path.exists(a.write) else {}
        originals = fit_runs['original']['real']
        sources = sorted({name.split('__')[0] for _, _, name in originals})  # the study names copies <source>__<path>
        m['sizeCorrection'] = {'px': tab[0], 'logit': tab[1], 'measuredOn': (
            'training/fit_size_correction.py: %d real faces (%s) shrunk by training/face_size_study.py; paired median '
            'raw-logit change against the original size' % (len(originals), ', '.join(sources)))}
        with open(a.write, 'w') as fh:
            json.dump(m, fh, indent=2)
            fh.write('\n')
        print('wrote sizeCorrection into', a.write)


if __name__ == '__main__':
    main()
