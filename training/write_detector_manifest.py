"""Measures mg-face-detector (eval_face_detector.py) and writes models/mg-face-detector.json.

Usage: python3 training/write_detector_manifest.py --data ../shared/datasets --refs ../shared/reference-models [--stats stats.json]"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, sha256_file  # noqa
from manifest_util import write_manifest  # noqa


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--refs', required=True)
    ap.add_argument('--models', default=os.path.join(ROOT, 'models'))
    ap.add_argument('--stats', default=None, help='reuse an eval_face_detector --json output')
    a = ap.parse_args()
    man = {
        'id': 'mg-face-detector', 'version': '1.0.0', 'file': 'mg-face-detector.onnx', 'task': 'face-detection',
        'input': {'name': 'image', 'shape': [1, 3, 384, 384], 'layout': 'NCHW', 'colorOrder': 'RGB', 'scale': 255,
                  'mean': [0.5, 0.5, 0.5], 'std': [0.5, 0.5, 0.5], 'resize': 'letterbox', 'letterboxAlign': 'center',
                  'padValue': 0, 'interpolation': 'area'},
        'outputs': {
            'boxes': {'name': 'boxes', 'shape': [1, 11520, 4], 'format': 'x1y1x2y2-normalized',
                      'note': 'normalised to the 384x384 letterboxed input; undo the letterbox to get frame coordinates'},
            'scores': {'name': 'scores', 'shape': [1, 11520], 'note': 'sigmoid face probability'},
            'landmarks': {'name': 'landmarks', 'shape': [1, 11520, 6, 2], 'format': 'xy-normalized',
                          'points': ['right_eye', 'left_eye', 'nose', 'mouth', 'right_ear', 'left_ear'],
                          'note': "subject's right (appears on the image's left)"},
            'scoreThreshold': 0.5, 'nmsIou': 0.3,
        },
        'license': 'Apache-2.0 (MediaPipe BlazeFace weights, converted unchanged)',
        'provenance': {'producedBy': 'training/convert_blazeface.py',
                       'command': 'python3 training/convert_blazeface.py --pkg training/node_modules/@mediapipe/face_detection --two-scale --size 384 --out models/mg-face-detector.onnx',
                       'seed': 0, 'dataManifestSha256': sha256_file(os.path.join(a.data, 'MANIFEST.tsv')),
                       'baseWeights': '@mediapipe/face_detection@0.4.1657300184 face_detection_full_range.tflite (Apache-2.0)',
                       'note': 'no training; the DEV set is used only to measure. Two scales in one graph: the net runs on the 384 input (96x96 anchor grid, small faces) and on its 2x2-average-pooled 192 version (the model\'s native scale, 48x48 grid); outputs are concatenated (2304 + 9216 candidates).'},
        'limits': {'minFacePx': 20},
    }
    if a.stats and os.path.exists(a.stats):
        st = json.load(open(a.stats))
    else:
        out = os.path.join(ROOT, 'training', '.cache', 'detector_stats.json')
        # Measure through a temporary manifest (absolute path to the ONNX file): models/ keeps its complete manifest
        # meanwhile, so an app or eval running at the same time never sees the detector without its sha256.
        tmp = os.path.join(ROOT, 'training', '.cache', 'mg-face-detector.eval.json')
        os.makedirs(os.path.dirname(tmp), exist_ok=True)
        json.dump(dict(man, file=os.path.abspath(os.path.join(a.models, man['file']))), open(tmp, 'w'))
        subprocess.run([sys.executable, os.path.join(ROOT, 'training', 'eval_face_detector.py'), '--data', a.data, '--refs', a.refs,
                        '--model', tmp, '--json', out], check=True)
        st = json.load(open(out))
    metrics = []
    app = 'mg-face-detector+zoom+tiles'
    tags = {'mg-face-detector+zoom+tiles': ' [still images: whole frame, zoom-out when empty, tiles; as the app runs it]',
            'mg-face-detector+zoom': ' [video frames and live monitor: whole frame, zoom-out when empty]',
            'mg-face-detector': ' [one whole-frame pass, for comparison]'}
    for name in (app, 'mg-face-detector+zoom', 'mg-face-detector', 'ultraface-RFB-320', 'ultraface-slim-320'):
        if name not in st['stats']:
            continue
        s = st['stats'][name]['ALL']
        tag = tags.get(name, ' [reference %s]' % name)
        metrics.append(dict(name='recall@IoU0.5 vs YuNet' + tag, value=round(s['recall'], 4),
                            data='all %d DEV still images, %d YuNet (yunet_n_dynamic, cls*obj>=0.5) faces' % (s['imgs'], s['gt'])))
        metrics.append(dict(name='precision@IoU0.5 vs YuNet' + tag, value=round(s['precision'], 4), data='same'))
    for src, s in sorted(st['stats'][app].items()):
        if src != 'ALL':
            metrics.append(dict(name='recall@IoU0.5 vs YuNet [still images, as the app runs it]', value=round(s['recall'], 4), data='%s (%d faces)' % (src, s['gt'])))
    for name, v in st['speed'].items():
        tag = {'mg-face-detector': ''}.get(name, ' [reference %s]' % name)
        metrics.append(dict(name='ms per 640x480 frame (session.run, 1 thread)' + tag,
                            value=round(v['model_ms'], 1), data='onnxruntime-node 1.30 CPU, shared 2-core machine, median of 30'))
    man['metrics'] = metrics
    print('wrote', write_manifest(a.models, man))


if __name__ == '__main__':
    main()
