"""mg-gen-residual: generated-image detector on native-resolution residual co-occurrences.

Why this and not a spectrum of a resized frame (mg-gen-spectrum, LOSO AUC 0.61): every resampling step
blurs exactly the traces that separate generator output from camera output (upsampling layers leave
correlations between neighbouring pixels; cameras leave demosaicing correlations between colour channels).
So the model reads the central crop of the frame at its native pixels, never resampled, and summarises it
as histograms that do not depend on the crop size:

- luma: first- and second-order pixel differences, truncated to [-T, T], third-order co-occurrences along
  rows and columns (SPAM-style, as in steganalysis rich models; Nataraj et al. 2019 used co-occurrences for
  GAN images);
- "neighbouring pixel relationships" (Tan et al., CVPR 2024): each pixel of a 2x2 cell minus the cell's
  top-left pixel, per colour channel (the signature of nearest/transposed-conv upsampling);
- chroma: co-occurrences of differences of R-G and B-G (camera demosaicing correlates colour channels;
  generators do not reproduce it; McCloskey & Albright 2019) and of R-G / B-G themselves.

Features -> log -> standardise -> logistic regression. The graph takes [1,3,H,W] RGB 0..255 with any H, W
(the app sends the central min(256, side) crop, unresampled). No heatmap: the statistics are global.
"""
import numpy as np
import torch
import torch.nn as nn

T = 3
L = 2 * T + 1
CROP = 256
N_COOC = L ** 3
N_FEAT = 5 * N_COOC + 9 * L
LUMA = (0.299, 0.587, 0.114)


# ---------- numpy reference (fast, for training) ----------

def _cooc_np(r, axis):
    q = np.clip(np.round(r), -T, T).astype(np.int64) + T
    if axis == 1:
        a, b, c = q[:, :-2], q[:, 1:-1], q[:, 2:]
    else:
        a, b, c = q[:-2], q[1:-1], q[2:]
    h = np.bincount(((a * L + b) * L + c).ravel(), minlength=N_COOC).astype(np.float64)
    return h / max(1.0, h.sum())


def center_crop(img, size=CROP):
    h, w = img.shape[:2]
    ch, cw = min(size, h), min(size, w)
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    return img[y0:y0 + ch, x0:x0 + cw]


def features_np(crop):
    """crop: HxWx3 uint8 RGB (already cropped, native pixels) -> float64 [N_FEAT] histograms."""
    x = crop.astype(np.float32)
    g = x @ np.array(LUMA, np.float32)
    out = [(_cooc_np(g[:, 1:] - g[:, :-1], 1) + _cooc_np(g[1:] - g[:-1], 0)) / 2,
           (_cooc_np((g[:, :-2] - 2 * g[:, 1:-1] + g[:, 2:]) / 2, 1) + _cooc_np((g[:-2] - 2 * g[1:-1] + g[2:]) / 2, 0)) / 2]
    eh, ew = (x.shape[0] // 2) * 2, (x.shape[1] // 2) * 2
    xe = x[:eh, :ew]
    base = xe[::2, ::2]
    for dy, dx in ((0, 1), (1, 0), (1, 1)):
        q = (np.clip(np.round(xe[dy::2, dx::2] - base), -T, T) + T).astype(np.int64)
        for ch in range(3):
            hh = np.bincount(q[..., ch].ravel(), minlength=L).astype(np.float64)
            out.append(hh / max(1.0, hh.sum()))
    cr, cb = x[..., 0] - x[..., 1], x[..., 2] - x[..., 1]
    out.append((_cooc_np(cr[:, 1:] - cr[:, :-1], 1) + _cooc_np(cr[1:] - cr[:-1], 0)) / 2)
    out.append((_cooc_np(cb[:, 1:] - cb[:, :-1], 1) + _cooc_np(cb[1:] - cb[:-1], 0)) / 2)
    out.append((_cooc_np(cr / 2, 1) + _cooc_np(cb / 2, 0)) / 2)
    return np.concatenate(out)


# ---------- torch / ONNX graph (same numbers) ----------

class ResidualFeatures(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('levels', torch.arange(L, dtype=torch.float32).view(L, 1, 1))
        self.register_buffer('levels4', torch.arange(L, dtype=torch.float32).view(L, 1, 1, 1))
        self.register_buffer('luma', torch.tensor(LUMA).view(3, 1, 1))

    def onehot(self, r):
        q = torch.clamp(torch.round(r), -T, T) + T
        return (q.unsqueeze(0) == (self.levels if r.dim() == 2 else self.levels4)).float()  # [L,...]

    def cooc(self, r, axis):
        o = self.onehot(r)
        if axis == 1:
            a, b, c = o[:, :, :-2], o[:, :, 1:-1], o[:, :, 2:]
        else:
            a, b, c = o[:, :-2, :], o[:, 1:-1, :], o[:, 2:, :]
        ab = (a.unsqueeze(1) * b.unsqueeze(0)).reshape(L * L, -1)  # [L*L, n]
        h = torch.matmul(ab, c.reshape(L, -1).t()).reshape(-1)  # [L^3], index (a*L+b)*L+c
        return h / h.sum().clamp(min=1.0)

    def forward(self, img):
        """img: [1,3,H,W] RGB 0..255 (any H, W >= 4) -> [1, N_FEAT]."""
        x = img[0]
        g = (x * self.luma).sum(0)
        out = [(self.cooc(g[:, 1:] - g[:, :-1], 1) + self.cooc(g[1:] - g[:-1], 0)) / 2,
               (self.cooc((g[:, :-2] - 2 * g[:, 1:-1] + g[:, 2:]) / 2, 1) + self.cooc((g[:-2] - 2 * g[1:-1] + g[2:]) / 2, 0)) / 2]
        H, W = x.shape[1], x.shape[2]
        xe = x[:, :(H // 2) * 2, :(W // 2) * 2]
        base = xe[:, ::2, ::2]
        for dy, dx in ((0, 1), (1, 0), (1, 1)):
            o = self.onehot(xe[:, dy::2, dx::2] - base)  # [L,3,h,w]
            cnt = o.sum((2, 3))  # [L,3]
            out.extend(list((cnt / cnt.sum(0, keepdim=True).clamp(min=1.0)).t()))
        cr, cb = x[0] - x[1], x[2] - x[1]
        out.append((self.cooc(cr[:, 1:] - cr[:, :-1], 1) + self.cooc(cr[1:] - cr[:-1], 0)) / 2)
        out.append((self.cooc(cb[:, 1:] - cb[:, :-1], 1) + self.cooc(cb[1:] - cb[:-1], 0)) / 2)
        out.append((self.cooc(cr / 2, 1) + self.cooc(cb / 2, 0)) / 2)
        return torch.cat(out).unsqueeze(0)


class GenResidualDetector(nn.Module):
    def __init__(self):
        super().__init__()
        self.feat = ResidualFeatures()
        self.register_buffer('mu', torch.zeros(N_FEAT))
        self.register_buffer('sd', torch.ones(N_FEAT))
        self.lin = nn.Linear(N_FEAT, 1)

    def head(self, f):
        """f: raw histograms [N, N_FEAT] -> logit [N,1]."""
        return self.lin((torch.log(f + 1e-4) - self.mu) / self.sd)

    def forward(self, img):
        return self.head(self.feat(img))
