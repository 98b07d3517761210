"""Self-made generator traces for mg-gen-residual: real pictures re-synthesised by small conv autoencoders.

Why: mg-gen-residual learns from DEV fakes of 12 generators and fails on the generators it has not seen that
differ most (leave-one-source-out: GAN faces 0.49, SD 2.1 faces 0.64). The SBI idea for face swaps -- make the
pseudo-fakes yourself from real media -- has an analogue for generated pictures: pass a real picture through a
generator-like decoder and keep its content, so that the only difference between the pair is how the pixels were
produced (upsampling layers, a final convolution, no camera demosaicing). Zhang, Karaman & Chang (WIFS 2019,
"AutoGAN") did this with a CycleGAN-shaped autoencoder; Rajan et al. (2024, "aligned datasets") with the latent
diffusion VAE. Here several small autoencoders, each with a different upsampling type in its decoder (transposed
convolution, nearest + conv, bilinear + conv, pixel shuffle), are trained on the DEV real pictures only (no label
is used; no fake is seen) and then re-synthesise every real picture at its native size.

Usage:
  python3 training/gen_recon.py train --data ../shared/datasets --up tconv      # writes .cache/recon/ae_tconv.pt
  python3 training/gen_recon.py features --data ../shared/datasets --up tconv   # .cache/recon/feat_tconv_s1_a3.npz
train_gen_residual.py --recon tconv,nearest,... then adds the reconstructions as fakes (see there).
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CACHE, load_image_rgb  # noqa

UPS = ('tconv', 'nearest', 'bilinear', 'shuffle')
RECON = os.path.join(CACHE, 'recon')


def up_layer(kind, cin, cout):
    if kind == 'tconv':
        return nn.ConvTranspose2d(cin, cout, 4, 2, 1)
    if kind == 'shuffle':
        return nn.Sequential(nn.Conv2d(cin, cout * 4, 3, 1, 1), nn.PixelShuffle(2))
    return nn.Sequential(nn.Upsample(scale_factor=2, mode=kind, **({} if kind == 'nearest' else {'align_corners': False})),
                         nn.Conv2d(cin, cout, 3, 1, 1))


class ReconAE(nn.Module):
    """Encoder to 1/4 resolution, `bottleneck` channels there, decoder with two `up` upsamplings; tanh output."""

    def __init__(self, up, widths=(16, 32, 64), bottleneck=24):
        super().__init__()
        c0, c1, c2 = widths
        act = lambda: nn.LeakyReLU(0.2)  # noqa: E731
        self.enc = nn.Sequential(nn.Conv2d(3, c0, 3, 1, 1), act(), nn.Conv2d(c0, c1, 4, 2, 1), act(),
                                 nn.Conv2d(c1, c2, 4, 2, 1), act(), nn.Conv2d(c2, bottleneck, 1))
        self.dec = nn.Sequential(nn.Conv2d(bottleneck, c2, 3, 1, 1), act(), nn.Conv2d(c2, c2, 3, 1, 1), act(),
                                 up_layer(up, c2, c1), act(), up_layer(up, c1, c0), act(), nn.Conv2d(c0, 3, 3, 1, 1), nn.Tanh())

    def forward(self, x):
        """x: [N,3,H,W] in [-1,1], H and W multiples of 4."""
        return self.dec(self.enc(x))


LAPLACE = torch.tensor([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], dtype=torch.float32).view(1, 1, 3, 3).repeat(3, 1, 1, 1)


def loss_fn(y, x):
    """L1 on pixels plus L1 on a Laplacian high-pass, so that a blurry reconstruction is not the cheap answer."""
    return F.l1_loss(y, x) + F.l1_loss(F.conv2d(y, LAPLACE, groups=3), F.conv2d(x, LAPLACE, groups=3))


def real_rows(data):
    from train_gen_residual import rows_for
    return [r for r in rows_for(data) if r['y'] == 0]


def to_t(img):
    return torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1).float().div(127.5).sub(1)


def train(a):
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    srcs = [x for x in a.sources.split(',') if x]
    imgs = [load_image_rgb(r['path']) for r in real_rows(a.data) if not srcs or r['source'] in srcs]
    imgs = [im for im in imgs if min(im.shape[:2]) >= a.crop]
    print('training %s autoencoder on %d real pictures' % (a.up, len(imgs)), flush=True)
    m = ReconAE(a.up)
    opt = torch.optim.Adam(m.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.steps, pct_start=0.1)
    t0, run = time.time(), 0.0
    for step in range(a.steps):
        batch = []
        for _ in range(a.batch):
            im = imgs[rng.integers(len(imgs))]
            y0, x0 = rng.integers(0, im.shape[0] - a.crop + 1), rng.integers(0, im.shape[1] - a.crop + 1)
            c = im[y0:y0 + a.crop, x0:x0 + a.crop]
            batch.append(to_t(c[:, ::-1] if rng.random() < 0.5 else c))
        x = torch.stack(batch)
        loss = loss_fn(m(x), x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run = 0.98 * run + 0.02 * loss.item() if step else loss.item()
        if step % 100 == 0 or step == a.steps - 1:
            print('step %d loss %.4f %.0fs' % (step, run, time.time() - t0), flush=True)
    os.makedirs(RECON, exist_ok=True)
    torch.save(dict(state=m.state_dict(), up=a.up, seed=a.seed, steps=a.steps, sources=srcs),
               os.path.join(RECON, 'ae_%s.pt' % (a.name or a.up)))


def load_ae(name):
    ck = torch.load(os.path.join(RECON, 'ae_%s.pt' % name))
    m = ReconAE(ck['up'])
    m.load_state_dict(ck['state'])
    return m.eval()


@torch.no_grad()
def reconstruct(m, img, tile=512):
    """img HxWx3 uint8 -> the autoencoder's re-synthesis of its top-left part whose sides are multiples of 4 (up to 3
    edge rows / columns are dropped), rounded to uint8 as a generator's output would be. Large pictures go through in tiles with a 16-px overlap."""
    h, w = (img.shape[0] // 4) * 4, (img.shape[1] // 4) * 4
    x = to_t(img[:h, :w]).unsqueeze(0)
    if h * w <= tile * tile:
        y = m(x)
    else:
        y = torch.zeros_like(x)
        pad = 16
        for ty in range(0, h, tile):
            for tx in range(0, w, tile):
                y0, x0 = max(0, ty - pad), max(0, tx - pad)
                y1, x1 = min(h, ty + tile + pad), min(w, tx + tile + pad)
                out = m(x[:, :, y0:y1, x0:x1])
                yy1, xx1 = min(h, ty + tile), min(w, tx + tile)
                y[:, :, ty:yy1, tx:xx1] = out[:, :, ty - y0:yy1 - y0, tx - x0:xx1 - x0]
    return ((y[0].permute(1, 2, 0) + 1) * 127.5).round().clamp(0, 255).byte().numpy()


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b[:a.shape[0], :a.shape[1]].astype(np.float64)) ** 2)
    return 10 * np.log10(255 ** 2 / max(mse, 1e-10))


