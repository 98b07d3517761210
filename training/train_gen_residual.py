"""Trains mg-gen-residual (generated-image detector on native-resolution residual co-occurrences, see
gen_residual.py) with leave-one-source-out validation; export with export_gen.py --arch residual.

Usage: python3 training/train_gen_residual.py --data ../shared/datasets --out training/.cache/runs/gen_residual

Every image of both classes yields one clean view (the central crop the app uses) and --n-aug augmented
views: a random native-resolution crop, random horizontal flip, JPEG re-encoding (q 65-95, p 0.5) and a
mild downscale (p 0.15), so that neither a single JPEG quality nor a crop position separates the classes.
Reals from FF++/DFDC frames join the training reals (their fakes are face swaps, the face model's job)."""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CACHE, read_manifest, load_image_rgb  # noqa
from gen_residual import GenResidualDetector, features_np, center_crop, CROP, N_FEAT  # noqa
from metrics import auc, loso  # noqa
from train_gen import fold_of  # noqa

FACE_SWAP_SOURCES = ('ffpp_c40_mudouble', 'dfdc_aaronchong888', 'mesonet')


def augment(img, rng):
    h, w = img.shape[:2]
    if rng.random() < 0.15 and min(h, w) > 96:
        s = rng.uniform(0.5, 0.9)
        img = cv2.resize(img, (max(8, int(w * s)), max(8, int(h * s))), interpolation=cv2.INTER_AREA)
        h, w = img.shape[:2]
    ch, cw = min(CROP, h), min(CROP, w)
    y0, x0 = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    img = img[y0:y0 + ch, x0:x0 + cw]
    if rng.random() < 0.5:
        img = img[:, ::-1]
    if rng.random() < 0.5:
        ok, enc = cv2.imencode('.jpg', cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(65, 96))])
        img = cv2.cvtColor(cv2.imdecode(enc, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(img)


def rows_for(data):
    rows = [r for r in read_manifest(data) if not r['is_video'] and r['source'] != 'mesonet']
    return [r for r in rows if not (r['source'] in FACE_SWAP_SOURCES and r['y'] == 1)]


def build_features(rows, n_aug, seed, cache_path):
    if os.path.exists(cache_path):
        z = np.load(cache_path)
        return z['clean'], z['aug']
    rng = np.random.default_rng(seed)
    clean, aug = [], []
    t0 = time.time()
    for i, r in enumerate(rows):
        img = load_image_rgb(r['path'])
        clean.append(features_np(center_crop(img)))
        aug.append([features_np(augment(img, rng)) for _ in range(n_aug)])
        if i % 200 == 0:
            print('features', i, len(rows), '%.0fs' % (time.time() - t0), flush=True)
    clean, aug = np.array(clean, np.float32), np.array(aug, np.float32)
    np.savez(cache_path, clean=clean, aug=aug)
    return clean, aug


def fit(X, y, l2, seed):
    """Class-balanced L2 logistic regression on log-histograms (LBFGS); returns a GenResidualDetector."""
    torch.manual_seed(seed)
    m = GenResidualDetector()
    Z = torch.log(torch.from_numpy(X) + 1e-4)
    mu, sd = Z.mean(0), Z.std(0) + 1e-4
    m.mu.copy_(mu); m.sd.copy_(sd)
    Z = (Z - mu) / sd
    yt = torch.from_numpy(y)
    pw = (yt == 0).sum() / (yt == 1).sum().clamp(min=1)
    w = torch.where(yt == 1, pw, torch.ones_like(yt))
    opt = torch.optim.LBFGS(m.lin.parameters(), max_iter=400, line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(m.lin(Z)[:, 0], yt, weight=w) + l2 * (m.lin.weight ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return m.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--n-aug', type=int, default=3)
    ap.add_argument('--l2', type=float, default=0.01)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    np.random.seed(a.seed)
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    rows = rows_for(a.data)
    clean, aug = build_features(rows, a.n_aug, a.seed, os.path.join(CACHE, 'gen_residual_s%d_a%d.npz' % (a.seed, a.n_aug)))
    y = np.array([float(r['y']) for r in rows], np.float32)
    folds = np.array([fold_of(r) for r in rows])

    def fit_score(tr, te):
        X = np.concatenate([clean[tr]] + [aug[tr, k] for k in range(a.n_aug)])
        m = fit(X, np.tile(y[tr], 1 + a.n_aug), a.l2, a.seed)
        with torch.no_grad():
            return m.head(torch.from_numpy(clean[te]))[:, 0].numpy()
    res, oof = loso(y, folds, fit_score)
    big = [v['auc'] for v in res.values() if v['n_fake'] >= 5 and v['n_real'] >= 5]
    ok = ~np.isnan(oof)  # reals of folds without fakes (FF++/DFDC frames) get no out-of-fold score
    print('mean LOSO AUC over folds with >= 5 of each class: %.3f; out-of-fold AUC: %.3f (%d images)' % (np.mean(big), auc(y[ok], oof[ok]), ok.sum()), flush=True)
    X = np.concatenate([clean] + [aug[:, k] for k in range(a.n_aug)])
    m = fit(X, np.tile(y, 1 + a.n_aug), a.l2, a.seed)
    torch.save(m.state_dict(), os.path.join(a.out, 'model.pt'))
    json.dump(dict(loso=res, oof=[None if np.isnan(v) else float(v) for v in oof], relpaths=[r['relpath'] for r in rows],
                   y=y.tolist(), folds=folds.tolist(), args=vars(a), n_feat=N_FEAT), open(os.path.join(a.out, 'loso.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
