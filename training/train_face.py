"""Trains the face-manipulation detector (mg-face-sbi) on self-blended images made from real faces,
optionally plus the dev set's own fakes; export_face.py exports the ONNX file and its manifest.

Usage (CPU or GPU, auto): python3 training/train_face.py --faces training/.cache/faces --out training/.cache/runs/face_d1 \
   --faceapi training/node_modules/@vladmandic/face-api/model --exclude-sources ffpp_c40_mudouble,dfdc_aaronchong888,mesonet,cnndetection \
   --backbone dense --input-size 160 --hm-cls      (the shipped command is in training/README.md and the manifest)
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from face_model import build_net, block_names, block_module, BACKBONES, MEAN_RGB, INPUT_SIZE, FaceEnsemble  # noqa
from sbi import relight, self_blend  # noqa
from gen_recon import load_ae, reconstruct  # noqa
from faceapi_dense import eye_error  # noqa

CROP_MARGIN_STORED = 1.5
CROP_MARGIN_MODEL = 1.3
GEN_SOURCES = ('fakefaces_basemax', 'sdfd_sd21')  # fully generated faces: not a blending task


def load_faces(faces_dir):
    import glob
    meta = []
    for p in sorted(glob.glob(os.path.join(faces_dir, 'meta*.json'))):
        meta += json.load(open(p))
    for m in meta:
        m['path'] = os.path.join(faces_dir, m['file'])
    return meta


def attach_landmarks(metas, faces_dir, max_eye_err=0.25):
    """Adds m['lm68'] from <faces>/landmarks68.json (landmarks68.py) to each face whose landmark eye centres lie
    within max_eye_err eye distances of BlazeFace's eye keypoints; the rest keep the template mask. Returns how
    many faces got landmarks."""
    lms = json.load(open(os.path.join(faces_dir, 'landmarks68.json')))
    n = 0
    for m in metas:
        lm = lms.get(m['file'])
        if lm is None:
            continue
        lm = np.asarray(lm, np.float32)
        k = np.asarray(m['kps'], np.float32)
        if eye_error(lm, k) <= max_eye_err * max(np.linalg.norm(k[1] - k[0]), 1.0):
            m['lm68'] = lm
            n += 1
    return n


def model_crop(img, rng=None, jitter=0.0, size=INPUT_SIZE):
    """Takes the 1.3x-margin square from a stored 1.5x crop (optionally jittered) and resizes to size."""
    H = img.shape[0]
    side = H * CROP_MARGIN_MODEL / CROP_MARGIN_STORED
    if rng is not None and jitter:
        side *= rng.uniform(1 - jitter, 1 + jitter)
        cx = H / 2 + rng.uniform(-jitter, jitter) * side
        cy = H / 2 + rng.uniform(-jitter, jitter) * side
    else:
        cx = cy = H / 2
    x0, y0 = cx - side / 2, cy - side / 2
    s = size / side
    M = np.array([[s, 0, -x0 * s], [0, s, -y0 * s]], np.float32)
    return M, cv2.warpAffine(img, M, (size, size), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT)


def degrade(img, rng):
    """Post-processing applied identically to reals and fakes: JPEG, blur, down-up, noise."""
    if rng.random() < 0.3:
        s = rng.uniform(0.4, 0.9)
        h, w = img.shape[:2]
        img = cv2.resize(cv2.resize(img, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA), (w, h))
    if rng.random() < 0.15:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.0))
    if rng.random() < 0.5:
        q = int(rng.integers(35, 96))
        ok, enc = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, q])
        img = cv2.imdecode(enc, cv2.IMREAD_UNCHANGED)
    if rng.random() < 0.1:
        img = np.clip(img.astype(np.float32) + rng.normal(0, rng.uniform(1, 5), img.shape), 0, 255).astype(np.uint8)
    return img


def h264_roundtrip(crops, qp):
    """Encodes same-size uint8 RGB crops as the frames of one intra-only H.264 stream (libx264, yuv420p, constant QP)
    and decodes them again: the block transform, deblocking and 4:2:0 chroma of video sources (FF++ c40 is QP ~40),
    which JPEG only approximates. Every frame is intra-coded, so real and fake crops of a batch stay independent."""
    import subprocess
    n, h, w = len(crops), crops[0].shape[0], crops[0].shape[1]
    raw = np.ascontiguousarray(np.stack(crops)).tobytes()
    enc = subprocess.run(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24',
                          '-s', '%dx%d' % (w, h), '-r', '25', '-i', '-', '-c:v', 'libx264', '-preset', 'veryfast',
                          '-qp', str(int(qp)), '-g', '1', '-pix_fmt', 'yuv420p', '-f', 'h264', '-'],
                         input=raw, capture_output=True, check=True).stdout
    dec = subprocess.run(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-f', 'h264', '-i', '-', '-f', 'rawvideo',
                          '-pix_fmt', 'rgb24', '-'], input=enc, capture_output=True, check=True).stdout
    out = np.frombuffer(dec, np.uint8)
    assert out.size == n * h * w * 3, (out.size, n, h, w)
    return list(out.reshape(n, h, w, 3).copy())


def to_tensor(img):
    x = torch.from_numpy(img).float().permute(2, 0, 1)
    return (x - torch.tensor(MEAN_RGB).view(3, 1, 1)) / 255.0


def _reinhard(src, ref, box):
    """src's colours moved to ref's per-channel mean and sd in Lab, both measured inside box (y0, y1, x0, x1)."""
    y0, y1, x0, x1 = box
    a = cv2.cvtColor(src, cv2.COLOR_RGB2LAB).astype(np.float32)
    b = cv2.cvtColor(ref, cv2.COLOR_RGB2LAB).astype(np.float32)
    ra, rb = a[y0:y1, x0:x1].reshape(-1, 3), b[y0:y1, x0:x1].reshape(-1, 3)
    a = (a - ra.mean(0)) / (ra.std(0) + 1e-3) * rb.std(0) + rb.mean(0)
    return cv2.cvtColor(np.clip(a, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)


def _partner_face(img, kps, other, M):
    """Face X-ray's blended image (Li et al., CVPR 2020): another real face, aligned to this one by M (the similarity
    transform on the eyes, nose and mouth keypoints from _pose_fit) and colour-matched to it (Reinhard, Lab, inner
    face), for self_blend's resynth hook: the blend then puts a different person's face inside this one's boundary."""
    h, w = img.shape[:2]
    src = cv2.warpAffine(other, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    k = np.asarray(kps, np.float32)[:4]
    x0, y0 = np.maximum(k.min(0).astype(int), 0)
    x1, y1 = np.minimum(k.max(0).astype(int) + 1, [w, h])
    if x1 - x0 < 4 or y1 - y0 < 4:
        return src
    return _reinhard(src, img, (y0, y1, x0, x1))


def _pose_fit(kps, okps):
    """The similarity transform taking another face's eyes/nose/mouth onto this one's, and how far they stay from
    them after it, in eye distances: (residual, M); (inf, None) when there is no fit."""
    a, b = np.asarray(okps, np.float32)[:4], np.asarray(kps, np.float32)[:4]
    M, _ = cv2.estimateAffinePartial2D(a, b)
    if M is None:
        return np.inf, None
    r = a @ M[:, :2].T + M[:, 2] - b
    return float(np.linalg.norm(r, axis=1).mean() / max(np.linalg.norm(b[1] - b[0]), 1.0)), M


def _resynth(ae, img):
    h, w = img.shape[:2]
    out = reconstruct(ae, img)  # crops the edges past a multiple of 4
    if out.shape[:2] != (h, w):
        out = cv2.copyMakeBorder(out, 0, h - out.shape[0], 0, w - out.shape[1], cv2.BORDER_REPLICATE)
    return out


class Sampler:
    def __init__(self, reals, fakes, seed, hm_size, size=INPUT_SIZE, extra=(), h264=0.0, h264_qp=(22, 40), recon=(), p_recon=0.0, p_bi=0.0, p_light=0.0):
        self.reals, self.fakes = reals, fakes
        self.p_light = p_light  # --relight: share of real source faces relit (sbi.relight) before use, either class
        self.p_bi = p_bi  # --bi: share of SBI samples that blend in another real face (Face X-ray BI) instead
        self.recon, self.p_recon = list(recon), p_recon  # --sbi-recon: autoencoders that re-synthesise the blended-in face
        self.h264, self.h264_qp = h264, h264_qp  # share of batches passed through an H.264 round trip, QP range
        self.extra = list(extra)  # --sbi-extra-sources faces: half of the 'real' slots, as they are or self-blended
        self.size = size
        self.rng = np.random.default_rng(seed)
        self.hm_size = hm_size
        self.cache = {}

    def _img(self, m):
        if m['path'] not in self.cache:
            self.cache[m['path']] = cv2.cvtColor(cv2.imread(m['path']), cv2.COLOR_BGR2RGB)
        return self.cache[m['path']]

    def sample(self, kind):
        rng = self.rng
        if kind == 'dev_fake':
            m = self.fakes[rng.integers(len(self.fakes))]
            img, hm, hm_w = self._img(m), np.zeros((self.hm_size, self.hm_size), np.float32), 0.0
            y = 1.0
        else:
            pool = self.extra if self.extra and rng.random() < 0.5 else self.reals
            m = pool[rng.integers(len(pool))]
            img = self._img(m)
            if self.p_light and rng.random() < self.p_light:
                img = relight(img, rng)
            if kind == 'sbi':
                rs = None
                if self.recon and rng.random() < self.p_recon:
                    ae = self.recon[rng.integers(len(self.recon))]
                    rs = lambda im: _resynth(ae, im)  # noqa: E731
                elif self.p_bi and rng.random() < self.p_bi:
                    cand = [self.reals[i] for i in rng.integers(len(self.reals), size=16)]
                    cand = [c for c in cand if c['path'] != m['path']] or cand
                    fits = [_pose_fit(m['kps'], c['kps']) for c in cand]
                    j = min(range(len(cand)), key=lambda i: fits[i][0])
                    if fits[j][1] is not None:
                        oimg, M = self._img(cand[j]), fits[j][1]
                        rs = lambda im: _partner_face(im, m['kps'], oimg, M)  # noqa: E731
                img, b = self_blend(img, np.array(m['kps'], np.float32), rng, m.get('lm68'), resynth=rs)
                y, hm_w = 1.0, 1.0
            else:
                b, y, hm_w = np.zeros(img.shape[:2], np.float32), 0.0, 1.0
        if rng.random() < 0.5:
            img = img[:, ::-1].copy()
            if kind != 'dev_fake':
                b = b[:, ::-1].copy()
        M, crop = model_crop(img, rng, jitter=0.06, size=self.size)
        crop = degrade(crop, rng)
        if kind != 'dev_fake':
            bc = cv2.warpAffine(b, M, (self.size, self.size), flags=cv2.INTER_LINEAR)
            hm = cv2.resize(bc, (self.hm_size, self.hm_size), interpolation=cv2.INTER_AREA)
        return crop, y, torch.from_numpy(hm), hm_w

    def batch(self, n, p_dev_fake):
        kinds = []
        for i in range(n):
            if i % 2 == 0:
                kinds.append('real')
            else:
                kinds.append('dev_fake' if self.fakes and self.rng.random() < p_dev_fake else 'sbi')
        items = [self.sample(k) for k in kinds]
        crops = [it[0] for it in items]
        if self.h264 and self.rng.random() < self.h264:
            crops = h264_roundtrip(crops, self.rng.integers(self.h264_qp[0], self.h264_qp[1] + 1))
        x = torch.stack([to_tensor(c) for c in crops])
        y = torch.tensor([it[1] for it in items]).float()
        hm = torch.stack([it[2] for it in items]).unsqueeze(1)
        hw = torch.tensor([it[3] for it in items]).float()
        return x, y, hm, hw


def predict(net, metas, device, bs=64, size=INPUT_SIZE):
    """Deterministic scoring (centre crop, no augmentation) of stored crops; returns logits and heatmaps mean."""
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(metas), bs):
            xs = []
            for m in metas[i:i + bs]:
                img = cv2.cvtColor(cv2.imread(m['path']), cv2.COLOR_BGR2RGB)
                xs.append(to_tensor(model_crop(img, size=size)[1]))
            logit, _ = net(torch.stack(xs).to(device))
            out.append(logit[:, 0].cpu())
    return torch.cat(out).numpy() if out else np.zeros(0)


