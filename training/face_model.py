"""MGFaceNet: face-api's pretrained face ResNet backbone + classification head + blending-boundary heatmap head."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from faceapi_resnet import FaceResNet

MEAN_RGB = [122.782, 117.001, 104.298]
INPUT_SIZE = 150


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


class ExportWrapper(nn.Module):
    """ONNX export: raw RGB 0..255 NCHW handled by the manifest's scale/mean; outputs logit + sigmoid heatmap."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        logit, hm = self.net(x)
        return logit, torch.sigmoid(hm)