def features(a):
    from train_gen_residual import view_features
    m = load_ae(a.up)
    rows = real_rows(a.data)
    rng = np.random.default_rng(a.seed)
    clean, aug, ps = [], [], []
    t0 = time.time()
    for i, r in enumerate(rows):
        img = load_image_rgb(r['path'])
        rec = reconstruct(m, img)
        ps.append(psnr(rec, img))
        c, v = view_features(rec, a.n_aug, rng)
        clean.append(c)
        aug.append(v)
        if i % 100 == 0:
            print('features %s %d/%d %.0fs, median PSNR so far %.1f dB' % (a.up, i, len(rows), time.time() - t0, np.median(ps)), flush=True)
    np.savez(os.path.join(RECON, 'feat_%s_s%d_a%d.npz' % (a.up, a.seed, a.n_aug)), clean=np.array(clean, np.float32),
             aug=np.array(aug, np.float32), relpaths=np.array([r['relpath'] for r in rows]), psnr=np.array(ps))
    print('%s: median PSNR %.1f dB (min %.1f)' % (a.up, np.median(ps), np.min(ps)), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('cmd', choices=('train', 'features'))
    ap.add_argument('--data', required=True)
    ap.add_argument('--up', choices=UPS, required=True)
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--crop', type=int, default=64)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--n-aug', type=int, default=3)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--sources', default='', help='train on the reals of these sources only (default: every real still)')
    ap.add_argument('--name', default='', help='checkpoint name (default: the --up kind)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    (train if a.cmd == 'train' else features)(a)


if __name__ == '__main__':
    main()
