"""Exports a trained mg-face-sbi run to ONNX, quantises its backbone to int8 (training/quantize.py; --no-quantize
keeps float), fits Platt calibration on its held-out faces scored by the shipped file, writes the manifest.

Usage: python3 training/export_face.py --run training/.cache/runs/face_v1 --faces training/.cache/faces \
          --data ../shared/datasets --models models"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import sha256_file  # noqa
from face_model import build_net, ExportWrapper, FaceEnsemble, MEAN_RGB, INPUT_SIZE  # noqa
from manifest_util import write_manifest, choose_thresholds  # noqa
from metrics import auc, eer, tpr_at_fpr, fit_platt, platt, band_rates, real_exceedance  # noqa
from train_face import load_faces, predict, GEN_SOURCES  # noqa
from quantize import quantise, compare  # noqa
from fit_size_correction import apply as size_corrected  # noqa

# int8 where it pays and costs no accuracy: the backbone's convolutions and residual adds. The 7x7 stem on raw
# pixels and the small heads (heatmap convs, the logit's adds, whose range a calibration set cannot bound) stay
# float; with them quantised too the held-out logits moved by up to 2.4 (corr 0.98) instead of 0.8 (corr 0.999).
QUANT = dict(pct=99.999)  # the scopes: each face-recognition ResNet member's backbone, less its stem (main())
QUANT_CALIB_N = 160

FACE_SWAP_SOURCES = ('ffpp_c40_mudouble', 'dfdc_aaronchong888', 'mesonet', 'cnndetection')
# The engine judges faces from this size up (manifest limits.minFacePx): the smallest face the training crops were
# cut from (prep_faces.py --min-face 40); below it the size study (training/face_size_study.py) loses AUC and, even
# with the size correction, calls many more small fakes authentic (the card's face-size table).
MIN_FACE_PX = 40
BASE_WEIGHTS = {
    'resnet': ('face-api face-recognition model', '@vladmandic/face-api@1.7.15 model/face_recognition_model.bin (MIT)'),
    'dense': ('face-api 68-point face-landmark model', '@vladmandic/face-api@1.7.15 model/face_landmark_68_model.bin (MIT)'),
    'mobilenet': ('human face-description MobileNet v1', '@vladmandic/human@3.3.6 models/faceres.bin (MIT)'),
}


def train_command(args):
    """The train_face.py command line that reproduces a run (paths relative to the repo; weights from training/node_modules)."""
    parts = ['python3 training/train_face.py']
    for k, v in args.items():
        if v in ('', None, False) or (k == 'max_minutes' and v >= 1e9):
            continue
        if k == 'faceapi':
            v = 'training/node_modules/@vladmandic/face-api/model'
        if k == 'human':
            v = 'node_modules/@vladmandic/human/models'
        if k == 'init':
            v = 'training/.cache/runs/%s/model.pt' % os.path.basename(os.path.dirname(v))
        parts.append('--%s' % k.replace('_', '-') if v is True else '--%s %s' % (k.replace('_', '-'), v))
    return ' '.join(parts)


def crop_input(path, size=INPUT_SIZE):
    """A stored crop as the model's input: the centre 1.3x crop (area resize), (x - MEAN_RGB)/255, CHW float32."""
    import cv2
    from train_face import model_crop
    img = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)
    return ((model_crop(img, size=size)[1].astype(np.float32) - np.array(MEAN_RGB, np.float32)) / 255.0).transpose(2, 0, 1)


def score_onnx(onnx_path, metas, size=INPUT_SIZE):
    """Scores stored crops with the exported ONNX through onnxruntime-node."""
    from ort_bridge import OrtBridge
    br = OrtBridge()
    br.load('f', onnx_path)
    out = []
    for m in metas:
        o, _ = br.run('f', {'face': crop_input(m['path'], size)[None]})
        out.append(float(o['logit'][0, 0]))
    br.close()
    return np.array(out)


def quant_calibration(pool, n=QUANT_CALIB_N, seed=0, size=INPUT_SIZE):
    """Activation-range inputs for int8: centre crops of n of the given faces (the run's training reals; no label)."""
    rng = np.random.default_rng(seed)
    sel = [pool[i] for i in rng.permutation(len(pool))[:n]]
    return np.stack([crop_input(m['path'], size) for m in sel]).astype(np.float32), len(sel)


def run_config(args):
    """(backbone, input size) of a run from its train_log args (runs before the dense backbone: resnet, 150)."""
    return args.get('backbone') or 'resnet', args.get('input_size') or INPUT_SIZE


