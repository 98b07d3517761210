"""Converts MediaPipe BlazeFace (Apache-2.0, npm @mediapipe/face_detection) to ONNX with
anchor decoding inside the graph.

Usage: python3 training/convert_blazeface.py --pkg training/node_modules/@mediapipe/face_detection \
          --variant full --out models/mg-face-detector.onnx

Outputs of the ONNX graph (all normalised to the model input, i.e. the letterboxed square):
  boxes [1,N,4] x1,y1,x2,y2; scores [1,N] sigmoid; landmarks [1,N,6,2] x,y
  (right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion; "right" = the
  subject's right, which appears on the image's left).
The app only thresholds and runs NMS.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn

from tflite_torch import TFLiteModule

VARIANTS = {
    # file, input size, strides, anchors per cell for each stride (SsdAnchorsCalculator, fixed size)
    'full': ('face_detection_full_range.tflite', 192, [4], [1]),
    'short': ('face_detection_short_range.tflite', 128, [8, 16], [2, 6]),
}


def anchor_centres(size, strides, per_cell):
    pts = []
    for s, k in zip(strides, per_cell):
        n = size // s
        for r in range(n):
            for c in range(n):
                for _ in range(k):
                    pts.append(((c + 0.5) / n, (r + 0.5) / n))
    return np.array(pts, dtype=np.float32)


class BlazeFaceDetector(nn.Module):
    """NCHW RGB input normalised to [-1,1]; returns decoded boxes, scores and landmarks."""

    def __init__(self, pkg, variant='full'):
        super().__init__()
        fname, size, strides, per_cell = VARIANTS[variant]
        self.net = TFLiteModule(os.path.join(pkg, fname))
        self.size = size
        self.register_buffer('anchors', torch.from_numpy(anchor_centres(size, strides, per_cell)))

    def forward(self, x):
        outs = self.net(x)
        reg = [o for o in outs if o.shape[-1] == 16][0]
        cls = [o for o in outs if o.shape[-1] == 1][0]
        reg = reg / float(self.size)  # pixel offsets -> normalised (fixed anchor size 1)
        a = self.anchors.unsqueeze(0)
        cx = reg[..., 0] + a[..., 0]
        cy = reg[..., 1] + a[..., 1]
        w, h = reg[..., 2], reg[..., 3]
        boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)
        scores = torch.sigmoid(torch.clamp(cls[..., 0], -100.0, 100.0))
        kp = reg[..., 4:16].reshape(reg.shape[0], reg.shape[1], 6, 2) + a.unsqueeze(2)
        return boxes, scores, kp


class TwoScaleBlazeFace(nn.Module):
    """One graph, two scales: the net runs on the 2·S input (small faces) and on its 2x2-average-pooled S
    version (large faces); candidates of both are concatenated, so the app still only thresholds + NMS."""

    def __init__(self, pkg, size=384):
        super().__init__()
        self.big = BlazeFaceDetector(pkg, 'full')
        self.big.size = size
        self.big.anchors = torch.from_numpy(anchor_centres(size, [4], [1]))
        self.small = BlazeFaceDetector(pkg, 'full')
        self.small.net = self.big.net  # shared weights
        self.size = size

    def forward(self, x):
        b1, s1, k1 = self.big(x)
        b2, s2, k2 = self.small(torch.nn.functional.avg_pool2d(x, 2))
        return torch.cat([b2, b1], 1), torch.cat([s2, s1], 1), torch.cat([k2, k1], 1)


def letterbox(img_rgb, size):
    """Centred letterbox into size×size (black padding). Returns tensor [-1,1] NCHW, scale, pad (x,y)."""
    import cv2
    h, w = img_rgb.shape[:2]
    s = size / max(h, w)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    canvas = np.zeros((size, size, 3), np.uint8)
    px, py = (size - nw) // 2, (size - nh) // 2
    canvas[py:py + nh, px:px + nw] = cv2.resize(img_rgb, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    t = torch.from_numpy(canvas).permute(2, 0, 1).float().div(255).sub(0.5).div(0.5).unsqueeze(0)
    return t, s, px, py


def nms(boxes, scores, iou=0.3):
    order = np.argsort(-scores)
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(boxes[i, 0], boxes[order[1:], 0]); yy1 = np.maximum(boxes[i, 1], boxes[order[1:], 1])
        xx2 = np.minimum(boxes[i, 2], boxes[order[1:], 2]); yy2 = np.minimum(boxes[i, 3], boxes[order[1:], 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        a = (boxes[i, 2] - boxes[i, 0]) * (boxes[i, 3] - boxes[i, 1])
        b = (boxes[order[1:], 2] - boxes[order[1:], 0]) * (boxes[order[1:], 3] - boxes[order[1:], 1])
        order = order[1:][inter / (a + b - inter + 1e-9) <= iou]
    return keep


def detect(model, img_rgb, thr=0.5, iou=0.3):
    """Runs the torch detector on an RGB uint8 image; returns list of (box_px[4], score, kps_px[6,2])."""
    t, s, px, py = letterbox(img_rgb, model.size)
    with torch.no_grad():
        b, sc, kp = model(t)
    b, sc, kp = b[0].numpy() * model.size, sc[0].numpy(), kp[0].numpy() * model.size
    m = sc >= thr
    b, sc, kp = b[m], sc[m], kp[m]
    keep = nms(b, sc, iou)
    res = []
    for i in keep:
        bb = (b[i] - [px, py, px, py]) / s
        kk = (kp[i] - [px, py]) / s
        res.append((bb, float(sc[i]), kk))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pkg', required=True, help='path to training/node_modules/@mediapipe/face_detection (npm ci --prefix training)')
    ap.add_argument('--variant', default='full', choices=list(VARIANTS))
    ap.add_argument('--out', required=True)
    ap.add_argument('--size', type=int, default=0, help='input size override (full-range only; pixel-space decoding)')
    ap.add_argument('--two-scale', action='store_true', help='input --size (default 384) run at full and half scale in one graph')
    a = ap.parse_args()
    torch.manual_seed(0)
    m = BlazeFaceDetector(a.pkg, a.variant).eval()
    if a.two_scale:
        m = TwoScaleBlazeFace(a.pkg, a.size or 384).eval()
    elif a.size:
        assert a.variant == 'full'
        m.size = a.size
        m.anchors = torch.from_numpy(anchor_centres(a.size, [4], [1]))
    x = torch.zeros(1, 3, m.size, m.size)
    torch.onnx.export(m, x, a.out, input_names=['image'], output_names=['boxes', 'scores', 'landmarks'],
                      opset_version=13, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(a.out))
    print('wrote', a.out, os.path.getsize(a.out), 'bytes')


if __name__ == '__main__':
    main()
