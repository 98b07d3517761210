"""MGFaceNet: face-api's pretrained face ResNet backbone + classification head + blending-boundary heatmap head."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from faceapi_resnet import FaceResNet

MEAN_RGB = [122.782, 117.001, 104.298]
INPUT_SIZE = 150


class MGFaceNet(nn.Module):
    def __init__(self):
        super().__init__()
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
        return self.cls(g), hm


class ExportWrapper(nn.Module):
    """ONNX export: raw RGB 0..255 NCHW handled by the manifest's scale/mean; outputs logit + sigmoid heatmap."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        logit, hm = self.net(x)
        return logit, torch.sigmoid(hm)