def load_run(run, weights='model.pt'):
    """A run's (train args, backbone, input size, net in eval mode) with the weights file of its folder."""
    args = json.load(open(os.path.join(run, 'train_log.json')))['args']
    backbone, size = run_config(args)
    net = build_net(backbone, args.get('hm_cls', False))
    missing = net.load_state_dict(torch.load(os.path.join(run, weights), map_location='cpu'), strict=False)
    assert set(missing.missing_keys) <= {'hm_w'} and not missing.unexpected_keys, missing
    return args, backbone, size, net.eval()


def held_out(args):
    """Predicate: a face the run never trained on (its excluded sources and groups, and the generated faces)."""
    ex_src = set(filter(None, args['exclude_sources'].split(','))) | (set(GEN_SOURCES) - set(filter(None, args.get('sbi_extra_sources', '').split(','))))
    ex_grp = set(filter(None, args['exclude_groups'].split(',')))
    return lambda m: m['source'] in ex_src or m['group'] in ex_grp


def calibration_split(items):
    """Held-out face-swap sources (never used in training), real and fake faces: (meta, score) pairs."""
    return [(m, s) for m, s in items if m['source'] in FACE_SWAP_SOURCES and
            (m['source'] != 'cnndetection' or m['generator'] in ('cnndetection/deepfake', 'cnndetection/real'))]


def grouped_band_rates(cal):
    """Honest error rates at the band thresholds: leave one group out (an FF++ identity pair, a DFDC video, a
    source), refit Platt and the thresholds on the rest of the calibration split, band the left-out faces with
    them; the rates are pooled over all folds. (The manifest's own errorRates use thresholds chosen on the same
    faces, which is optimistic.)"""
    groups = sorted({m['group'] for m, _ in cal})
    y_all, p_all = [], []
    for g in groups:
        fit = [(m, v) for m, v in cal if m['group'] != g]
        test = [(m, v) for m, v in cal if m['group'] == g]
        yf = np.array([m['y'] for m, _ in fit]); sf = np.array([v for _, v in fit])
        a, b = fit_platt(sf, yf)
        t_a, t_m = choose_thresholds(yf, platt(sf, a, b))
        for m, v in test:
            pv = float(platt(np.array([v]), a, b)[0])
            y_all.append(m['y'])
            # encode the fold's thresholds by banding here: 0 authentic, 0.5 inconclusive, 1 manipulated
            p_all.append(0.0 if pv < t_a else (1.0 if pv >= t_m else 0.5))
    rates = band_rates(y_all, p_all, 0.25, 0.75)
    return rates, len(groups)


