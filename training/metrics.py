"""Binary detection metrics and calibration (Platt scaling) shared by training and eval scripts."""
import numpy as np
import torch


def auc(y, s):
    y, s = np.asarray(y, float), np.asarray(s, float)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float('nan')
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind='mergesort')
    ranks = np.empty(len(allv)); ranks[order] = np.arange(1, len(allv) + 1)
    _, inv, cnt = np.unique(allv, return_inverse=True, return_counts=True)
    ranks = (np.bincount(inv, ranks) / cnt)[inv]
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def roc(y, s):
    y, s = np.asarray(y, float), np.asarray(s, float)
    thr = np.unique(s)[::-1]
    P, N = max(1, (y == 1).sum()), max(1, (y == 0).sum())
    tpr = np.array([((s >= t) & (y == 1)).sum() / P for t in thr])
    fpr = np.array([((s >= t) & (y == 0)).sum() / N for t in thr])
    return np.concatenate([[0], fpr]), np.concatenate([[0], tpr]), np.concatenate([[np.inf], thr])


def eer(y, s):
    if len(set(np.asarray(y).tolist())) < 2:
        return float('nan')
    fpr, tpr, _ = roc(y, s)
    fnr = 1 - tpr
    i = np.argmin(np.abs(fnr - fpr))
    return float((fpr[i] + fnr[i]) / 2)


def tpr_at_fpr(y, s, target=0.05):
    if len(set(np.asarray(y).tolist())) < 2:
        return float('nan')
    fpr, tpr, _ = roc(y, s)
    ok = fpr <= target
    return float(tpr[ok].max()) if ok.any() else 0.0


def fit_platt(logits, y, iters=500):
    """p = sigmoid(a*logit + b), fitted by maximum likelihood with Platt's smoothed targets."""
    x = torch.tensor(np.asarray(logits, float), dtype=torch.float64)
    yy = torch.tensor(np.asarray(y, float), dtype=torch.float64)
    n1, n0 = yy.sum(), (1 - yy).sum()
    t = torch.where(yy == 1, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))
    # balance the classes so the prior of the calibration split does not dominate
    w = torch.where(yy == 1, 0.5 / n1, 0.5 / n0)
    a = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, b], max_iter=iters, line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = (w * torch.nn.functional.binary_cross_entropy_with_logits(a * x + b, t, reduction='none')).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return float(a.detach()), float(b.detach())


def platt(logits, a, b):
    return 1 / (1 + np.exp(-(a * np.asarray(logits, float) + b)))


def band_rates(y, p, t_auth, t_manip):
    """Error rates at the two band thresholds. fpr = reals at/above the threshold, fnr = fakes below it."""
    y, p = np.asarray(y), np.asarray(p)
    r, f = p[y == 0], p[y == 1]
    out = {}
    for name, t in (('atAuthentic', t_auth), ('atManipulated', t_manip)):
        out[name] = dict(threshold=t, fpr=float((r >= t).mean()) if len(r) else None,
                         fnr=float((f < t).mean()) if len(f) else None)
    out['inconclusiveShare'] = float(((p >= t_auth) & (p < t_manip)).mean())
    return out


def real_exceedance(p_real, max_points=64):
    """Share of real faces whose calibrated probability is >= p, as an increasing-p table for the manifest's
    realExceedance (the app maps the most suspicious of k faces to the single-face probability with the same
    false-alarm rate). Points: p=0 (share 1), then real scores spaced by rank, denser in the upper tail where
    verdicts are decided, and just above the highest real score (share 0)."""
    r = np.sort(np.asarray(p_real, np.float64))
    n = len(r)
    if n == 0:
        return None
    ranks = set(np.linspace(0, n - 1, max_points // 2).round().astype(int).tolist())
    ranks |= set(range(max(0, n - max_points // 2), n))  # the top scores one by one
    pts = {0.0: 1.0}
    for j in sorted(ranks):
        p = round(float(r[j]), 6)
        if p <= 0:
            continue
        pts[p] = float(n - np.searchsorted(r, r[j], 'left')) / n
    top = round(min(1.0, float(r[-1]) + 1e-4), 6)
    if top > max(pts):
        pts[top] = 0.0
    ps = sorted(pts)
    share = [round(pts[p], 6) for p in ps]
    for i in range(1, len(share)):  # rounding must not break monotonicity
        share[i] = min(share[i], share[i - 1])
    return {'p': ps, 'share': share}


def loso(y, folds, fit_score):
    """Leave-one-source-out validation: for every fold that holds fakes, fit_score(train_mask, test_mask) trains on
    the other folds and returns scores for the held-out one. Prints each fold; returns (per-fold n_fake / n_real /
    AUC, out-of-fold scores with NaN for folds without fakes)."""
    y, folds = np.asarray(y), np.asarray(folds)
    oof = np.full(len(y), np.nan)
    res = {}
    for f in sorted({f for f, yy in zip(folds, y) if yy == 1}):
        te = folds == f
        s = np.asarray(fit_score(~te, te))
        oof[te] = s
        res[f] = dict(n_fake=int(y[te].sum()), n_real=int((1 - y[te]).sum()), auc=auc(y[te], s))
        print('LOSO fold %-26s %s' % (f, res[f]), flush=True)
    return res, oof
