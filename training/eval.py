"""Evaluates the project's pipeline (face detector -> face-manipulation model; full-image generated-picture model)
on a folder with a MANIFEST.tsv, side by side with the MesoNet references, all through onnxruntime-node.

Usage: python3 training/eval.py --data <folder with MANIFEST.tsv> --refs ../shared/reference-models \
          [--models models] [--frames 8] [--limit N] [--out scores.tsv]

Per file: every frame (images: 1, videos: --frames evenly spaced, decoded from the start) goes through the face
detector (letterbox, threshold + NMS from its manifest); the largest face is cropped (square, cropMargin x
max(w,h)) and scored by the face model and by MesoNet (Meso4_DF, MesoInception_DF: 256x256 RGB 0..1 of the
same crop, p_fake = 1 - p_real); the whole frame is scored by the generated-image model. Frame scores are
averaged per file. The pipeline verdict uses p = max(p_face, p_gen) (p_gen alone when no face is found), with
the band thresholds of the manifests. Printed per source and per generator: AUC, EER, TPR@5%FPR, accuracy at
the shipped threshold, inconclusive share, errors. Leave-one-source-out numbers recorded at training time are
printed from the manifests.
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, read_manifest, load_media, generator_group  # noqa
from eval_face_detector import mg_detect_app  # noqa
from metrics import auc, eer, tpr_at_fpr, platt  # noqa
from ort_bridge import OrtBridge  # noqa


def calibrate(man, logit):
    c = man['calibration']
    if c['method'] == 'platt':
        return float(platt(logit, c['params']['a'], c['params']['b']))
    if c['method'] == 'temperature':
        return float(1 / (1 + np.exp(-logit / c['params']['T'])))
    return float(np.interp(logit, c['params']['x'], c['params']['y']))


def square_crop(img, box, margin, size, interp=cv2.INTER_AREA):
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    side = margin * max(box[2] - box[0], box[3] - box[1])
    s = size / side
    M = np.array([[s, 0, -(cx - side / 2) * s], [0, s, -(cy - side / 2) * s]], np.float32)
    return cv2.warpAffine(img, M, (size, size), flags=interp, borderMode=cv2.BORDER_CONSTANT)


GEN = 'mg-gen-residual'  # the generated-image model


def prep(man, img):
    inp = man['input']
    h, w = inp['shape'][2], inp['shape'][3]
    if inp.get('resize') == 'center-crop':  # native pixels, never resampled (as the app does)
        H, W = img.shape[:2]
        ch, cw = min(h, H), min(w, W)
        y0, x0 = (H - ch) // 2, (W - cw) // 2
        img = img[y0:y0 + ch, x0:x0 + cw]
    elif img.shape[:2] != (h, w):
        interp = cv2.INTER_AREA if inp.get('interpolation') == 'area' else cv2.INTER_LINEAR
        img = cv2.resize(img, (w, h), interpolation=interp)
    x = (img.astype(np.float32) / inp['scale'] - np.array(inp['mean'], np.float32)) / np.array(inp['std'], np.float32)
    return x.transpose(2, 0, 1)[None]


class Pipeline:
    def __init__(self, models_dir, refs, node_modules=None):
        self.br = OrtBridge(node_modules)
        self.man = {}
        for mid in ('mg-face-detector', 'mg-face-sbi', GEN):
            p = os.path.join(models_dir, mid + '.json')
            if os.path.exists(p):
                self.man[mid] = json.load(open(p))
                self.br.load(mid, os.path.join(models_dir, self.man[mid]['file']))
        self.refs = {}
        for name in ('Meso4_DF', 'MesoInception_DF'):
            self.br.load(name, os.path.join(refs, 'mesonet', name + '.onnx'))
            self.refs[name] = True

    def frame(self, img):
        out = {}
        det = self.man.get('mg-face-detector')
        faces, _ = mg_detect_app(self.br, 'mg-face-detector', det, img, tiles=False)
        out['n_faces'] = len(faces)
        if faces:
            box = max(faces, key=lambda f: (f[0][2] - f[0][0]) * (f[0][3] - f[0][1]))[0]
            out['face_px'] = float(max(box[2] - box[0], box[3] - box[1]))
            out['box'] = [float(v) for v in box]
            out.update(self.face_scores(img, box))
            crop = square_crop(img, box, 1.3, 256).astype(np.float32)[None] / 255.0
            for name in self.refs:
                o, _ = self.br.run(name, {'input': crop})
                out[name] = 1.0 - float(list(o.values())[0][0, 0])
        if GEN in self.man:
            m = self.man[GEN]
            o, ms = self.br.run(GEN, {m['input']['name']: prep(m, img)})
            out['gen_logit'] = float(o[m['outputs']['logit']['name']][0, 0])
            out['gen_p'] = calibrate(m, out['gen_logit'])
            out['gen_ms'] = ms
        return out

    def face_scores(self, img, box):
        out = {}
        if True:
            if 'mg-face-sbi' in self.man:
                m = self.man['mg-face-sbi']
                crop = square_crop(img, box, m['input']['cropMargin'], m['input']['shape'][2])
                o, ms = self.br.run('mg-face-sbi', {m['input']['name']: prep(m, crop)})
                out['face_logit'] = float(o[m['outputs']['logit']['name']][0, 0])
                out['face_p'] = calibrate(m, out['face_logit'])
                out['face_ms'] = ms
        return out


def summarise(frames):
    keys = ['face_logit', 'face_p', 'gen_logit', 'gen_p', 'Meso4_DF', 'MesoInception_DF']
    res = {}
    for k in keys:
        v = [f[k] for f in frames if k in f]
        res[k] = float(np.mean(v)) if v else None
    res['n_faces'] = max([f['n_faces'] for f in frames] or [0])
    res['boxes'] = [f.get('box') for f in frames]
    return res


def pipeline_p(r):
    ps = [p for p in (r.get('face_p'), r.get('gen_p')) if p is not None]
    return max(ps) if ps else None


def table(rows, groups, score_keys, thresholds):
    hdr = '%-44s %5s %5s %4s' % ('group (fakes vs reals of the same track)', 'Nreal', 'Nfake', 'err')
    for k in score_keys:
        hdr += ' | %-18s AUC   EER  TPR5  acc  inc' % k[:18]
    print(hdr)
    for gname, sel in groups:
        sub = [r for r in rows if sel(r)]
        line = '%-44s %5d %5d %4d' % (gname[:44], sum(1 for r in sub if r['y'] == 0), sum(1 for r in sub if r['y'] == 1),
                                       sum(1 for r in sub if r.get('error')))
        for k in score_keys:
            ok = [r for r in sub if r.get(k) is not None]
            y = [r['y'] for r in ok]; s = [r[k] for r in ok]
            if len(set(y)) < 2:
                line += ' | %-18s %5s %5s %5s %4s %4s' % ('', '-', '-', '-', '-', '-')
                continue
            t = thresholds.get(k)
            if t:
                dec = [(yy, ss) for yy, ss in zip(y, s) if ss < t[0] or ss >= t[1]]
                acc = np.mean([(ss >= t[1]) == (yy == 1) for yy, ss in dec]) if dec else float('nan')
                inc = 1 - len(dec) / len(y)
            else:
                acc = np.mean([(ss >= 0.5) == (yy == 1) for yy, ss in zip(y, s)]); inc = 0.0
            line += ' | %-18s %.3f %.3f %.3f %.2f %.2f' % ('', auc(y, s), eer(y, s), tpr_at_fpr(y, s), acc, inc)
        print(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--refs', required=True)
    ap.add_argument('--models', default=os.path.join(ROOT, 'models'))
    ap.add_argument('--frames', type=int, default=8)
    ap.add_argument('--limit', type=int, default=0)
    ap.add_argument('--out', default=None, help='per-file scores TSV')
    ap.add_argument('--cache', default=None, help='reuse per-file scores from this JSON (written if absent)')
    ap.add_argument('--rescore-face', action='store_true', help='with --cache: re-run only the face model on the cached boxes')
    a = ap.parse_args()
    rows = read_manifest(a.data)
    if a.limit:
        rows = rows[::max(1, len(rows) // a.limit)]
    if a.cache and os.path.exists(a.cache):
        done = {r['relpath']: r for r in json.load(open(a.cache))}
        for r in rows:
            r.update({k: v for k, v in done.get(r['relpath'], {}).items() if k not in r})
    else:
        pipe = Pipeline(a.models, a.refs)
        t0 = time.time()
        for i, r in enumerate(rows):
            try:
                frames = load_media(r, a.frames)
                if not frames:
                    raise ValueError('undecodable')
                r.update(summarise([pipe.frame(f) for f in frames]))
            except Exception as e:  # noqa: BLE001 - one bad file must not stop the run
                r['error'] = str(e)[:200]
            if i % 100 == 0:
                print('[%d/%d] %.0fs' % (i, len(rows), time.time() - t0), file=sys.stderr, flush=True)
        if a.cache:
            json.dump([{k: v for k, v in r.items()} for r in rows], open(a.cache, 'w'))
    if a.rescore_face:
        pipe = Pipeline(a.models, a.refs)
        for r in rows:
            if r.get('error') or not any(r.get('boxes') or []):
                continue
            frames = load_media(r, a.frames)
            fs = [pipe.face_scores(f, b) for f, b in zip(frames, r['boxes']) if b]
            for k in ('face_logit', 'face_p'):
                r[k] = float(np.mean([f[k] for f in fs])) if fs else None
        json.dump(rows, open(a.cache.replace('.json', '_rescored.json'), 'w'))
    mans = {}
    for mid in ('mg-face-sbi', GEN):
        p = os.path.join(a.models, mid + '.json')
        if os.path.exists(p):
            mans[mid] = json.load(open(p))
    for r in rows:
        r['pipeline_p'] = pipeline_p(r)
    th = {}
    if 'mg-face-sbi' in mans:
        t = mans['mg-face-sbi']['thresholds']; th['face_p'] = (t['authentic'], t['manipulated'])
    if GEN in mans:
        t = mans[GEN]['thresholds']; th['gen_p'] = (t['authentic'], t['manipulated'])
    if th:
        th['pipeline_p'] = (min(v[0] for v in th.values()), max(v[1] for v in th.values()))
    keys = ['pipeline_p', 'face_p', 'gen_p', 'Meso4_DF', 'MesoInception_DF']
    print('\nScores: pipeline_p = max(face_p, gen_p) (calibrated); face_p = mg-face-sbi on the largest face; gen_p = ' + GEN + ' on the frame;')
    print('Meso4_DF / MesoInception_DF = 1 - p_real of the MesoNet references on the same face crop (256x256). acc = accuracy on')
    print('files outside the inconclusive band at the shipped thresholds (MesoNet: 0.5); inc = inconclusive share. Files without a face')
    print('have no face/MesoNet score and count only for pipeline_p/gen_p. Positive class = fake.\n')
    for track in ('images', 'videos'):
        tr = [r for r in rows if r['is_video'] == (track == 'videos')]
        if not tr:
            continue
        print('== %s ==' % track)
        groups = [('ALL', lambda r: True)]
        for src in sorted({r['source'] for r in tr if r['y'] == 1}):
            groups.append(('source ' + src, lambda r, s=src: r['y'] == 0 or r['source'] == s))
        for g in sorted({generator_group(r) for r in tr if r['y'] == 1}):
            groups.append(('gen ' + g, lambda r, g=g: r['y'] == 0 or generator_group(r) == g))
        table(tr, groups, keys, th)
        print('\nReals by source: share called fake (pipeline_p >= manipulated threshold; MesoNet >= 0.5)')
        for src in sorted({r['source'] for r in tr if r['y'] == 0}):
            sub = [r for r in tr if r['y'] == 0 and r['source'] == src]
            line = '  %-22s n=%4d' % (src, len(sub))
            for k in keys:
                v = [r[k] for r in sub if r.get(k) is not None]
                t = th.get(k, (0.5, 0.5))[1]
                line += '  %s=%.2f' % (k, np.mean([x >= t for x in v]) if v else float('nan'))
            print(line)
        print()
    nf = sum(1 for r in rows if not r.get('error') and r.get('n_faces', 0) == 0)
    print('files with no face found: %d / %d; errors: %d' % (nf, len(rows), sum(1 for r in rows if r.get('error'))))
    print('\nLeave-one-source-out / held-out numbers recorded at training time (models/*.json metrics):')
    for mid, m in mans.items():
        for met in m.get('metrics', []):
            print('  %-16s %-10s %.3f  %s' % (mid, met['name'], met['value'], met['data']))
    if a.out:
        cols = ['relpath', 'label', 'source', 'error', 'n_faces', 'pipeline_p', 'face_p', 'face_logit', 'gen_p', 'gen_logit', 'Meso4_DF', 'MesoInception_DF']
        with open(a.out, 'w') as f:
            f.write('\t'.join(cols) + '\n')
            for r in rows:
                f.write('\t'.join('' if r.get(c) is None else (('%.5f' % r[c]) if isinstance(r.get(c), float) else str(r[c])) for c in cols) + '\n')


if __name__ == '__main__':
    main()