def auc(y, s):
    y, s = np.asarray(y), np.asarray(s)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float('nan')
    order = np.argsort(np.concatenate([pos, neg]), kind='mergesort')
    ranks = np.empty(len(order)); ranks[order] = np.arange(1, len(order) + 1)
    # average ranks for ties
    allv = np.concatenate([pos, neg])
    _, inv, cnt = np.unique(allv, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, ranks); ranks = (sums / cnt)[inv]
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def load_teachers(runs, reals, seed, hm_size, size, batch, device, n_batches=8):
    """--teacher: the runs as one FaceEnsemble (eval mode, no gradient), each member's logit standardised with its mean
    and sd over n_batches training batches (real and SBI crops, no labels used) drawn by their own Sampler, so the
    training stream is unchanged."""
    from export_face import load_run
    nets, sizes = [], []
    for r in runs:
        _, _, tsize, tnet = load_run(r)
        for p in tnet.parameters():
            p.requires_grad_(False)
        nets.append(tnet.to(device))
        sizes.append(tsize)
    alone = [FaceEnsemble([n], [sz], [0.0], [1.0]).to(device).eval() for n, sz in zip(nets, sizes)]  # raw logit at its size
    samp = Sampler(reals, [], seed + 1000, hm_size, size)
    raw = [[] for _ in nets]
    with torch.no_grad():
        for _ in range(n_batches):
            x = samp.batch(batch, 0.0)[0].to(device)
            for i, e in enumerate(alone):
                raw[i].append(e(x)[0][:, 0])
    raw = [torch.cat(v) for v in raw]
    mu, sd = [float(v.mean()) for v in raw], [float(v.std()) for v in raw]
    print('teachers %s: logit mean %s, sd %s' % (runs, ['%.3f' % v for v in mu], ['%.3f' % v for v in sd]), flush=True)
    return dict(ens=FaceEnsemble(nets, sizes, mu, sd).to(device).eval(), mu=mu, sd=sd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--faces', required=True)
    ap.add_argument('--faceapi', required=True, help='path to @vladmandic/face-api/model')
    ap.add_argument('--human', default='', help='path to @vladmandic/human/models (--backbone mobilenet)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--exclude-sources', default='', help='sources not used for training at all (held out)')
    ap.add_argument('--exclude-groups', default='', help='split groups (identity pairs) held out')
    ap.add_argument('--dev-fakes', type=float, default=0.0, help='share of fake slots filled with dev-set fakes')
    ap.add_argument('--steps', type=int, default=600)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-4)
    ap.add_argument('--hm-weight', type=float, default=5.0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--backbone', default='resnet', choices=BACKBONES,
                    help='resnet: face-api face-recognition ResNet (150x150); dense: face-api landmark net (--input-size); mobilenet: human faceres MobileNet v1 (--input-size, --human)')
    ap.add_argument('--input-size', type=int, default=0, help='crop side for the dense and mobilenet backbones (default 160)')
    ap.add_argument('--freeze-upto', default=None, help="backbone blocks up to this one get no gradient ('' = none; "
                    "default conv64_3 for resnet, none for dense)")
    ap.add_argument('--sbi-extra-sources', default='', help='sources of fully generated faces also used as SBI sources '
                    '(half the samples, each shown unblended as class 0 and self-blended as class 1; e.g. '
                    'fakefaces_basemax,sdfd_sd21): more varied faces for the blend; they leave the held-out set')
    ap.add_argument('--sbi-mask', default='template', choices=('template', 'landmarks'),
                    help='blend region: face template from the 6 keypoints, or hulls of the 68 landmarks '
                    '(needs <faces>/landmarks68.json from landmarks68.py; faces whose landmarks miss fall back)')
    ap.add_argument('--hm-cls', action='store_true', help='image logit also from the top heatmap responses (Face X-ray style)')
    ap.add_argument('--h264', type=float, default=0.0, help='share of batches sent through an intra-only H.264 round trip '
                    '(ffmpeg libx264, random constant QP from --h264-qp), after the per-sample degradations')
    ap.add_argument('--h264-qp', default='22,40', help='QP range of --h264 (FF++ c40 is QP 40)')
    ap.add_argument('--sbi-recon', type=float, default=0.0, help='share of SBI samples whose blended-in face is re-synthesised '
                    'by one of the --sbi-recon-ae autoencoders (gen_recon.py) instead of colour/frequency-transformed')
    ap.add_argument('--sbi-recon-ae', default='face_shuffle', help='gen_recon.py checkpoint names for --sbi-recon')
    ap.add_argument('--bi', type=float, default=0.0, help='share of SBI samples whose blended-in face is another real '
                    'face (the closest pose of 16 drawn), aligned on the keypoints and colour-matched: Face X-ray\'s '
                    'blended images next to self-blends')
    ap.add_argument('--relight', type=float, default=0.0, help='share of real source faces relit before use, as reals '
                    'and as SBI sources alike (sbi.relight: smooth illumination field, exposure with clipping, gamma)')
    ap.add_argument('--init', default='', help='start from this model.pt (e.g. an SBI-only run)')
    ap.add_argument('--teacher', action='append', default=[], help='distillation: a trained run folder (repeat for an '
                    'ensemble); the student also regresses the sum of the teachers\' standardised logits (FaceEnsemble, '
                    'as v9 combines them) on every training crop')
    ap.add_argument('--distill', type=float, default=1.0, help='weight of the distillation loss (with --teacher)')
    ap.add_argument('--skip-heldout', action='store_true', help='score held-out faces later (score_face_run.py, export_face.py)')
    ap.add_argument('--max-minutes', type=float, default=1e9)
    ap.add_argument('--ckpt-every', type=int, default=500, help='also save model.pt every N steps (long CPU runs)')
    ap.add_argument('--keep-ckpts', action='store_true', help='keep every checkpoint as model_step<N>.pt (learning curves)')
    a = ap.parse_args()
    if a.backbone == 'resnet':
        assert a.input_size in (0, INPUT_SIZE), 'the resnet backbone takes %d x %d crops' % (INPUT_SIZE, INPUT_SIZE)
    a.input_size = a.input_size or (INPUT_SIZE if a.backbone == 'resnet' else 160)
    if a.freeze_upto is None:
        a.freeze_upto = 'conv64_3' if a.backbone == 'resnet' else ''
    torch.manual_seed(a.seed); np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    os.makedirs(a.out, exist_ok=True)
    ex_src = set(filter(None, a.exclude_sources.split(',')))
    ex_grp = set(filter(None, a.exclude_groups.split(',')))
    meta = load_faces(a.faces)
    train = [m for m in meta if m['source'] not in ex_src and m['group'] not in ex_grp and m['source'] not in GEN_SOURCES]
    reals = [m for m in train if m['y'] == 0 and m['face_px'] >= 48]
    fakes = [m for m in train if m['y'] == 1]
    extra_src = set(filter(None, a.sbi_extra_sources.split(',')))
    assert extra_src <= set(GEN_SOURCES), 'only fully generated face sources can be extra SBI sources: %s' % extra_src
    extra = [m for m in meta if m['source'] in extra_src and m['face_px'] >= 48]
    if a.sbi_mask == 'landmarks':
        print('68-point landmarks for %d of %d SBI source faces' % (attach_landmarks(reals + extra, a.faces), len(reals) + len(extra)))
    held = [m for m in meta if m['source'] in ex_src or m['group'] in ex_grp or (m['source'] in GEN_SOURCES and m['source'] not in extra_src)]
    if a.skip_heldout:
        held = []
    print('train reals %d, extra SBI sources %d, dev fakes %d (used: %s), held-out faces %d' % (len(reals), len(extra), len(fakes), a.dev_fakes > 0, len(held)), flush=True)

    net = build_net(a.backbone, a.hm_cls, a.faceapi, a.human)
    if a.init:
        net.load_state_dict(torch.load(a.init, map_location='cpu'), strict=False)
    net.backbone.freeze_upto = a.freeze_upto or None
    if a.freeze_upto:
        names = block_names(net)
        for n in names[:names.index(a.freeze_upto) + 1]:
            for p in block_module(net, n).parameters():
                p.requires_grad_(False)
    net.to(device)
    net.eval()
    with torch.no_grad():
        hm_size = net(torch.zeros(1, 3, a.input_size, a.input_size, device=device))[1].shape[-1]
    samp = Sampler(reals, fakes if a.dev_fakes > 0 else [], a.seed, hm_size, a.input_size, extra,
                   h264=a.h264, h264_qp=tuple(int(v) for v in a.h264_qp.split(',')), p_recon=a.sbi_recon,
                   recon=[load_ae(n) for n in a.sbi_recon_ae.split(',') if n] if a.sbi_recon else (), p_bi=a.bi,
                   p_light=a.relight)
    teachers = load_teachers(a.teacher, reals, a.seed, hm_size, a.input_size, a.batch, device) if a.teacher else None
    head = [p for n, p in net.named_parameters() if not n.startswith('backbone.')]
    params = [{'params': [p for p in net.backbone.parameters() if p.requires_grad], 'lr': a.lr},
              {'params': head, 'lr': a.lr * 5}]
    opt = torch.optim.AdamW(params, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[a.lr, a.lr * 5], total_steps=a.steps, pct_start=0.1)
    t0 = time.time()
    log = []
    for step in range(a.steps):
        net.train()
        for mod in net.backbone.modules():  # keep the converted scale layers as fixed affine (no batch stats)
            if isinstance(mod, nn.BatchNorm2d):
                mod.eval()
        x, y, hm, hw = samp.batch(a.batch, a.dev_fakes)
        x, y, hm, hw = x.to(device), y.to(device), hm.to(device), hw.to(device)
        logit, hml = net(x)
        l_cls = F.binary_cross_entropy_with_logits(logit[:, 0], y)
        l_hm = (F.binary_cross_entropy_with_logits(hml, hm, reduction='none').mean((1, 2, 3)) * hw).sum() / hw.sum().clamp(min=1)
        loss = l_cls + a.hm_weight * l_hm
        l_kd = torch.zeros(())
        if teachers is not None:
            with torch.no_grad():
                t = teachers['ens'](x)[0][:, 0]  # the sum of the teachers' standardised logits
            l_kd = F.mse_loss((logit[:, 0] - teachers['mu'][0]) / teachers['sd'][0], t)
            loss = loss + a.distill * l_kd
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if step % 20 == 0 or step == a.steps - 1:
            el = time.time() - t0
            print('step %d loss %.4f cls %.4f hm %.4f kd %.4f  %.1fs' % (step, loss.item(), l_cls.item(), l_hm.item(), l_kd.item(), el), flush=True)
            log.append(dict(step=step, loss=loss.item(), cls=l_cls.item(), hm=l_hm.item(), kd=l_kd.item(), t=el))
            if el > a.max_minutes * 60:
                print('time budget reached'); break
        if a.ckpt_every and step and step % a.ckpt_every == 0:
            torch.save(net.state_dict(), os.path.join(a.out, 'model.pt'))
            if a.keep_ckpts:
                torch.save(net.state_dict(), os.path.join(a.out, 'model_step%d.pt' % step))
            json.dump(dict(args=vars(a), log=log, n_reals=len(reals), n_fakes=len(fakes), partial_step=step),
                      open(os.path.join(a.out, 'train_log.json'), 'w'), indent=1)
    torch.save(net.state_dict(), os.path.join(a.out, 'model.pt'))
    if held:
        s = predict(net, held, device, size=a.input_size)
        res = {}
        for key in sorted({m['source'] for m in held}):
            idx = [i for i, m in enumerate(held) if m['source'] == key]
            res[key] = dict(n=len(idx), auc=auc([held[i]['y'] for i in idx], s[idx]))
        res['ALL'] = dict(n=len(held), auc=auc([m['y'] for m in held], s))
        print('held-out face-level AUC:', json.dumps(res), flush=True)
        json.dump(dict(scores=s.tolist(), files=[m['file'] for m in held]), open(os.path.join(a.out, 'heldout_scores.json'), 'w'))
    json.dump(dict(args=vars(a), log=log, n_reals=len(reals), n_fakes=len(fakes)), open(os.path.join(a.out, 'train_log.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
