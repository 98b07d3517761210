"""Trains mg-gen-residual (generated-image detector on native-resolution residual co-occurrences, see
gen_residual.py) with leave-one-source-out validation; export with export_gen.py --arch residual.

Usage: python3 training/train_gen_residual.py --data ../shared/datasets --out training/.cache/runs/gen_residual \
           --recon tconv --recon-weight 0.5 --recon-test shuffle,nearest,bilinear \
           --scale-views 4 --scale-weight 0.5 --scale-range 0.5,1.5 --perturb-test   (after gen_recon.py, see there)

Every image of both classes yields one clean view (the central crop the app uses) and --n-aug augmented
views: a random native-resolution crop, random horizontal flip, JPEG re-encoding (q 65-95, p 0.5) and a
mild downscale (p 0.15), so that neither a single JPEG quality nor a crop position separates the classes.
Reals from FF++/DFDC frames join the training reals (their fakes are face swaps, the face model's job).

--recon tconv --recon-weight 0.5 (shipped since 1.1.0) adds every real picture re-synthesised by gen_recon.py's
transposed-convolution autoencoder as a fake (each at half a real fake's weight; in each fold only the
re-syntheses of that fold's training reals), so that the model learns how a decoder's pixels differ from a camera's
on the same content. --recon-test scores the re-syntheses of each fold's held-out reals by other autoencoders
(decoders the model never saw, on pictures it never saw) against those reals.

--scale-views 4 --scale-weight 0.5 --scale-range 0.5,1.5 (shipped since 1.2.0) adds 4 resized views of every real and
generated training picture (rescale_view: shrunk or enlarged, then JPEG with p 0.5), so that a resize in either
direction does not separate the classes: 1.1.0 read enlarged real photos as generated. --perturb-test scores the
held-out pictures after the PERTURB edits, two of them (40 %, 200 %) outside that range.

--hevc-views 50,85 adds every training picture of both classes after a HEIC round trip at each quality (heif-enc, then
the app's own decoder: scripts/heic-views.ts, needs Node, the project's node_modules and heif-enc), so that HEVC
coding -- whose in-loop filters erase the residual the clean model reads (1.2.0: AUC 0.50 at HEIC q85) -- does not
pass a generated picture off as a photo. --hevc-test 50,70,85 scores each fold's held-out pictures after those round
trips (70: a quality not trained on); export_gen.py fits the HEVC calibration (manifest codings.hevc) on them."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CACHE, ROOT, read_manifest, load_image_rgb  # noqa
from gen_residual import GenResidualDetector, features_np, center_crop, CROP, N_FEAT  # noqa
from metrics import auc, loso  # noqa
from train_gen import fold_of  # noqa

FACE_SWAP_SOURCES = ('ffpp_c40_mudouble', 'dfdc_aaronchong888', 'mesonet')


def jpeg_roundtrip(img, q):
    """An RGB uint8 picture encoded as JPEG at quality q (OpenCV's encoder) and decoded again."""
    ok, enc = cv2.imencode('.jpg', cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(q)])
    return cv2.cvtColor(cv2.imdecode(enc, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


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
        img = jpeg_roundtrip(img, rng.integers(65, 96))
    return np.ascontiguousarray(img)


def rows_for(data):
    rows = [r for r in read_manifest(data) if not r['is_video'] and r['source'] != 'mesonet']
    return [r for r in rows if not (r['source'] in FACE_SWAP_SOURCES and r['y'] == 1)]


def view_features(img, n_aug, rng):
    """The training views of one picture: features of its central crop (what the app reads) and of n_aug augmented
    views (augment)."""
    return features_np(center_crop(img)), [features_np(augment(img, rng)) for _ in range(n_aug)]


def build_features(rows, n_aug, seed, cache_path):
    if os.path.exists(cache_path):
        z = np.load(cache_path)
        return z['clean'], z['aug']
    rng = np.random.default_rng(seed)
    clean, aug = [], []
    t0 = time.time()
    for i, r in enumerate(rows):
        c, v = view_features(load_image_rgb(r['path']), n_aug, rng)
        clean.append(c)
        aug.append(v)
        if i % 200 == 0:
            print('features', i, len(rows), '%.0fs' % (time.time() - t0), flush=True)
    clean, aug = np.array(clean, np.float32), np.array(aug, np.float32)
    np.savez(cache_path, clean=clean, aug=aug)
    return clean, aug


def fit(X, y, l2, seed, sw=None):
    """Class-balanced L2 logistic regression on log-histograms (LBFGS); returns a GenResidualDetector. sw: optional
    per-sample weights within a class (the classes are then balanced on their summed weights)."""
    torch.manual_seed(seed)
    m = GenResidualDetector()
    Z = torch.log(torch.from_numpy(X) + 1e-4)
    mu, sd = Z.mean(0), Z.std(0) + 1e-4
    m.mu.copy_(mu); m.sd.copy_(sd)
    Z = (Z - mu) / sd
    yt = torch.from_numpy(y)
    sw = torch.ones_like(yt) if sw is None else torch.from_numpy(np.asarray(sw, np.float32))
    pw = (sw * (yt == 0)).sum() / (sw * (yt == 1)).sum().clamp(min=1e-6)
    w = sw * torch.where(yt == 1, pw, torch.ones_like(yt))
    opt = torch.optim.LBFGS(m.lin.parameters(), max_iter=400, line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(m.lin(Z)[:, 0], yt, weight=w) + l2 * (m.lin.weight ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return m.eval()


PERTURB = {'jpeg75': 'the whole picture re-encoded as JPEG q75',
           'half': 'the whole picture downscaled to half its size (area)',
           'half_jpeg75': 'downscaled to half, then JPEG q75 (what a messaging app does)',
           'scale40': 'the whole picture downscaled to 40 % (area; below the shipped --scale-views range, 0.5-1.5)',
           'up150': 'the whole picture upscaled to 150 % (bicubic, as an editor enlarges a photo)',
           'up200': 'the whole picture upscaled to 200 % (bilinear; above the shipped --scale-views range, 0.5-1.5)',
           'sharpen': 'the whole picture sharpened (unsharp mask, Gaussian sigma 1.5, amount 1)'}


def perturb(img, kind):
    if kind == 'sharpen':
        f = img.astype(np.float32)
        return np.clip(np.round(2 * f - cv2.GaussianBlur(f, (0, 0), 1.5)), 0, 255).astype(np.uint8)
    if kind == 'up200':
        return cv2.resize(img, (img.shape[1] * 2, img.shape[0] * 2), interpolation=cv2.INTER_LINEAR)
    if kind == 'up150':
        return cv2.resize(img, (int(round(img.shape[1] * 1.5)), int(round(img.shape[0] * 1.5))), interpolation=cv2.INTER_CUBIC)
    if kind == 'scale40':
        return cv2.resize(img, (max(8, int(round(img.shape[1] * 0.4))), max(8, int(round(img.shape[0] * 0.4)))), interpolation=cv2.INTER_AREA)
    if kind.startswith('half'):
        img = cv2.resize(img, (max(8, img.shape[1] // 2), max(8, img.shape[0] // 2)), interpolation=cv2.INTER_AREA)
    if kind.endswith('jpeg75'):
        img = jpeg_roundtrip(img, 75)
    return img


def perturbed_features(rows, cache_path):
    """Central-crop features of every picture after each PERTURB edit (the robustness test): {kind: [N, F]}."""
    have = dict(np.load(cache_path)) if os.path.exists(cache_path) else {}
    todo = [k for k in PERTURB if k not in have]  # an edit added later is computed and stored alongside
    if todo:
        new = {k: [] for k in todo}
        t0 = time.time()
        for i, r in enumerate(rows):
            img = load_image_rgb(r['path'])
            for k in todo:
                new[k].append(features_np(center_crop(perturb(img, k))))
            if i % 200 == 0:
                print('perturbed features', i, len(rows), '%.0fs' % (time.time() - t0), flush=True)
        have.update({k: np.array(v, np.float32) for k, v in new.items()})
        np.savez(cache_path, **have)
    return {k: have[k] for k in PERTURB}


def rescale_view(img, rng, lo=0.5, hi=0.85):
    """A picture as it is often shared: resized by a factor from [lo, hi] (area when shrinking, bilinear or bicubic when
    enlarging), then its central crop, JPEG q70-95 with p 0.5."""
    s = rng.uniform(lo, hi)
    h, w = img.shape[:2]
    interp = cv2.INTER_AREA if s <= 1 else (cv2.INTER_LINEAR if rng.random() < 0.5 else cv2.INTER_CUBIC)
    img = cv2.resize(img, (max(8, int(round(w * s))), max(8, int(round(h * s)))), interpolation=interp)
    img = np.ascontiguousarray(center_crop(img))
    if rng.random() < 0.5:
        img = jpeg_roundtrip(img, rng.integers(70, 96))
    return img


def rescaled_features(rows, k, seed, cache_path, lo=0.5, hi=0.85):
    """--scale-views: features of k rescale_view()s of every picture [N, k, F] (its own rng: the other caches are unchanged)."""
    if os.path.exists(cache_path):
        return np.load(cache_path)['scaled']
    rng = np.random.default_rng(seed + 7919)
    out = []
    t0 = time.time()
    for i, r in enumerate(rows):
        img = load_image_rgb(r['path'])
        out.append([features_np(rescale_view(img, rng, lo, hi)) for _ in range(k)])
        if i % 200 == 0:
            print('rescaled features', i, len(rows), '%.0fs' % (time.time() - t0), flush=True)
    out = np.array(out, np.float32)
    np.savez(cache_path, scaled=out)
    return out


def hevc_features(rows, qualities, cache_dir, chunk=100, jobs=2):
    """Central-crop features of every picture after a HEIC round trip at each quality: {q: [N, F]}. The round trip is
    scripts/heic-views.ts (heif-enc, then the app's HEIF decoder); each quality is cached in its own file, and only the
    missing ones are computed (in chunks of pictures, whose PNGs are deleted once read)."""
    have = {q: np.load(os.path.join(cache_dir, 'gen_residual_hevc_q%d.npz' % q))['feat'] for q in qualities
            if os.path.exists(os.path.join(cache_dir, 'gen_residual_hevc_q%d.npz' % q))}
    todo = [q for q in qualities if q not in have]
    if not todo:
        return have
    work = os.path.join(cache_dir, 'hevc_work')
    feats = {q: [] for q in todo}
    t0 = time.time()
    for c0 in range(0, len(rows), chunk):
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        lines = []
        for i, r in enumerate(rows[c0:c0 + chunk]):
            src = os.path.join(work, 'src_%d.png' % i)
            cv2.imwrite(src, cv2.cvtColor(load_image_rgb(r['path']), cv2.COLOR_RGB2BGR))
            lines += ['%s\t%d\t%s' % (src, q, os.path.join(work, 'q%d_%d.png' % (q, i))) for q in todo]
        with open(os.path.join(work, 'list.tsv'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        res = subprocess.run(['node', '--import', 'tsx', os.path.join(ROOT, 'scripts', 'heic-views.ts'), os.path.join(work, 'list.tsv'),
                              '--jobs', str(jobs)], cwd=ROOT, capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError('HEIC round trips failed (scripts/heic-views.ts; needs npm ci and heif-enc): ' + (res.stderr or res.stdout).strip()[-2000:])
        for i in range(len(rows[c0:c0 + chunk])):
            for q in todo:
                img = cv2.imread(os.path.join(work, 'q%d_%d.png' % (q, i)), cv2.IMREAD_COLOR)
                feats[q].append(features_np(center_crop(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))))
        print('hevc features', min(len(rows), c0 + chunk), len(rows), '%.0fs' % (time.time() - t0), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    for q in todo:
        have[q] = np.array(feats[q], np.float32)
        np.savez(os.path.join(cache_dir, 'gen_residual_hevc_q%d.npz' % q), feat=have[q])
    return have


def load_recon(names, rows, seed, n_aug):
    """Features of the real pictures re-synthesised by gen_recon.py's autoencoders: (clean [M,F], aug [M,n_aug,F],
    index of the real row each comes from [M])."""
    if not names:
        return np.zeros((0, N_FEAT), np.float32), np.zeros((0, n_aug, N_FEAT), np.float32), np.zeros(0, np.int64)
    from gen_recon import RECON
    at = {r['relpath']: i for i, r in enumerate(rows)}
    cs, ags, src = [], [], []
    for n in names:
        z = np.load(os.path.join(RECON, 'feat_%s_s%d_a%d.npz' % (n, seed, n_aug)))
        cs.append(z['clean']); ags.append(z['aug']); src.append([at[p] for p in z['relpaths']])
    return np.concatenate(cs), np.concatenate(ags), np.concatenate(src).astype(np.int64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--n-aug', type=int, default=3)
    ap.add_argument('--l2', type=float, default=0.01)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--recon', default='', help='comma-separated gen_recon.py autoencoders whose re-synthesised reals join the fakes')
    ap.add_argument('--recon-weight', type=float, default=1.0, help='weight of each re-synthesised picture relative to a real fake')
    ap.add_argument('--recon-only', action='store_true', help='train on reals vs their re-syntheses only: no generator output is seen')
    ap.add_argument('--recon-test', default='', help='comma-separated gen_recon.py autoencoders: each fold model also scores the '
                    're-syntheses of its held-out reals (an unseen "generator" on unseen content, paired with the reals)')
    ap.add_argument('--perturb-test', action='store_true', help='each fold model also scores its held-out pictures after '
                    'the PERTURB edits (JPEG q75, half size, both); export_gen.py reports the bands on them')
    ap.add_argument('--scale-views', type=int, default=0, help='K downscaled views (rescale_view: 0.5-0.85, JPEG with p 0.5) '
                    'of every training picture of both classes join the training rows (not of the re-syntheses)')
    ap.add_argument('--scale-weight', type=float, default=1.0, help='weight of each --scale-views row')
    ap.add_argument('--scale-range', default='0.5,0.85', help='resize factors of --scale-views (above 1 enlarges)')
    ap.add_argument('--hevc-views', default='', help='comma-separated HEIC qualities: every training picture of both classes '
                    'after a HEIC round trip at each (scripts/heic-views.ts) joins the training rows')
    ap.add_argument('--hevc-weight', type=float, default=1.0, help='weight of each --hevc-views row')
    ap.add_argument('--hevc-test', default='', help='comma-separated HEIC qualities: each fold model also scores its held-out '
                    'pictures after a HEIC round trip at each; export_gen.py calibrates HEVC-coded stills on the --hevc-views ones')
    a = ap.parse_args()
    np.random.seed(a.seed)
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    rows = rows_for(a.data)
    clean, aug = build_features(rows, a.n_aug, a.seed, os.path.join(CACHE, 'gen_residual_s%d_a%d.npz' % (a.seed, a.n_aug)))
    y = np.array([float(r['y']) for r in rows], np.float32)
    folds = np.array([fold_of(r) for r in rows])
    rc, ra, rsrc = load_recon([n for n in a.recon.split(',') if n], rows, a.seed, a.n_aug)
    lo, hi = (float(v) for v in a.scale_range.split(','))
    tag = '' if (lo, hi) == (0.5, 0.85) else '_r%g-%g' % (lo, hi)
    hq_train = [int(q) for q in a.hevc_views.split(',') if q]
    hq_test = [int(q) for q in a.hevc_test.split(',') if q]
    hv = hevc_features(rows, sorted(set(hq_train + hq_test)), CACHE) if hq_train or hq_test else {}
    sv = rescaled_features(rows, a.scale_views, a.seed, os.path.join(CACHE, 'gen_residual_scaled_s%d_k%d%s.npz' % (a.seed, a.scale_views, tag)), lo, hi) if a.scale_views else None

    def fit_on(tr):
        """tr: mask over rows. Reals of tr, their re-syntheses, and (unless --recon-only) the fakes of tr."""
        keep = tr & (y == 0) if a.recon_only else tr
        rk = tr[rsrc]
        Xc = np.concatenate([clean[keep], rc[rk]])
        Xa = np.concatenate([aug[keep], ra[rk]])
        yy = np.concatenate([y[keep], np.ones(rk.sum(), np.float32)])
        sw = np.concatenate([np.ones(keep.sum(), np.float32), np.full(rk.sum(), a.recon_weight, np.float32)])
        X = np.concatenate([Xc] + [Xa[:, k] for k in range(a.n_aug)])
        Y, W = np.tile(yy, 1 + a.n_aug), np.tile(sw, 1 + a.n_aug)
        if sv is not None:
            X = np.concatenate([X] + [sv[keep, k] for k in range(a.scale_views)])
            Y = np.concatenate([Y, np.tile(y[keep], a.scale_views)])
            W = np.concatenate([W, np.full(keep.sum() * a.scale_views, a.scale_weight, np.float32)])
        for q in hq_train:
            X = np.concatenate([X, hv[q][keep]])
            Y = np.concatenate([Y, y[keep]])
            W = np.concatenate([W, np.full(keep.sum(), a.hevc_weight, np.float32)])
        return fit(X, Y, a.l2, a.seed, W)

    tests = {n: load_recon([n], rows, a.seed, a.n_aug) for n in a.recon_test.split(',') if n}
    tests_oof = {n: np.full(len(t[2]), np.nan) for n, t in tests.items()}  # each re-synthesis scored by its real's fold model
    pert = perturbed_features(rows, os.path.join(CACHE, 'gen_residual_perturbed.npz')) if a.perturb_test else {}
    pert_oof = {k: np.full(len(rows), np.nan) for k in pert}
    hevc_oof = {q: np.full(len(rows), np.nan) for q in hq_test}

    def fit_score(tr, te):
        m = fit_on(tr)
        with torch.no_grad():
            for n, (tc, _, tsrc) in tests.items():
                k = te[tsrc]
                tests_oof[n][k] = m.head(torch.from_numpy(tc[k]))[:, 0].numpy()
            for k, f in pert.items():
                pert_oof[k][te] = m.head(torch.from_numpy(f[te]))[:, 0].numpy()
            for q in hq_test:
                hevc_oof[q][te] = m.head(torch.from_numpy(hv[q][te]))[:, 0].numpy()
            return m.head(torch.from_numpy(clean[te]))[:, 0].numpy()
    res, oof = loso(y, folds, fit_score)
    big = [v['auc'] for v in res.values() if v['n_fake'] >= 5 and v['n_real'] >= 5]
    ok = ~np.isnan(oof)  # reals of folds without fakes (FF++/DFDC frames) get no out-of-fold score
    print('mean LOSO AUC over folds with >= 5 of each class: %.3f; out-of-fold AUC: %.3f (%d images)' % (np.mean(big), auc(y[ok], oof[ok]), ok.sum()), flush=True)
    for q in hq_test:
        print('held-out pictures after a HEIC q%d round trip: out-of-fold AUC %.3f' % (q, auc(y[ok], hevc_oof[q][ok])), flush=True)
    probe = {}
    for n, (_, _, tsrc) in tests.items():
        pr = np.stack([oof[tsrc], tests_oof[n]], 1)  # (real's out-of-fold score, its re-synthesis's) per held-out real
        pr = pr[~np.isnan(pr).any(1)]
        probe[n] = dict(n=len(pr), auc=auc(np.r_[np.zeros(len(pr)), np.ones(len(pr))], np.r_[pr[:, 0], pr[:, 1]]), above_own_real=float((pr[:, 1] > pr[:, 0]).mean()))
        print('re-synthesis by %s of %d held-out reals: AUC vs those reals %.3f; scored above its own real in %.0f %%' % (
            n, len(pr), probe[n]['auc'], 100 * probe[n]['above_own_real']), flush=True)
    m = fit_on(np.ones(len(rows), bool))
    torch.save(m.state_dict(), os.path.join(a.out, 'model.pt'))
    stored = lambda v: [None if np.isnan(x) else float(x) for x in v]  # noqa: E731 (JSON has no NaN: None where a picture has no score)
    json.dump(dict(loso=res, oof=stored(oof), relpaths=[r['relpath'] for r in rows],
                   y=y.tolist(), folds=folds.tolist(), args=vars(a), n_feat=N_FEAT, recon_probe=probe,
                   perturb={k: stored(v) for k, v in pert_oof.items()}, hevc={str(q): stored(v) for q, v in hevc_oof.items()}), open(os.path.join(a.out, 'loso.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
