"""Trains mg-gen-spectrum (generated-image detector) with leave-one-source-out validation and exports ONNX.

Usage: python3 training/train_gen.py --data ../shared/datasets --out training/.cache/runs/gen
Every image (both classes) goes through the same pipeline: random-resized crop (60-100 % area), random
JPEG (q 60-100, p 0.5), random pre-scale, then the inference resize (stretch to 256x256, bilinear), so
that neither native size nor JPEG quality separates the classes."""
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
from common import CACHE, read_manifest, load_image_rgb, generator_group, sha256_file  # noqa
from gen_model import GenDetector, SpectralFeatures, SIZE  # noqa
from metrics import loso  # noqa

EXCLUDE = ('ffpp_c40_mudouble', 'dfdc_aaronchong888', 'mesonet')  # face swaps in real frames: the face model's job
# held-out real sources paired with fake sources that have no real counterpart
PAIRED_REALS = {'fakefaces_basemax': ('celebahq_starganv2', 'celeba_avalentin'),
                'sdfd_sd21': ('deepface_tests', 'ultraface_imgs')}


def fold_of(r):
    if r['source'] == 'cnndetection':
        base = os.path.basename(r['relpath'])
        return 'cnndetection/' + base.split('_')[1] if base[0].isdigit() else 'cnndetection/examples'
    for f, reals in PAIRED_REALS.items():
        if r['source'] in reals:
            return f
    return r['source']


def infer_resize(img):
    return cv2.resize(img, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)


def augment(img, rng):
    h, w = img.shape[:2]
    area = rng.uniform(0.6, 1.0)
    ar = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    cw, ch = min(w, int(round(np.sqrt(area * w * h * ar)))), min(h, int(round(np.sqrt(area * w * h / ar))))
    x0, y0 = rng.integers(0, w - cw + 1), rng.integers(0, h - ch + 1)
    img = img[y0:y0 + ch, x0:x0 + cw]
    if rng.random() < 0.3:
        s = rng.uniform(0.5, 1.5)
        img = cv2.resize(img, (max(16, int(cw * s)), max(16, int(ch * s))), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    if rng.random() < 0.5:
        ok, enc = cv2.imencode('.jpg', cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 101))])
        img = cv2.cvtColor(cv2.imdecode(enc, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    if rng.random() < 0.5:
        img = img[:, ::-1]
    return infer_resize(np.ascontiguousarray(img))


def build_features(rows, n_aug, seed, cache_path):
    if os.path.exists(cache_path):
        return torch.load(cache_path)
    feat = SpectralFeatures()
    rng = np.random.default_rng(seed)
    clean, augs = [], []
    t0 = time.time()
    with torch.no_grad():
        for i, r in enumerate(rows):
            img = load_image_rgb(r['path'])
            views = [infer_resize(img)] + [augment(img, rng) for _ in range(n_aug)]
            x = torch.from_numpy(np.stack(views)).permute(0, 3, 1, 2).float()
            f = feat(x, use_fft=True)
            clean.append(f[0]); augs.append(f[1:])
            if i % 200 == 0:
                print('features', i, len(rows), '%.0fs' % (time.time() - t0), flush=True)
    d = dict(clean=torch.stack(clean), aug=torch.stack(augs))
    torch.save(d, cache_path)
    return d


def fit(model, X, y, seed, epochs=300):
    torch.manual_seed(seed)
    model.mu.copy_(X.mean(0)); model.sd.copy_(X.std(0) + 1e-4)
    opt = torch.optim.AdamW(model.mlp.parameters(), lr=3e-3, weight_decay=1e-2)
    pos_w = (y == 0).sum() / max(1, (y == 1).sum())
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(X))
        for i in range(0, len(X), 256):
            idx = perm[i:i + 256]
            logit = model.head(X[idx])[:, 0]
            w = torch.where(y[idx] == 1, pos_w, torch.ones_like(y[idx]))  # balance classes
            loss = F.binary_cross_entropy_with_logits(logit, y[idx], weight=w)
            opt.zero_grad(); loss.backward(); opt.step()
    model.eval()
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--n-aug', type=int, default=6)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=30)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    rows = [r for r in read_manifest(a.data) if not r['is_video'] and r['source'] not in EXCLUDE]
    d = build_features(rows, a.n_aug, a.seed, os.path.join(CACHE, 'gen_features_s%d_a%d.pt' % (a.seed, a.n_aug)))
    y = torch.tensor([float(r['y']) for r in rows])
    folds = np.array([fold_of(r) for r in rows])

    def fit_score(tr, te):
        tr, te = torch.from_numpy(tr), torch.from_numpy(te)
        m = fit(GenDetector(), d['aug'][tr].reshape(-1, d['aug'].shape[-1]), y[tr].repeat_interleave(d['aug'].shape[1]), a.seed, a.epochs)
        with torch.no_grad():
            return m.head(d['clean'][te])[:, 0].numpy()
    res, oof = loso(y.numpy(), folds, fit_score)
    m = fit(GenDetector(), d['aug'].reshape(-1, d['aug'].shape[-1]), y.repeat_interleave(d['aug'].shape[1]), a.seed, a.epochs)
    torch.save(m.state_dict(), os.path.join(a.out, 'model.pt'))
    json.dump(dict(loso=res, oof=[None if np.isnan(v) else float(v) for v in oof], relpaths=[r['relpath'] for r in rows],
                   y=y.tolist(), folds=folds.tolist(), args=vars(a)), open(os.path.join(a.out, 'loso.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
