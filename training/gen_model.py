"""mg-gen-spectrum: spectral generated-image detector (after Durall et al., CVPR 2020; Frank et al., ICML 2020).

Image (stretched to 256x256, RGB 0..255) -> luma -> 2-D DFT (as constant matrix products, so it exports to
any ONNX runtime) -> log power, centred -> polar resampling (grid_sample) -> per-radius mean and max over
angle (the max keeps the periodic upsampling peaks that a plain azimuthal average blurs) -> standardise
-> small MLP -> logit. No heatmap (a frequency cue has no useful per-pixel localisation)."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIZE = 256
N_R = 96
N_T = 64


def dft_mats(n):
    k = np.arange(n)
    shift = np.roll(k, n // 2)  # row order so that frequency 0 lands at the centre (fftshift)
    ang = 2 * np.pi * np.outer(shift, k) / n
    return torch.from_numpy(np.cos(ang).astype(np.float32)), torch.from_numpy(-np.sin(ang).astype(np.float32))


def polar_grid(n_r=N_R, n_t=N_T):
    r = (np.arange(n_r) + 1) / n_r  # 0 < r <= 1 (normalised to Nyquist)
    t = np.arange(n_t) / n_t * np.pi  # half circle: the spectrum of a real image is symmetric
    xx = r[:, None] * np.cos(t)[None, :]
    yy = r[:, None] * np.sin(t)[None, :]
    g = np.stack([xx, yy], -1).astype(np.float32)  # [n_r, n_t, 2] in grid_sample coords (-1..1)
    return torch.from_numpy(g * (SIZE // 2 - 1) / (SIZE / 2)).unsqueeze(0)


class SpectralFeatures(nn.Module):
    def __init__(self):
        super().__init__()
        c, s = dft_mats(SIZE)
        self.register_buffer('C', c)
        self.register_buffer('S', s)
        self.register_buffer('grid', polar_grid())
        self.register_buffer('luma', torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1))

    def forward(self, x, use_fft=False):
        """x: [N,3,256,256] RGB 0..255 -> [N, 2*N_R] features."""
        y = (x * self.luma).sum(1) / 255.0
        y = y - y.mean((1, 2), keepdim=True)
        if use_fft:
            f = torch.fft.fftshift(torch.fft.fft2(y), dim=(-2, -1))
            p = f.real ** 2 + f.imag ** 2
        else:
            # X = A y B^T with A = C + iS over rows, B likewise over columns
            a_re = torch.matmul(self.C, y); a_im = torch.matmul(self.S, y)
            re = torch.matmul(a_re, self.C.t()) - torch.matmul(a_im, self.S.t())
            im = torch.matmul(a_re, self.S.t()) + torch.matmul(a_im, self.C.t())
            p = re * re + im * im
        lp = torch.log(p + 1e-3).unsqueeze(1)  # [N,1,H,W]
        pol = F.grid_sample(lp, self.grid.expand(x.shape[0], -1, -1, -1), mode='bilinear', align_corners=False)
        pol = pol[:, 0]  # [N, n_r, n_t]
        mean = pol.mean(2)
        mx = pol.max(2)[0]
        mean = mean - mean[:, :8].mean(1, keepdim=True)  # remove overall energy (contrast) level
        return torch.cat([mean, mx - pol.mean(2)], 1)


class GenDetector(nn.Module):
    def __init__(self, n_feat=2 * N_R, hidden=64):
        super().__init__()
        self.feat = SpectralFeatures()
        self.register_buffer('mu', torch.zeros(n_feat))
        self.register_buffer('sd', torch.ones(n_feat))
        self.mlp = nn.Sequential(nn.Dropout(0.2), nn.Linear(n_feat, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, 1))

    def head(self, f):
        return self.mlp((f - self.mu) / self.sd)

    def forward(self, x):
        return self.head(self.feat(x))