def heldout_metrics(items):
    """The card's metric rows for (meta, score) pairs of held-out faces: AUC per source, all face-swap sources
    together (AUC, EER, TPR@5%FPR), and the generated faces against the held-out reals."""
    cal = calibration_split(items)
    metrics = []
    for src in sorted({m['source'] for m, _ in items}):
        sub = [(m, v) for m, v in items if m['source'] == src]
        yy = [m['y'] for m, _ in sub]; ss = [v for _, v in sub]
        if len(set(yy)) == 2:
            metrics.append(dict(name='AUC', value=round(auc(yy, ss), 4), data='held-out source %s, face level (%d faces; source never used in training)' % (src, len(sub))))
    yy = [m['y'] for m, _ in cal]; ss = [v for _, v in cal]
    metrics += [dict(name='AUC', value=round(auc(yy, ss), 4), data='all held-out face-swap sources (FF++ c40 frames+video frames, DFDC crops, MesoNet, CNNDetection deepfake), face level, %d faces' % len(cal)),
                dict(name='EER', value=round(eer(yy, ss), 4), data='same'),
                dict(name='TPR@5%FPR', value=round(tpr_at_fpr(yy, ss), 4), data='same')]
    for src in GEN_SOURCES:
        sub = [v for m, v in items if m['source'] == src]
        if sub:
            reals = [v for m, v in cal if m['y'] == 0]
            metrics.append(dict(name='AUC', value=round(auc([1] * len(sub) + [0] * len(reals), sub + reals), 4),
                                data='%s faces (fully generated, not this model\'s target) vs held-out real faces' % src))
    return metrics


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True)
    ap.add_argument('--faces', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--models', required=True)
    ap.add_argument('--id', default='mg-face-sbi')
    ap.add_argument('--version', default='1.0.0')
    ap.add_argument('--no-quantize', action='store_true', help='ship the float graph (4x larger, ~1.3x slower on AVX2)')
    ap.add_argument('--with-run', action='append', default=[],
                    help='ensemble: this run joins --run in one graph (FaceEnsemble: the crop at --run\'s size, resized '
                         'for each member, standardised logits summed, heatmaps averaged); repeatable')
    ap.add_argument('--size-correction', help='JSON file with a "sizeCorrection" table (training/fit_size_correction.py '
                    '--write): shipped in the manifest, and added to the held-out faces\' logits (by their size) before '
                    'the calibration, thresholds, error rates and metrics are fitted, as the engine adds it')
    a = ap.parse_args()
    size_corr = json.load(open(a.size_correction))['sizeCorrection'] if a.size_correction else None
    runs = [a.run] + a.with_run
    loaded = [load_run(r) for r in runs]
    run_args = [la for la, _, _, _ in loaded]
    configs = [(bb, sz) for _, bb, sz, _ in loaded]
    nets = [n for _, _, _, n in loaded]
    args, size, net = run_args[0], configs[0][1], nets[0]
    meta = load_faces(a.faces)
    helds = [held_out(ra) for ra in run_args]
    held = (lambda m: all(h(m) for h in helds))
    std_note = None
    if len(nets) == 1:
        w = ExportWrapper(net).eval()
    else:
        # standardisation constants: each member's logits over the unlabelled held-out face-swap faces
        pool = [m for m in meta if held(m) and m['source'] in FACE_SWAP_SOURCES]
        logits = [predict(n, pool, 'cpu', size=sz) for n, (_, sz) in zip(nets, configs)]
        mus, sds = [float(v.mean()) for v in logits], [float(v.std()) for v in logits]
        w = FaceEnsemble(nets, [sz for _, sz in configs], mus, sds).eval()
        std_note = ('members: %s; logit = sum of (member logit - mean) / sd, mean %s and sd %s measured (no labels) on the '
                    '%d held-out face-swap-source faces; heatmap = mean of the members\' boundary probabilities'
                    % (', '.join('%s (%s, %d px)' % (os.path.basename(r), bb, sz) for r, (bb, sz) in zip(runs, configs)),
                       [round(v, 4) for v in mus], [round(v, 4) for v in sds], len(pool)))
        print(std_note)
    onnx_path = os.path.join(a.models, a.id + '.onnx')
    float_path = os.path.join(a.run, a.id + '.float.onnx')
    x = torch.zeros(1, 3, size, size)
    torch.onnx.export(w, x, float_path, input_names=['face'], output_names=['logit', 'heatmap'], opset_version=13,
                      do_constant_folding=True)
    with torch.no_grad():
        hm_shape = list(w(x)[1].shape)

    quant_note = None
    resnets = [i for i, (bb, _) in enumerate(configs) if bb == 'resnet']
    if a.no_quantize or not resnets:  # int8 depthwise convolutions gain nothing on AVX2 (see the card)
        import shutil
        shutil.copyfile(float_path, onnx_path)
    else:
        scope = (lambda i: '/net/backbone') if len(nets) == 1 else (lambda i: '/members.%d/backbone' % i)
        qargs = dict(QUANT, only=tuple(scope(i) for i in resnets), keep_float=tuple(scope(i) + '/stem' for i in resnets))
        calib, n_calib = quant_calibration([m for m in meta if m['y'] == 0 and m['face_px'] >= 48 and not held(m)], size=size)
        quantise(float_path, onnx_path, calib, **qargs)
        agree = compare(float_path, onnx_path, calib[:32])
        print('int8 vs float on calibration inputs:', agree)
        assert agree['logit'][1] > 0.99, 'int8 logits drifted from the float graph: %s' % agree
        quant_note = {'method': 'static int8, QDQ format (training/quantize.py): weights per output channel, activations per tensor (uint8, %g-th percentile ranges)' % QUANT['pct'],
                      'quantised': 'the face-recognition ResNet backbone\'s convolutions and residual adds; its stem convolution, any other member and the heads stay float',
                      'calibrationInputs': '%d centre crops of real faces the run trained on (seed 0)' % n_calib,
                      'floatSha256': sha256_file(float_path),
                      'agreement': 'logit correlation with the float graph %.4f on 32 calibration inputs; held-out metrics below are the int8 file\'s' % agree['logit'][1]}
    held_meta = [m for m in meta if held(m)]
    scores = score_onnx(onnx_path, held_meta, size)
    json.dump(dict(files=[m['file'] for m in held_meta], scores=scores.tolist()),
              open(os.path.join(a.run, 'heldout_scores_onnx.json'), 'w'))
    if size_corr:  # as the engine scores them: the model's logit moved by the face's size (box side, frame pixels)
        table = (size_corr['px'], size_corr['logit'])
        scores = np.array([size_corrected(v, m['face_px'], table) for m, v in zip(held_meta, scores)])
    items = list(zip(held_meta, scores.tolist()))
    # calibration split: held-out face-swap sources (never used in training) — real and fake faces
    cal = calibration_split(items)
    y = np.array([m['y'] for m, _ in cal]); s = np.array([v for _, v in cal])
    pa, pb = fit_platt(s, y)
    p = platt(s, pa, pb)
    t_a, t_m = choose_thresholds(y, p)
    rates = band_rates(y, p, t_a, t_m)
    metrics = heldout_metrics(items)
    cv, n_groups = grouped_band_rates(cal)
    cv_data = ('leave one group out over the calibration split (%d groups: FF++ identity pairs, DFDC videos, sources): '
               'Platt and both thresholds refitted without the group, its faces banded with them, pooled' % n_groups)
    metrics += [dict(name='FPR at manipulated threshold (leave-one-group-out)', value=round(cv['atManipulated']['fpr'], 4), data=cv_data),
                dict(name='FNR at manipulated threshold (leave-one-group-out)', value=round(cv['atManipulated']['fnr'], 4), data='same'),
                dict(name='FPR at authentic threshold (leave-one-group-out)', value=round(cv['atAuthentic']['fpr'], 4), data='same'),
                dict(name='FNR at authentic threshold (leave-one-group-out)', value=round(cv['atAuthentic']['fnr'], 4), data='same'),
                dict(name='inconclusive share (leave-one-group-out)', value=round(cv['inconclusiveShare'], 4), data='same')]
    print('leave-one-group-out band rates:', json.dumps(cv))
    data_sha = sha256_file(os.path.join(a.data, 'MANIFEST.tsv'))
    man = {
        'id': a.id, 'version': a.version, 'file': os.path.basename(onnx_path), 'task': 'face-manipulation',
        'input': {'name': 'face', 'shape': [1, 3, size, size], 'layout': 'NCHW', 'colorOrder': 'RGB',
                  'scale': 1, 'mean': [round(v, 3) for v in MEAN_RGB], 'std': [255, 255, 255], 'resize': 'stretch',
                  'interpolation': 'area', 'cropMargin': 1.3,
                  # the crops the model was trained and calibrated on (prep_faces.crop_face + train_face.model_crop):
                  # axis-aligned, and mirrored past the frame's edge (cv2.BORDER_REFLECT)
                  'align': False, 'border': 'reflect'},
        'outputs': {
            'logit': {'name': 'logit', 'shape': [1, 1], 'meaning': 'logit of manipulated (blended / swapped face)'},
            'heatmap': {'name': 'heatmap', 'shape': hm_shape, 'meaning': 'per-pixel probability of a blending boundary (Face X-ray target 4M(1-M)), 0..1, over the input crop',
                        'caption': 'where the model sees a blending boundary (red = likely). It also traces the face outline on real faces, where a blend would lie: read it together with the face score.'}},
        'calibration': {'method': 'platt', 'params': {'a': round(pa, 5), 'b': round(pb, 5)},
                        'fittedOn': 'held-out face-swap sources never seen in training: FF++ c40 (frames + 16 frames/video), DFDC crops, MesoNet samples, CNNDetection deepfake+reals; face level, classes weighted equally' + ('; logits moved by the size correction first, as the engine does' if size_corr else '')},
        'thresholds': {'authentic': t_a, 'manipulated': t_m},
        'errorRates': {'atAuthentic': {k: rates['atAuthentic'][k] for k in ('fpr', 'fnr')},
                       'atManipulated': {k: rates['atManipulated'][k] for k in ('fpr', 'fnr')},
                       'inconclusiveShare': rates['inconclusiveShare'],
                       'measuredOn': 'the calibration split above (%d faces: %d real, %d fake); optimistic because thresholds were chosen on it' % (len(cal), int((y == 0).sum()), int((y == 1).sum()))},
        'realExceedance': dict(real_exceedance(p[y == 0]), measuredOn='calibrated probabilities of the %d real faces of the calibration split above' % int((y == 0).sum())),
        'metrics': metrics,
        'license': 'Apache-2.0 (project weights). Base weights: %s, MIT.' % ' + '.join(BASE_WEIGHTS[bb][0] for bb, _ in configs),
        'provenance': {'producedBy': 'training/train_face.py + training/export_face.py',
                       'command': ' ; '.join(train_command(ra) for ra in run_args),
                       'seed': args['seed'] if len(run_args) == 1 else [ra['seed'] for ra in run_args],
                       'dataManifestSha256': data_sha,
                       'trainingData': 'self-blended images made from real faces of celebahq_starganv2, celeba_avalentin, deepface_tests, ultraface_imgs (DEV set)' + (' + dev fakes' if any(ra.get('dev_fakes') for ra in run_args) else ''),
                       'baseWeights': ' + '.join(BASE_WEIGHTS[bb][1] for bb, _ in configs),
                       **({'ensemble': std_note} if std_note else {}),
                       **({'quantization': quant_note} if quant_note else {})},
        **({'sizeCorrection': size_corr} if size_corr else {}),
        'limits': {'minFacePx': MIN_FACE_PX},
    }
    print(json.dumps(man, indent=1))
    print('wrote', write_manifest(a.models, man))


if __name__ == '__main__':
    main()
