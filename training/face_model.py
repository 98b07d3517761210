"""The face-manipulation nets: a pretrained face backbone + classification head + blending-boundary heatmap head.
MGFaceNet: face-api's face-recognition ResNet (150x150). MGFaceDenseNet: face-api's landmark net (any size).
MGFaceMobileNet: @vladmandic/human's face-description MobileNet v1 (any size; tried in session 6, not shipped)."""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from faceapi_resnet import FaceResNet
from faceapi_dense import FaceDenseNet
from human_models import FaceResMobileNet

MEAN_RGB = [122.782, 117.001, 104.298]
INPUT_SIZE = 150  # the ResNet's input; the dense net takes --input-size
BACKBONES = ('resnet', 'dense', 'mobilenet')


class MGFaceNet(nn.Module):
    def __init__(self, hm_cls=False):
        super().__init__()
        self.hm_cls = hm_cls  # Face X-ray style: the image logit also reads the strongest heatmap responses
        self.hm_w = nn.Parameter(torch.tensor([1.0, 0.0]))
        self.backbone = FaceResNet()
        self.cls = nn.Sequential(nn.Dropout(0.3), nn.Linear(128 + 256, 1))
        self.hm = nn.Sequential(nn.Conv2d(32 + 64 + 128, 48, 1), nn.ReLU(inplace=True),
                                nn.Conv2d(48, 48, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(48, 1, 1))

    def forward(self, x):
        """x: NCHW RGB normalised as (x - MEAN_RGB)/255. Returns (logit [N,1], heatmap logits [N,1,h,w])."""
        f = self.backbone(x)
        a, b, c = f['conv32_3'], f['conv64_3'], f['conv128_2']
        size = a.shape[2:]
        hm = self.hm(torch.cat([a, F.interpolate(b, size=size, mode='bilinear', align_corners=False),
                                F.interpolate(c, size=size, mode='bilinear', align_corners=False)], 1))
        g = torch.cat([c.mean((2, 3)), f['conv256_down_out'].mean((2, 3))], 1)
        logit = self.cls(g)
        if self.hm_cls:
            top = torch.topk(hm.flatten(1), 16, dim=1)[0].mean(1, keepdim=True)
            logit = logit + self.hm_w[0] * top + self.hm_w[1]
        return logit, hm


class MGFaceDenseNet(nn.Module):
    """face-api's landmark net (four dense blocks, 32-64-128-256 channels at 1/2..1/16 of the input). Heatmap
    FPN-style: the 1/4, 1/8 and 1/16 features each projected to 32 channels at their own resolution, upsampled to
    1/4 and summed, then a separable 3x3 and a 1x1 (cheap next to the backbone); logit from the pooled 1/8 and 1/16
    features (+ the strongest heatmap responses with hm_cls). Subclasses swap the backbone via make_backbone/taps."""

    HM_CHANNELS = (64, 128, 256)  # the maps the heatmap reads, finest first
    CLS_CHANNELS = 128 + 256      # the pooled maps the logit reads

    def __init__(self, hm_cls=False):
        super().__init__()
        self.hm_cls = hm_cls
        self.hm_w = nn.Parameter(torch.tensor([1.0, 0.0]))
        self.backbone = self.make_backbone()
        self.cls = nn.Sequential(nn.Dropout(0.3), nn.Linear(self.CLS_CHANNELS, 1))
        self.proj = nn.ModuleList([nn.Conv2d(c, 32, 1) for c in self.HM_CHANNELS])
        self.hm = nn.Sequential(nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1, groups=32), nn.Conv2d(32, 32, 1),
                                nn.ReLU(), nn.Conv2d(32, 1, 1))

    def make_backbone(self):
        return FaceDenseNet()

    def taps(self, x):
        """(maps for the heatmap, maps pooled for the logit)."""
        f = self.backbone(x)
        return (f['dense1'], f['dense2'], f['dense3']), (f['dense2'], f['dense3'])

    def forward(self, x):
        feats, pooled = self.taps(x)
        size = feats[0].shape[2:]
        acc = self.proj[0](feats[0])
        for p, t in zip(self.proj[1:], feats[1:]):
            acc = acc + F.interpolate(p(t), size=size, mode='bilinear', align_corners=False)
        hm = self.hm(acc)
        logit = self.cls(torch.cat([t.mean((2, 3)) for t in pooled], 1))
        if self.hm_cls:
            top = torch.topk(hm.flatten(1), 16, dim=1)[0].mean(1, keepdim=True)
            logit = logit + self.hm_w[0] * top + self.hm_w[1]
        return logit, hm


