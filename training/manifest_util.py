"""Writes models/<id>.json manifests (schema in training/README.md) with file hashes."""
import datetime
import json
import os

from common import sha256_file

DATA_MANIFEST_NOTE = 'sha256 of the MANIFEST.tsv of the DEV media set (../shared/datasets)'


def write_manifest(models_dir, man):
    path = os.path.join(models_dir, man['file'])
    man['sha256'] = sha256_file(path)
    man['sizeBytes'] = os.path.getsize(path)
    man.setdefault('provenance', {}).setdefault('date', datetime.date.today().isoformat())
    out = os.path.join(models_dir, man['id'] + '.json')
    with open(out, 'w') as f:
        json.dump(man, f, indent=2)
        f.write('\n')
    return out


def choose_thresholds(y, p, max_fpr=0.05, max_fnr_auth=0.10):
    """Band thresholds on calibrated probability: 'manipulated' is the lowest threshold >= 0.5 whose FPR on the
    calibration split is <= max_fpr; 'authentic' is the highest threshold <= 0.5 whose FNR is <= max_fnr_auth."""
    return choose_thresholds_each([(y, p)], max_fpr, max_fnr_auth)


def choose_thresholds_each(cells, max_fpr=0.05, max_fnr_auth=0.10):
    """choose_thresholds' targets held in every cell (a list of (y, p) pairs, e.g. one per source group and round-trip
    quality) rather than pooled: the pooled rates can hide a group the thresholds fail, when another group has most of
    the pictures. A cell without one of the classes fails that target, as choose_thresholds' single cell would."""
    import numpy as np
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    cells = [(np.asarray(y), np.asarray(p)) for y, p in cells]
    t_m = next((t for t in grid if t >= 0.5 and all((p[y == 0] >= t).mean() <= max_fpr for y, p in cells)), 0.95)
    t_a = next((t for t in grid[::-1] if t <= 0.5 and all((p[y == 1] < t).mean() <= max_fnr_auth for y, p in cells)), 0.05)
    return float(t_a), float(t_m)
