"""face-api's 68-point face-landmark net (MIT, npm @vladmandic/face-api `face_landmark_68_model`) rebuilt in
PyTorch: four dense blocks of depthwise-separable convolutions (32-64-128-256 channels), each halving the
resolution. Trained to place landmarks to the pixel, so its early features keep the fine detail a blend leaves;
about 50 MMAC at its native 112x112 input (the face-recognition ResNet: 280 MMAC at 150x150).

The convolutions follow TensorFlow's 'same' padding exactly (for stride 2 the extra pixel goes after), so the
converted weights see what they were trained on. `check_landmarks()` runs the landmark head as a sanity check."""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from faceapi_resnet import read_tfjs_weights


def same_pad(x, k, stride):
    """TensorFlow 'same' padding for a k x k kernel: total = max((ceil(n/s)-1)*s + k - n, 0), the odd pixel after."""
    pads = []
    for n in (x.shape[3], x.shape[2]):
        n = int(n)
        out = -(-n // stride)
        total = max((out - 1) * stride + k - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


class SepConv(nn.Module):
    """Depthwise 3x3 (no bias) then pointwise 1x1 with bias: tf.separableConv2d + bias."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        # stride 1: TF 'same' is the symmetric padding 1 (no separate Pad op in the exported graph)
        self.dw = nn.Conv2d(cin, cin, 3, stride, 1 if stride == 1 else 0, groups=cin, bias=False)
        self.pw = nn.Conv2d(cin, cout, 1, bias=True)

    def load(self, w, prefix):
        self.dw.weight.data = torch.from_numpy(w[prefix + '/depthwise_filter'].transpose(2, 3, 0, 1).copy())
        self.pw.weight.data = torch.from_numpy(w[prefix + '/pointwise_filter'].transpose(3, 2, 0, 1).copy())
        self.pw.bias.data = torch.from_numpy(w[prefix + '/bias'].copy())

    def forward(self, x):
        return self.pw(self.dw(x if self.stride == 1 else same_pad(x, 3, self.stride)))


class FirstConv(nn.Module):
    """The first block's plain 3x3 stride-2 convolution on pixels."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, 2, 0, bias=True)

    def load(self, w, prefix):
        self.conv.weight.data = torch.from_numpy(w[prefix + '/filters'].transpose(3, 2, 0, 1).copy())
        self.conv.bias.data = torch.from_numpy(w[prefix + '/bias'].copy())

    def forward(self, x):
        return self.conv(same_pad(x, 3, 2))


class DenseBlock(nn.Module):
    """out1 = relu(conv0(x)) at half resolution; every later conv reads relu(sum of all earlier outputs)."""

    def __init__(self, cin, cout, first):
        super().__init__()
        self.convs = nn.ModuleList([FirstConv(cin, cout) if first else SepConv(cin, cout, 2),
                                    SepConv(cout, cout, 1), SepConv(cout, cout, 1), SepConv(cout, cout, 1)])

    def load(self, w, prefix):
        for i, c in enumerate(self.convs):
            c.load(w, '%s/conv%d' % (prefix, i))

    def forward(self, x):
        out1 = F.relu(self.convs[0](x))
        acc = out1 + self.convs[1](out1)
        for c in self.convs[2:]:
            acc = acc + c(F.relu(acc))
        return F.relu(acc)


class FaceDenseNet(nn.Module):
    """Input: NCHW RGB, (x - mean_rgb)/255 with mean [122.782,117.001,104.298]. Returns each block's output."""

    NAMES = ('dense0', 'dense1', 'dense2', 'dense3')
    CHANNELS = (32, 64, 128, 256)

    def __init__(self):
        super().__init__()
        cins = (3,) + self.CHANNELS[:-1]
        self.blocks = nn.ModuleDict({n: DenseBlock(ci, co, i == 0)
                                     for i, (n, ci, co) in enumerate(zip(self.NAMES, cins, self.CHANNELS))})
        self.fc = None  # the landmark head, only kept for check_landmarks()

    def load_faceapi(self, manifest_path, keep_landmark_head=False):
        w = read_tfjs_weights(manifest_path)
        for n in self.NAMES:
            self.blocks[n].load(w, n)
        if keep_landmark_head:
            self.fc = (torch.from_numpy(w['fc/weights'].copy()), torch.from_numpy(w['fc/bias'].copy()))
        return w

    freeze_upto = None  # name of the last block run without gradients (cheap CPU fine-tuning)

    def forward(self, x):
        frozen = self.freeze_upto is not None and self.training
        feats = {}
        for n in self.NAMES:
            with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen):
                x = self.blocks[n](x)
            if frozen and n == self.freeze_upto:
                frozen = False
                x = x.detach()
            feats[n] = x
        return feats

    def landmarks(self, x):
        """face-api's landmark head on a 112x112 input: 68 (x, y) points in 0..1 of the input."""
        f = self.forward(x)['dense3']
        g = F.avg_pool2d(f, 7, 2).flatten(1)
        return (g @ self.fc[0] + self.fc[1]).view(-1, 68, 2)


def box_in_crop(H):
    """(offset, side) in pixels of the detector box inside an H x H stored crop (prep_faces.py's margin)."""
    from train_face import CROP_MARGIN_STORED
    o = int(round(H * (1 - 1 / CROP_MARGIN_STORED) / 2))
    return o, H - 2 * o


def crop_landmarks(net, imgs_rgb, bs=64):
    """The landmark head on stored face crops (square uint8 RGB, with prep_faces.py's margin around the detector
    box): face-api sees the box, resized to 112x112. Returns [N, 68, 2] in each crop's pixels."""
    import cv2
    from face_model import MEAN_RGB
    out = []
    for i in range(0, len(imgs_rgb), bs):
        xs, geo = [], []
        for img in imgs_rgb[i:i + bs]:
            o, side = box_in_crop(img.shape[0])
            x = cv2.resize(img[o:o + side, o:o + side], (112, 112), interpolation=cv2.INTER_AREA).astype(np.float32)
            xs.append(((x - np.array(MEAN_RGB, np.float32)) / 255.0).transpose(2, 0, 1))
            geo.append((o, side))
        with torch.no_grad():
            lm = net.landmarks(torch.from_numpy(np.stack(xs))).numpy()
        out += [p * side + o for (o, side), p in zip(geo, lm)]
    return np.stack(out) if out else np.zeros((0, 68, 2), np.float32)


def eye_error(lm, kps):
    """Mean distance (pixels) between the eye centres of 68 landmarks and a detector's two eye keypoints (the first
    two of kps, in either order)."""
    eyes = np.stack([lm[36:42].mean(0), lm[42:48].mean(0)])  # the image's left-hand eye, then right-hand eye
    k = np.asarray(kps, np.float32)[:2]
    k = k[np.argsort(k[:, 0])]
    return float(np.linalg.norm(eyes - k, axis=1).mean())


def check_landmarks(net, img_rgb, kps):
    """Mean distance (in fractions of the detector box) between the landmark head's eye centres and the detector's
    eye keypoints on one stored face crop (kps as stored by prep_faces.py, in crop pixels). A correct conversion
    lands within a few per cent; a wrong padding or layout lands far off."""
    return eye_error(crop_landmarks(net, [img_rgb])[0], kps) / box_in_crop(img_rgb.shape[0])[1]


if __name__ == '__main__':
    import argparse
    import cv2
    from train_face import load_faces
    ap = argparse.ArgumentParser()
    ap.add_argument('--faceapi', required=True)
    ap.add_argument('--faces', required=True)
    ap.add_argument('--n', type=int, default=20)
    a = ap.parse_args()
    net = FaceDenseNet().eval()
    net.load_faceapi(os.path.join(a.faceapi, 'face_landmark_68_model-weights_manifest.json'), keep_landmark_head=True)
    meta = [m for m in load_faces(a.faces) if m['y'] == 0 and m['face_px'] >= 80][:a.n]
    d = [check_landmarks(net, cv2.cvtColor(cv2.imread(m['path']), cv2.COLOR_BGR2RGB), m['kps']) for m in meta]
    print('eye landmark vs detector keypoint distance (crop fraction): median %.4f max %.4f over %d faces'
          % (np.median(d), np.max(d), len(d)))