class MGFaceMobileNet(MGFaceDenseNet):
    """@vladmandic/human's face-description MobileNet v1 (human_models.py) with MGFaceDenseNet's heads: heatmap from
    the 1/4, 1/8 and 1/16 maps (128, 256, 512 channels), logit from the pooled 1/16 and 1/32 maps (512 + 1024). Takes
    the same normalised input as the other nets and restores the 0..255 range the backbone was trained on."""

    HM_CHANNELS = (128, 256, 512)
    CLS_CHANNELS = 512 + 1024

    def __init__(self, hm_cls=False):
        super().__init__(hm_cls)
        self.register_buffer('mean', torch.tensor(MEAN_RGB).view(1, 3, 1, 1), persistent=False)

    def make_backbone(self):
        return FaceResMobileNet()

    def taps(self, x):
        f = self.backbone(x * 255.0 + self.mean)
        return (f['b3'], f['b5'], f['b11']), (f['b11'], f['b13'])


def build_net(backbone='resnet', hm_cls=False, faceapi=None, human=None):
    """The net for a run's --backbone; with faceapi (face-api's model folder) or human (@vladmandic/human's model
    folder, for 'mobilenet') loads the pretrained weights."""
    if backbone == 'mobilenet':
        net = MGFaceMobileNet(hm_cls=hm_cls)
        if human:
            net.backbone.load_human(os.path.join(human, 'faceres.json'))
    elif backbone == 'dense':
        net = MGFaceDenseNet(hm_cls=hm_cls)
        if faceapi:
            net.backbone.load_faceapi(os.path.join(faceapi, 'face_landmark_68_model-weights_manifest.json'))
    elif backbone == 'resnet':
        net = MGFaceNet(hm_cls=hm_cls)
        if faceapi:
            net.backbone.load_faceapi(os.path.join(faceapi, 'face_recognition_model-weights_manifest.json'))
    else:
        raise ValueError('unknown backbone %r' % backbone)
    return net


def block_names(net):
    """Backbone stages in order (for --freeze-upto). MGFaceMobileNet subclasses MGFaceDenseNet: test it first."""
    if isinstance(net, MGFaceMobileNet):
        return ['conv1'] + ['b%d' % i for i in range(1, 14)]
    if isinstance(net, MGFaceDenseNet):
        return list(FaceDenseNet.NAMES)
    return ['stem'] + [n for n, *_ in net.backbone.SPEC]


def block_module(net, name):
    if isinstance(net, MGFaceMobileNet):
        return net.backbone.conv1 if name == 'conv1' else net.backbone.blocks[int(name[1:]) - 1]
    if isinstance(net, MGFaceDenseNet):
        return net.backbone.blocks[name]
    return net.backbone.stem if name == 'stem' else net.backbone.blocks[name]


class ExportWrapper(nn.Module):
    """ONNX export: raw RGB 0..255 NCHW handled by the manifest's scale/mean; outputs logit + sigmoid heatmap."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        logit, hm = self.net(x)
        return logit, torch.sigmoid(hm)


class FaceEnsemble(nn.Module):
    """Several trained face nets as one graph on one crop: each member sees the crop resized to its own input side
    (bilinear), its logit is standardised with constants measured on unlabelled held-out faces, and the logits are
    summed; the heatmaps are averaged as probabilities at the first member's resolution. forward() returns
    (logit, heatmap probability) like ExportWrapper."""

    def __init__(self, nets, sizes, means, stds):
        super().__init__()
        self.members = nn.ModuleList(nets)
        self.sizes = list(sizes)
        self.register_buffer('mu', torch.tensor(means, dtype=torch.float32))
        self.register_buffer('sd', torch.tensor(stds, dtype=torch.float32))

    def forward(self, x):
        logit, hm = None, None
        for i, (net, size) in enumerate(zip(self.members, self.sizes)):
            xi = x if x.shape[-1] == size else F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False)
            li, hi = net(xi)
            li = (li - self.mu[i]) / self.sd[i]
            hi = torch.sigmoid(hi)
            if hm is None:
                logit, hm = li, hi
            else:
                logit = logit + li
                hm = hm + F.interpolate(hi, size=hm.shape[2:], mode='bilinear', align_corners=False)
        return logit, hm / len(self.members)
