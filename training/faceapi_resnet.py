"""face-api's face-recognition ResNet (dlib's metric ResNet-34-style net; MIT, npm @vladmandic/face-api)
rebuilt in PyTorch and loaded from the package's TFJS weights, plus a TFJS weights-manifest reader."""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_tfjs_weights(manifest_path):
    """Reads a TFJS *-weights_manifest.json and its .bin shards -> dict name -> float32 numpy (TF layouts)."""
    return read_weight_groups(json.load(open(manifest_path)), os.path.dirname(manifest_path))


def read_weight_groups(groups, d):
    """TFJS weight groups (a weights manifest, or a graph model's 'weightsManifest') whose shard paths are relative
    to folder d -> dict name -> numpy (float32; int32 tensors as int32; float16/uint8/uint16 quantisation undone)."""
    out = {}
    for group in groups:
        data = b''.join(open(os.path.join(d, p), 'rb').read() for p in group['paths'])
        off = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            q = w.get('quantization')
            if q:
                qd = {'uint8': np.uint8, 'uint16': np.uint16, 'float16': np.float16}[q['dtype']]
                raw = np.frombuffer(data, qd, n, off)
                off += n * np.dtype(qd).itemsize
                arr = raw.astype(np.float32) if q['dtype'] == 'float16' else raw.astype(np.float32) * q['scale'] + q['min']
            else:
                arr = np.frombuffer(data, np.int32 if w.get('dtype') == 'int32' else np.float32, n, off).copy()
                off += n * 4
            out[w['name']] = arr.reshape(w['shape'])
        assert off == len(data), (off, len(data))
    return out


class ConvScale(nn.Module):
    """conv (+bias) then a per-channel affine 'scale' layer (dlib's frozen BN)."""

    def __init__(self, cin, cout, k, stride, padding):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding, bias=True)
        self.bn = nn.BatchNorm2d(cout)  # initialised to the scale layer; fine-tunable

    def load(self, w, prefix):
        self.conv.weight.data = torch.from_numpy(w[prefix + '/conv/filters'].transpose(3, 2, 0, 1).copy())
        self.conv.bias.data = torch.from_numpy(w[prefix + '/conv/bias'].copy())
        self.bn.weight.data = torch.from_numpy(w[prefix + '/scale/weights'].copy())
        self.bn.bias.data = torch.from_numpy(w[prefix + '/scale/biases'].copy())
        self.bn.running_mean.zero_(); self.bn.running_var.fill_(1.0 - self.bn.eps)

    def forward(self, x):
        return self.bn(self.conv(x))


class Residual(nn.Module):
    def __init__(self, cin, cout, down):
        super().__init__()
        self.down = down
        self.c1 = ConvScale(cin, cout, 3, 2 if down else 1, 0 if down else 1)
        self.c2 = ConvScale(cout, cout, 3, 1, 1)
        self.cpad = cout - cin

    def load(self, w, prefix):
        self.c1.load(w, prefix + '/conv1'); self.c2.load(w, prefix + '/conv2')

    def forward(self, x):
        out = self.c2(F.relu(self.c1(x)))
        if self.down:
            sc = F.avg_pool2d(x, 2, 2)
            dh, dw = sc.shape[2] - out.shape[2], sc.shape[3] - out.shape[3]
            if dh or dw:
                out = F.pad(out, (0, dw, 0, dh))
            if self.cpad:
                sc = F.pad(sc, (0, 0, 0, 0, 0, self.cpad))
        else:
            sc = x
        return F.relu(out + sc)


class FaceResNet(nn.Module):
    """Input: NCHW RGB, (x - mean_rgb)/255 with mean [122.782,117.001,104.298]. Returns stage features."""

    SPEC = [('conv32_1', 32, 32, False), ('conv32_2', 32, 32, False), ('conv32_3', 32, 32, False),
            ('conv64_down', 32, 64, True), ('conv64_1', 64, 64, False), ('conv64_2', 64, 64, False), ('conv64_3', 64, 64, False),
            ('conv128_down', 64, 128, True), ('conv128_1', 128, 128, False), ('conv128_2', 128, 128, False),
            ('conv256_down', 128, 256, True), ('conv256_1', 256, 256, False), ('conv256_2', 256, 256, False),
            ('conv256_down_out', 256, 256, True)]

    def __init__(self):
        super().__init__()
        self.stem = ConvScale(3, 32, 7, 2, 0)
        self.blocks = nn.ModuleDict({n: Residual(a, b, d) for n, a, b, d in self.SPEC})

    def load_faceapi(self, manifest_path):
        w = read_tfjs_weights(manifest_path)
        self.stem.load(w, 'conv32_down')
        for n, *_ in self.SPEC:
            self.blocks[n].load(w, n)
        return w

    freeze_upto = None  # name of the last block run without gradients (cheap CPU fine-tuning)

    def forward(self, x):
        frozen = self.freeze_upto is not None and self.training
        with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen):
            x = F.relu(self.stem(x))
            x = F.max_pool2d(x, 3, 2)
        feats = {}
        for n, *_ in self.SPEC:
            with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen):
                x = self.blocks[n](x)
            if frozen and n == self.freeze_upto:
                frozen = False
                x = x.detach()
            if n in ('conv32_3', 'conv64_3', 'conv128_2', 'conv256_2', 'conv256_down_out'):
                feats[n] = x
        return feats
