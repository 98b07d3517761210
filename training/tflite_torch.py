"""Executes a parsed float TFLite graph (see tflite_reader) as a PyTorch module.

Activations are kept NCHW internally; weights are converted once at construction.
Only the ops BlazeFace uses are implemented; anything else raises.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tflite_reader import read_tflite


def _same_pad(size, k, s, d=1):
    k_eff = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + k_eff - size, 0)
    return total // 2, total - total // 2


def _act(x, code):
    if code == 0:
        return x
    if code == 1:
        return F.relu(x)
    if code == 3:
        return torch.clamp(x, 0, 6)
    raise NotImplementedError('activation %d' % code)


class TFLiteModule(nn.Module):
    def __init__(self, path):
        super().__init__()
        g = read_tflite(path)
        self.g = g
        consts = {}
        for i, t in enumerate(g['tensors']):
            if t['data'] is not None:
                consts[i] = t['data'].astype(np.float32) if t['type'] in (0, 1) else t['data']
        # resolve DEQUANTIZE (fp16 -> fp32) statically
        plan = []
        for op in g['ops']:
            if op['op'] == 'DEQUANTIZE':
                consts[op['outputs'][0]] = consts[op['inputs'][0]].astype(np.float32)
            else:
                plan.append(op)
        self.plan = plan
        self.params = nn.ParameterDict()
        for n, op in enumerate(plan):
            if op['op'] == 'CONV_2D':
                w = consts[op['inputs'][1]]  # OHWI
                self.params['w%d' % n] = nn.Parameter(torch.from_numpy(w.transpose(0, 3, 1, 2).copy()), requires_grad=False)
                self.params['b%d' % n] = nn.Parameter(torch.from_numpy(consts[op['inputs'][2]].copy()), requires_grad=False)
            elif op['op'] == 'DEPTHWISE_CONV_2D':
                w = consts[op['inputs'][1]]  # 1,H,W,C*M
                assert op['opts']['depth_multiplier'] in (0, 1)
                self.params['w%d' % n] = nn.Parameter(torch.from_numpy(w.transpose(3, 0, 1, 2).copy()), requires_grad=False)
                self.params['b%d' % n] = nn.Parameter(torch.from_numpy(consts[op['inputs'][2]].copy()), requires_grad=False)
            elif op['op'] not in ('RELU', 'ADD', 'PAD', 'MAX_POOL_2D', 'RESIZE_BILINEAR', 'RESHAPE', 'CONCATENATION'):
                raise NotImplementedError(op['op'])
        self.consts = consts
        self.in_idx = g['inputs'][0]
        self.out_idx = list(g['outputs'])

    def forward(self, x_nchw):
        """x: NCHW float, already normalised as the TFLite model expects. Returns outputs (NHWC semantics)."""
        env = {self.in_idx: x_nchw}
        for n, op in enumerate(self.plan):
            o, ins, name = op['opts'], op['inputs'], op['op']
            if name in ('CONV_2D', 'DEPTHWISE_CONV_2D'):
                x = env[ins[0]]
                w = self.params['w%d' % n]
                k_h, k_w = w.shape[2], w.shape[3]
                if o['padding'] == 0:
                    ph = _same_pad(x.shape[2], k_h, o['stride_h'], o['dil_h'])
                    pw = _same_pad(x.shape[3], k_w, o['stride_w'], o['dil_w'])
                    if sum(ph) + sum(pw):
                        x = F.pad(x, (pw[0], pw[1], ph[0], ph[1]))
                groups = x.shape[1] if name == 'DEPTHWISE_CONV_2D' else 1
                y = F.conv2d(x, w, self.params['b%d' % n], stride=(o['stride_h'], o['stride_w']),
                             dilation=(o['dil_h'], o['dil_w']), groups=groups)
                env[op['outputs'][0]] = _act(y, o['act'])
            elif name == 'RELU':
                env[op['outputs'][0]] = F.relu(env[ins[0]])
            elif name == 'ADD':
                env[op['outputs'][0]] = _act(env[ins[0]] + env[ins[1]], o['act'])
            elif name == 'PAD':
                p = self.consts[ins[1]]  # NHWC pads
                x = env[ins[0]]
                env[op['outputs'][0]] = F.pad(x, (int(p[2][0]), int(p[2][1]), int(p[1][0]), int(p[1][1]),
                                                  int(p[3][0]), int(p[3][1])))
            elif name == 'MAX_POOL_2D':
                x = env[ins[0]]
                if o['padding'] == 0:
                    ph = _same_pad(x.shape[2], o['filter_h'], o['stride_h'])
                    pw = _same_pad(x.shape[3], o['filter_w'], o['stride_w'])
                    if sum(ph) + sum(pw):
                        x = F.pad(x, (pw[0], pw[1], ph[0], ph[1]), value=float('-inf'))
                env[op['outputs'][0]] = F.max_pool2d(x, (o['filter_h'], o['filter_w']), (o['stride_h'], o['stride_w']))
            elif name == 'RESIZE_BILINEAR':
                assert o['half_pixel_centers'] and not o['align_corners']
                env[op['outputs'][0]] = F.interpolate(env[ins[0]], scale_factor=2.0, mode='bilinear', align_corners=False)
            elif name == 'CONCATENATION':
                # only used on the final [1, N, C] tensors (axis 1) in BlazeFace
                env[op['outputs'][0]] = torch.cat([env[i] for i in ins], dim=o['axis'])
            elif name == 'RESHAPE':
                x = env[ins[0]]
                if x.dim() == 4:
                    x = x.permute(0, 2, 3, 1)  # back to NHWC memory order before flattening
                c = o['new_shape'][-1]
                env[op['outputs'][0]] = x.reshape(x.shape[0], -1, c)
        return [env[i] for i in self.out_idx]
