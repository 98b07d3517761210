"""PyTorch ports of two TFJS graph models shipped in @vladmandic/human (MIT), read from the package's own files:

- `faceres.json`: the face-description net (HSE-asavchenko's MobileNet v1, alpha 1.0, 224x224 RGB in 0..255 as
  human feeds it; batch norm folded into the convolutions by the TFJS converter) with its age and gender heads.
  Its 13 depthwise-separable blocks are a general image backbone fine-tuned on faces: stride 2 at blocks 2, 4, 6
  and 12, so 1/4, 1/8, 1/16 and 1/32 feature maps are there for a heatmap head.
- `antispoof.json`: a three-convolution real-vs-fake face classifier (128x128 RGB in 0..1; credited to a Kaggle
  "fake face detection" notebook). Used only as a zero-shot comparison, never shipped.

`python3 training/human_models.py --human <node_modules/@vladmandic/human/models> --check <tfjs outputs json>`
compares the ports with the package's own TFJS execution (training/human_tfjs_check.mjs writes that file)."""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faceapi_dense import same_pad  # noqa
from faceapi_resnet import read_weight_groups  # noqa


def read_graph_model(model_json):
    """A TFJS graph model: (its model.json, dict name -> numpy in TF layouts of its weights from the .bin shards)."""
    j = json.load(open(model_json))
    return j, read_weight_groups(j['weightsManifest'], os.path.dirname(model_json))


def _conv_from_hwio(conv, k, b):
    conv.weight.data = torch.from_numpy(np.ascontiguousarray(k.transpose(3, 2, 0, 1)))
    conv.bias.data = torch.from_numpy(b.copy())


def _linear_from_tf(k, b):
    """nn.Linear from a TF dense kernel [in, out] and bias."""
    lin = nn.Linear(k.shape[0], k.shape[1])
    lin.weight.data = torch.from_numpy(np.ascontiguousarray(k.T))
    lin.bias.data = torch.from_numpy(b.copy())
    return lin


class DWBlock(nn.Module):
    """Depthwise 3x3 (folded BN: scale into the kernel, shift as bias), ReLU6, pointwise 1x1 (folded BN), ReLU6."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        self.dw = nn.Conv2d(cin, cin, 3, stride, 0, groups=cin, bias=True)
        self.pw = nn.Conv2d(cin, cout, 1, bias=True)

    def load(self, w, i):
        k = w['conv_dw_%d/depthwise_kernel' % i][:, :, :, 0] * w['conv_dw_%d_bn/batchnorm_1/mul' % i]  # H W C
        self.dw.weight.data = torch.from_numpy(np.ascontiguousarray(k.transpose(2, 0, 1)[:, None]))
        self.dw.bias.data = torch.from_numpy(w['conv_dw_%d_bn/batchnorm_1/sub' % i].copy())
        _conv_from_hwio(self.pw, w['conv_pw_%d/convolution/merged_input' % i], w['conv_pw_%d_bn/batchnorm_1/sub' % i])

    def forward(self, x):
        x = F.relu6(self.dw(same_pad(x, 3, self.stride)))
        return F.relu6(self.pw(x))


# (output channels, stride) of MobileNet v1's 13 blocks
MOBILENET_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1),
                    (512, 1), (512, 1), (1024, 2), (1024, 1))


class FaceResMobileNet(nn.Module):
    """human's faceres backbone. forward(x) with x NCHW RGB in 0..255 returns the feature maps named by the block
    that ends each resolution: b1 (64, 1/2), b3 (128, 1/4), b5 (256, 1/8), b11 (512, 1/16), b13 (1024, 1/32)."""

    TAPS = ('b1', 'b3', 'b5', 'b11', 'b13')

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, 2, 0, bias=True)
        cin = 32
        blocks = []
        for cout, s in MOBILENET_BLOCKS:
            blocks.append(DWBlock(cin, cout, s))
            cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.feats = None  # age/gender heads, only with load_human(keep_heads=True)

    def load_human(self, model_json, keep_heads=False):
        _, w = read_graph_model(model_json)
        _conv_from_hwio(self.conv1, w['conv1/convolution/merged_input'], w['conv1_bn/batchnorm_1/sub'])
        for i, b in enumerate(self.blocks, 1):
            b.load(w, i)
        if keep_heads:
            self.feats, self.gender, self.age = (_linear_from_tf(w[n + '/kernel'], w[n + '/bias'])
                                                 for n in ('feats', 'gender_pred', 'age_pred'))
        return self

    def forward(self, x):
        x = F.relu6(self.conv1(same_pad(x, 3, 2)))
        out = {}
        for i, b in enumerate(self.blocks, 1):
            x = b(x)
            if 'b%d' % i in self.TAPS:
                out['b%d' % i] = x
        return out

    def heads(self, x):
        """(pooled 1024-d descriptor, gender probability, age distribution) as human's graph computes them."""
        g = self.forward(x)['b13'].mean((2, 3))
        h = F.relu(self.feats(g))
        return g, torch.sigmoid(self.gender(h))[:, 0], torch.softmax(self.age(h), 1)


class AntiSpoof(nn.Module):
    """human's antispoof net: three (valid 3x3 conv, 2x2 max-pool, ReLU) stages, dense+ReLU, dense, sigmoid.
    forward(x): x NCHW RGB in 0..1 at 128x128 -> probability (human reads it as 'real')."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList()
        self.fc = nn.ModuleList()

    def load_human(self, model_json):
        j, w = read_graph_model(model_json)
        nodes = [n for n in j['modelTopology']['node'] if n['op'] in ('_FusedConv2D', '_FusedMatMul')]
        for n in nodes:
            k, b = w[n['input'][1]], w[n['input'][2]]
            if n['op'] == '_FusedConv2D':
                c = nn.Conv2d(k.shape[2], k.shape[3], k.shape[0], bias=True)
                _conv_from_hwio(c, k, b)
                self.convs.append(c)
            else:
                self.fc.append(_linear_from_tf(k, b))
        return self

    def forward(self, x):
        for c in self.convs:
            x = F.relu(F.max_pool2d(c(x), 2))
        x = x.permute(0, 2, 3, 1).flatten(1)  # TF flattens NHWC
        x = F.relu(self.fc[0](x))
        return torch.sigmoid(self.fc[1](x))[:, 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--human', required=True, help='node_modules/@vladmandic/human/models')
    ap.add_argument('--check', required=True, help='JSON from human_tfjs_check.mjs')
    a = ap.parse_args()
    ref = json.load(open(a.check))
    x224 = torch.tensor(ref['input224'], dtype=torch.float32).reshape(1, 224, 224, 3).permute(0, 3, 1, 2)  # 0..1
    x128 = torch.tensor(ref['input128'], dtype=torch.float32).reshape(1, 128, 128, 3).permute(0, 3, 1, 2)
    net = FaceResMobileNet().load_human(os.path.join(a.human, 'faceres.json'), keep_heads=True).eval()
    anti = AntiSpoof().load_human(os.path.join(a.human, 'antispoof.json')).eval()
    with torch.no_grad():
        g, gender, age = net.heads(x224 * 255)
        sp = anti(x128)
    for name, mine in (('descriptor', g), ('gender', gender), ('age', age), ('antispoof', sp)):
        theirs = np.asarray(ref[name], np.float32).reshape(mine.shape)
        err = np.abs(mine.numpy() - theirs).max()
        print('%-10s max |torch - tfjs| %.2e (max |tfjs| %.3f)' % (name, err, np.abs(theirs).max()))


if __name__ == '__main__':
    main()
