"""Shared paths for the training tests (run with `npm run test:training`, see training/README.md)."""
import os
import sys

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TRAINING)
sys.path.insert(0, TRAINING)

# The pretrained weights the scripts convert or fine-tune, pinned by training/package-lock.json
# (`npm ci --prefix training --ignore-scripts`); MG_WEIGHTS_NODE_MODULES points elsewhere.
WEIGHTS_NM = os.environ.get('MG_WEIGHTS_NODE_MODULES') or os.path.join(TRAINING, 'node_modules')


def weights_path(*parts):
    p = os.path.join(WEIGHTS_NM, *parts)
    if not os.path.exists(p):
        raise FileNotFoundError('%s is missing: run `npm ci --prefix training --ignore-scripts` (or set MG_WEIGHTS_NODE_MODULES)' % p)
    return p
