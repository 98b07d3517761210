"""Exports a generated-image model to ONNX, calibrates it on the leave-one-source-out (out-of-fold) scores and
writes the manifest.
Usage: python3 training/export_gen.py --arch residual --version 1.2.0 --run training/.cache/runs/gen_residual --data ../shared/datasets --models models
       python3 training/export_gen.py --arch spectrum --run training/.cache/runs/gen --data ../shared/datasets --models models"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import sha256_file  # noqa
from gen_model import GenDetector, SIZE  # noqa
from gen_residual import GenResidualDetector, CROP  # noqa
from manifest_util import write_manifest, choose_thresholds, choose_thresholds_each  # noqa
from metrics import auc, eer, tpr_at_fpr, fit_platt, platt, band_rates  # noqa
from train_gen_residual import PERTURB  # noqa


def scores(v):
    """Out-of-fold scores as loso.json stores them (None where a picture has none) as a float array (NaN there)."""
    return np.array([np.nan if x is None else x for x in v], float)


def hevc_calibration(L, fit, y, ok, metrics, clean):
    """codings.hevc of the manifest from a run with --hevc-test: a Platt fit on the out-of-fold logits of the held-out
    pictures after the HEIC round trips at the qualities `fit` (comma-separated; each picture once per quality; empty:
    all tested), band thresholds that keep the targets (FPR <= 5 % at manipulated, FNR <= 10 % at authentic) in every
    source group (the fold's name before '/': the CNNDetection scenes, each face generator) at every fitted quality --
    pooled thresholds let the face generators, most of the pictures, hide that HEVC-coded scenes from an unseen
    generator were called authentic half the time at q50 (session 20) --, their error rates, and per tested quality the
    AUC and the band rates with this calibration and with the clean one (what a HEIC would get without it). Appends the
    metrics; returns {} for a run without them."""
    hv = {int(q): scores(v)[ok] for q, v in L.get('hevc', {}).items()}
    if not hv:
        return {}
    fit_q = [int(q) for q in fit.split(',') if q]
    if any(q not in hv for q in fit_q):
        raise SystemExit('--hevc-fit %s: the run scored HEIC round trips at %s only (--hevc-test)' % (fit, ','.join(map(str, sorted(hv)))))
    fit_q = fit_q or sorted(hv)
    s = np.concatenate([hv[q] for q in fit_q])
    yy = np.tile(y, len(fit_q))
    ha, hb = fit_platt(s, yy)
    group = np.array([str(f).split('/')[0] for f in np.array(L['folds'])[ok]])
    t_a, t_m = choose_thresholds_each([(y[group == g], platt(hv[q][group == g], ha, hb)) for q in fit_q for g in sorted(set(group))])
    rates = band_rates(yy, platt(s, ha, hb), t_a, t_m)
    for q in sorted(hv):
        for g in sorted(set(group)):
            r = band_rates(y[group == g], platt(hv[q][group == g], ha, hb), t_a, t_m)
            print('HEIC q%-3d %-20s FPR / FNR at authentic %s / %s, at manipulated %s / %s' % ((q, g) + tuple(
                '-' if r[at][k] is None else '%.3f' % r[at][k] for at in ('atAuthentic', 'atManipulated') for k in ('fpr', 'fnr'))))
    qs = '/'.join('q%d' % q for q in fit_q)
    pa, pb, ca, cm = clean
    for q in sorted(hv):
        tag = 'held-out pictures (out-of-fold, %d real / %d generated) after a HEIC q%d round trip (heif-enc, then the app\'s decoder)%s' % (
            (y == 0).sum(), (y == 1).sum(), q, '' if q in fit_q else '; a quality the HEVC calibration was not fitted on')
        r, rc = band_rates(y, platt(hv[q], ha, hb), t_a, t_m), band_rates(y, platt(hv[q], pa, pb), ca, cm)
        metrics.append(dict(name='AUC', value=round(auc(y, hv[q]), 4), data=tag))
        for at in ('atAuthentic', 'atManipulated'):
            metrics.append(dict(name='FPR %s' % at, value=round(r[at]['fpr'], 4), data=tag + '; with the HEVC calibration and thresholds'))
            metrics.append(dict(name='FNR %s' % at, value=round(r[at]['fnr'], 4), data=tag + '; with the HEVC calibration and thresholds'))
        print('HEIC q%-3d AUC %.3f  HEVC bands: at authentic FPR %.3f FNR %.3f  at manipulated FPR %.3f FNR %.3f  |  clean bands: '
              'at authentic FNR %.3f  at manipulated FPR %.3f FNR %.3f' % (
                  q, auc(y, hv[q]), r['atAuthentic']['fpr'], r['atAuthentic']['fnr'], r['atManipulated']['fpr'], r['atManipulated']['fnr'],
                  rc['atAuthentic']['fnr'], rc['atManipulated']['fpr'], rc['atManipulated']['fnr']))
    return {'hevc': {
        'calibration': {'method': 'platt', 'params': {'a': round(ha, 5), 'b': round(hb, 5)},
                        'fittedOn': 'leave-one-source-out out-of-fold logits of the same DEV still images after a HEIC round trip at %s '
                                    '(heif-enc, then the app\'s own decoder: scripts/heic-views.ts), each picture once per quality, classes weighted equally' % qs},
        'thresholds': {'authentic': t_a, 'manipulated': t_m},
        'errorRates': {'atAuthentic': {k: rates['atAuthentic'][k] for k in ('fpr', 'fnr')},
                       'atManipulated': {k: rates['atManipulated'][k] for k in ('fpr', 'fnr')},
                       'inconclusiveShare': rates['inconclusiveShare'],
                       'measuredOn': 'the same out-of-fold scores after the HEIC round trips at %s (%d real, %d generated pictures, each once per quality); '
                                     'thresholds chosen on them to keep FPR <= 5 %% / FNR <= 10 %% in each source group at each quality' % (qs, (y == 0).sum(), (y == 1).sum())}}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--models', required=True)
    ap.add_argument('--arch', choices=['residual', 'spectrum'], default='residual')
    ap.add_argument('--id', default='')
    ap.add_argument('--version', default='', help='manifest version (default: 1.2.0 residual, 1.0.0 spectrum)')
    ap.add_argument('--judges-hevc', action='store_true', help='set limits.judgesHevc: the app then judges HEIC stills, with the '
                    'HEVC calibration (codings.hevc) fitted on the run\'s --hevc-test round trips')
    ap.add_argument('--hevc-fit', default='', help='comma-separated HEIC qualities of the run\'s --hevc-test whose out-of-fold scores '
                    'the HEVC calibration is fitted on (default: the run\'s --hevc-views, else all); the others are reported as '
                    'qualities not fitted on')
    a = ap.parse_args()
    residual = a.arch == 'residual'
    a.version = a.version or ('1.2.0' if residual else '1.0.0')
    a.id = a.id or ('mg-gen-residual' if residual else 'mg-gen-spectrum')
    m = GenResidualDetector() if residual else GenDetector()
    m.load_state_dict(torch.load(os.path.join(a.run, 'model.pt'), map_location='cpu'))
    m.eval()
    onnx_path = os.path.join(a.models, a.id + '.onnx')
    size = CROP if residual else SIZE
    x = torch.rand(1, 3, size, size) * 255
    torch.onnx.export(m, x, onnx_path, input_names=['image'], output_names=['logit'], opset_version=16, do_constant_folding=True,
                      dynamic_axes={'image': {2: 'height', 3: 'width'}} if residual else None)
    # check the exported graph in onnxruntime-node against torch (FFT path used in training for the spectrum model)
    from ort_bridge import OrtBridge
    br = OrtBridge(); br.load('g', onnx_path)
    checks = [x, torch.round(torch.rand(1, 3, 218, 178) * 255)] if residual else [x]
    for xx in checks:
        o, ms = br.run('g', {'image': xx.numpy()})
        with torch.no_grad():
            ref = m(xx).item() if residual else m.head(m.feat(xx, use_fft=True)).item()
        print('onnx vs torch logit %s: %.5f vs %.5f, %.1f ms' % (list(xx.shape), o['logit'][0, 0], ref, ms))
        assert abs(o['logit'][0, 0] - ref) < 1e-3 * max(1.0, abs(ref)), 'exported graph disagrees with torch'
    br.close()
    L = json.load(open(os.path.join(a.run, 'loso.json')))
    y = np.array(L['y']); s = scores(L['oof']); folds = np.array(L['folds'])
    ok = ~np.isnan(s)
    y, s, folds = y[ok], s[ok], folds[ok]
    pa, pb = fit_platt(s, y)
    p = platt(s, pa, pb)
    t_a, t_m = choose_thresholds(y, p)
    rates = band_rates(y, p, t_a, t_m)
    metrics = [dict(name='AUC', value=round(auc(y, s), 4), data='leave-one-source-out, out-of-fold scores of all %d images (each scored by a model that never saw its fake source nor its real counterparts)' % len(y)),
               dict(name='EER', value=round(eer(y, s), 4), data='same'),
               dict(name='TPR@5%FPR', value=round(tpr_at_fpr(y, s), 4), data='same')]
    for f, r in sorted(L['loso'].items()):
        metrics.append(dict(name='AUC', value=round(r['auc'], 4), data='LOSO fold %s: %d fakes vs %d held-out reals' % (f, r['n_fake'], r['n_real'])))
    for k, v in sorted(L.get('perturb', {}).items()):  # robustness: the same held-out pictures after an edit
        sp = scores(v)[ok]
        r = band_rates(y, platt(sp, pa, pb), t_a, t_m)
        txt = ('held-out pictures (out-of-fold, %d real / %d generated) after this edit: %s; FPR / FNR at the shipped thresholds'
               % ((y == 0).sum(), (y == 1).sum(), PERTURB[k]))
        metrics.append(dict(name='AUC', value=round(auc(y, sp), 4), data=txt.split(';')[0]))
        for at in ('atAuthentic', 'atManipulated'):
            metrics.append(dict(name='FPR %s' % at, value=round(r[at]['fpr'], 4), data=txt))
            metrics.append(dict(name='FNR %s' % at, value=round(r[at]['fnr'], 4), data=txt))
        print('%-12s AUC %.3f  at authentic FPR %.3f FNR %.3f  at manipulated FPR %.3f FNR %.3f' % (
            k, auc(y, sp), r['atAuthentic']['fpr'], r['atAuthentic']['fnr'], r['atManipulated']['fpr'], r['atManipulated']['fnr']))
    args = L['args']
    codings, limits = hevc_calibration(L, a.hevc_fit or args.get('hevc_views', ''), y, ok, metrics, (pa, pb, t_a, t_m)), {}
    if a.judges_hevc:
        if 'hevc' not in codings:
            raise SystemExit('--judges-hevc needs a run with --hevc-views and --hevc-test (its HEVC calibration)')
        limits['judgesHevc'] = 1
    if residual:
        big = [r['auc'] for r in L['loso'].values() if r['n_fake'] >= 5 and r['n_real'] >= 5]
        metrics.insert(1, dict(name='mean LOSO AUC', value=round(float(np.mean(big)), 4),
                               data='mean over the %d leave-one-source-out folds with at least 5 images of each class' % len(big)))
        for n, r in sorted(L.get('recon_probe', {}).items()):
            metrics.append(dict(name='AUC', value=round(r['auc'], 4),
                                data='%d held-out reals vs the same pictures re-synthesised by the gen_recon.py %s autoencoder (a decoder not used in training), each fold model scoring its own held-out reals' % (r['n'], n)))
        recon = [x for x in args.get('recon', '').split(',') if x]
        pre = ''.join('python3 training/gen_recon.py train --data ../shared/datasets --up %s && python3 training/gen_recon.py features --data ../shared/datasets --up %s && ' % (u, u)
                      for u in recon + [x for x in args.get('recon_test', '').split(',') if x])
        input_spec = {'name': 'image', 'shape': [1, 3, CROP, CROP], 'layout': 'NCHW', 'colorOrder': 'RGB', 'scale': 1,
                      'mean': [0, 0, 0], 'std': [1, 1, 1], 'resize': 'center-crop',
                      'note': 'central min(256, side) crop at native resolution, never resampled (any height/width accepted), raw 0..255'}
        provenance = {'producedBy': 'training/train_gen_residual.py + training/export_gen.py --arch residual',
                      'command': pre + 'python3 training/train_gen_residual.py --data ../shared/datasets --out training/.cache/runs/gen_residual --n-aug %d --l2 %g --seed %d' % (args['n_aug'], args['l2'], args['seed'])
                      + (' --recon %s --recon-weight %g' % (','.join(recon), args['recon_weight']) if recon else '')
                      + (' --recon-test %s' % args['recon_test'] if args.get('recon_test') else '')
                      + (' --scale-views %d --scale-weight %g --scale-range %s' % (args['scale_views'], args['scale_weight'], args.get('scale_range', '0.5,0.85')) if args.get('scale_views') else '')
                      + (' --perturb-test' if args.get('perturb_test') else '')
                      + (' --hevc-views %s --hevc-weight %g' % (args['hevc_views'], args['hevc_weight']) if args.get('hevc_views') else '')
                      + (' --hevc-test %s' % args['hevc_test'] if args.get('hevc_test') else ''),
                      'exportCommand': 'python3 training/export_gen.py --arch residual --run training/.cache/runs/gen_residual --data ../shared/datasets --models models --version %s' % a.version
                      + (' --judges-hevc' if a.judges_hevc else '') + (' --hevc-fit %s' % a.hevc_fit if a.hevc_fit else ''),
                      'seed': args['seed'], 'dataManifestSha256': sha256_file(os.path.join(a.data, 'MANIFEST.tsv')),
                      'trainingData': 'DEV still images except the FF++/DFDC/MesoNet face swaps: cnndetection (all generators + reals), fakefaces_basemax, sdfd_sd21, celebahq_starganv2, celeba_avalentin, deepface_tests, ultraface_imgs, plus the real FF++ and DFDC frames as reals'
                      + ('; as extra fakes, every one of those real pictures re-synthesised by the project\'s own %s autoencoder(s) (training/gen_recon.py, trained on the same reals), weight %g each' % ('/'.join(recon), args['recon_weight']) if recon else '')
                      + ('; every real and generated training picture also as %d resized views (a factor from %s: area when shrinking, bilinear or bicubic when enlarging; then JPEG q70-95 with p 0.5), weight %g each' % (args['scale_views'], args.get('scale_range', '0.5,0.85').replace(',', '-'), args['scale_weight']) if args.get('scale_views') else '')
                      + ('; every real and generated training picture also after a HEIC round trip at quality %s (heif-enc, then the app\'s own decoder), weight %g each' % (args['hevc_views'], args['hevc_weight']) if args.get('hevc_views') else ''),
                      'baseWeights': 'none (hand-designed residual statistics + logistic regression)'}
    else:
        input_spec = {'name': 'image', 'shape': [1, 3, SIZE, SIZE], 'layout': 'NCHW', 'colorOrder': 'RGB', 'scale': 1,
                      'mean': [0, 0, 0], 'std': [1, 1, 1], 'resize': 'stretch', 'interpolation': 'bilinear',
                      'note': 'whole frame stretched to 256x256 (bilinear), raw 0..255'}
        provenance = {'producedBy': 'training/train_gen.py + training/export_gen.py',
                      'command': 'python3 training/train_gen.py --data ../shared/datasets --out training/.cache/runs/gen --n-aug %d --epochs %d --seed %d' % (args['n_aug'], args['epochs'], args['seed']),
                      'seed': args['seed'], 'dataManifestSha256': sha256_file(os.path.join(a.data, 'MANIFEST.tsv')),
                      'trainingData': 'DEV still images except FF++/DFDC/MesoNet face swaps: cnndetection (all generators + reals), fakefaces_basemax, sdfd_sd21, celebahq_starganv2, celeba_avalentin, deepface_tests, ultraface_imgs',
                      'baseWeights': 'none'}
    man = {
        'id': a.id, 'version': a.version, 'file': os.path.basename(onnx_path), 'task': 'generated-image',
        'input': input_spec,
        'outputs': {'logit': {'name': 'logit', 'shape': [1, 1], 'meaning': 'logit of generated (GAN / diffusion) picture'}},
        'calibration': {'method': 'platt', 'params': {'a': round(pa, 5), 'b': round(pb, 5)},
                        'fittedOn': 'leave-one-source-out out-of-fold logits on the DEV still images (cnndetection generators with their paired reals, fakefaces_basemax vs CelebA/CelebA-HQ reals, sdfd_sd21 vs deepface/ultraface reals), classes weighted equally'},
        'thresholds': {'authentic': t_a, 'manipulated': t_m},
        'errorRates': {'atAuthentic': {k: rates['atAuthentic'][k] for k in ('fpr', 'fnr')},
                       'atManipulated': {k: rates['atManipulated'][k] for k in ('fpr', 'fnr')},
                       'inconclusiveShare': rates['inconclusiveShare'],
                       'measuredOn': 'the same out-of-fold scores (%d real, %d generated); thresholds chosen on them' % ((y == 0).sum(), (y == 1).sum())},
        'metrics': metrics,
        **({'codings': codings} if codings else {}),
        **({'limits': limits} if limits else {}),
        'license': 'Apache-2.0 (project weights; trained from scratch, no base weights)',
        'provenance': provenance,
    }
    print('wrote', write_manifest(a.models, man))


if __name__ == '__main__':
    main()
