"""Median onnxruntime-node latency (1 intra-op thread) of each models/*.json model on a zero input of its shape.
Usage: python3 training/bench_models.py [--models models] [--runs 30]"""
import argparse
import glob
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT  # noqa
from ort_bridge import OrtBridge  # noqa


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--models', default=os.path.join(ROOT, 'models'))
    ap.add_argument('--runs', type=int, default=30)
    a = ap.parse_args()
    br = OrtBridge()
    for p in sorted(glob.glob(os.path.join(a.models, '*.json'))):
        m = json.load(open(p))
        br.load(m['id'], os.path.join(a.models, m['file']))
        x = np.random.default_rng(0).uniform(0, 1, m['input']['shape']).astype(np.float32)
        ts = [br.run(m['id'], {m['input']['name']: x})[1] for _ in range(a.runs + 3)][3:]
        print('%-18s %-12s input %-18s %7.1f MB  median %6.1f ms  min %6.1f ms' % (
            m['id'], m['task'], m['input']['shape'], os.path.getsize(os.path.join(a.models, m['file'])) / 1e6,
            float(np.median(ts)), float(np.min(ts))))
    br.close()


if __name__ == '__main__':
    main()
