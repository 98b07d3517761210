"""Static int8 quantisation (QDQ format) of a convolutional ONNX model, for faster CPU inference in onnxruntime.

Weights: int8, symmetric, per output channel; biases int32 at scale x_scale * w_scale. Activations: uint8, per
tensor, ranges measured by running the float model through onnxruntime-node (the app's runtime) on calibration
inputs. Quantised: the inputs and outputs of Conv, Add and MaxPool (a Relu right after a Conv or Add is folded
into the output's range, as onnxruntime's own quantiser does). Everything else (heads: Resize, Concat, pooling,
Gemm, TopK) stays float and reads dequantised tensors. onnxruntime fuses DQ -> Conv -> Q into QLinearConv and
DQ, DQ -> Add -> Q into QLinearAdd at load time.

Usage: python3 training/quantize.py --model models/mg-face-sbi.onnx --out /tmp/q.onnx --calib calib.npy
(calib.npy: float32 [N, C, H, W] inputs, preprocessed exactly as the model expects.)"""
import argparse
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ort_bridge import OrtBridge  # noqa


def consumers(graph):
    out = {}
    for n in graph.node:
        for i in n.input:
            out.setdefault(i, []).append(n)
    return out


def _float(node, keep_float, only):
    """True when the node stays float: named by a keep_float prefix, or outside the 'only' prefixes when given."""
    if any(node.name.startswith(p) for p in keep_float):
        return True
    return bool(only) and not any(node.name.startswith(p) for p in only)


def fold_relus(graph, keep_float=(), only=()):
    """Conv/Add -> Relu (the Relu being the only consumer): the producer writes the Relu's output name, the Relu is
    dropped, and the tensor is marked so its quantisation range starts at 0 (uint8 zero point 0 clamps like Relu)."""
    cons = consumers(graph)
    producers = {o: n for n in graph.node for o in n.output}
    relu_out = set()
    drop = []
    for n in graph.node:
        if n.op_type != 'Relu':
            continue
        p = producers.get(n.input[0])
        if p is None or p.op_type not in ('Conv', 'Add') or len(cons.get(n.input[0], [])) != 1:
            continue
        if _float(p, keep_float, only):  # stays float: its Relu must stay too
            continue
        if n.input[0] in [o.name for o in graph.output]:
            continue
        p.output[0] = n.output[0]
        relu_out.add(n.output[0])
        drop.append(n)
    for n in drop:
        graph.node.remove(n)
    return relu_out


def float_tensors(model):
    """Names of the float32 tensors (shape inference), so integer shape arithmetic is never quantised."""
    mi = onnx.shape_inference.infer_shapes(model)
    vals = list(mi.graph.value_info) + list(mi.graph.input) + list(mi.graph.output)
    return {v.name for v in vals if v.type.tensor_type.elem_type == TensorProto.FLOAT}


def tensors_to_quantise(graph, keep_float=(), only=(), floats=None):
    inits = {i.name for i in graph.initializer}
    q, shared = [], {}
    for n in graph.node:
        if _float(n, keep_float, only):
            continue
        if floats is not None and n.output[0] not in floats:
            continue
        if n.op_type == 'Conv':
            q += [n.input[0], n.output[0]]
        elif n.op_type == 'Add':
            q += [t for t in n.input if t not in inits] + [n.output[0]]
        elif n.op_type == 'MaxPool':
            q.append(n.input[0])
            shared[n.output[0]] = n.input[0]  # same scale and zero point in and out
    seen, order = set(), []
    for t in q:
        if t not in seen and t not in inits:
            seen.add(t); order.append(t)
    return order, shared


def calibrate(model_path, names, calib, node_modules=None, pct=100.0):
    """Range of each named tensor over the calibration inputs (float model, all tensors exposed as outputs): the
    largest per-input pct-th percentile (and the smallest (100-pct)-th), which ignores a few outlier pixels."""
    m = onnx.load(model_path)
    have = {o.name for o in m.graph.output}
    for t in names:
        if t not in have:
            m.graph.output.append(helper.make_tensor_value_info(t, TensorProto.FLOAT, None))
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, 'calib.onnx')
        onnx.save(m, p)
        br = OrtBridge(node_modules)
        br.load('c', p)
        in_name = m.graph.input[0].name
        lo = {t: np.inf for t in names}; hi = {t: -np.inf for t in names}
        for x in calib:
            outs, _ = br.run('c', {in_name: x[None]})
            for t in names:
                v = outs[t].ravel()
                if pct >= 100:
                    a, b = float(v.min()), float(v.max())
                else:
                    a, b = (float(x) for x in np.percentile(v, [100 - pct, pct]))
                lo[t] = min(lo[t], a); hi[t] = max(hi[t], b)
        br.close()
    return lo, hi


def qparams(lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max((hi - lo) / 255.0, 1e-8)
    zp = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zp)


def quantise(model_path, out_path, calib, node_modules=None, keep_float=(), only=(), pct=100.0):
    m = onnx.load(model_path)
    floats = float_tensors(m)
    g = m.graph
    relu_out = fold_relus(g, keep_float, only)
    names, shared = tensors_to_quantise(g, keep_float, only, floats | relu_out)
    # ranges come from the original float model, where the folded tensors are the Relu outputs (>= 0)
    lo, hi = calibrate(model_path, names, calib, node_modules, pct)
    params = {t: qparams(0.0 if t in relu_out else lo[t], hi[t]) for t in names}
    for t, src in shared.items():
        params[t] = params[src]
        if t not in names:
            names.append(t)
    inits = {i.name: i for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}

    def const(name):
        """An initializer's value, following Identity nodes (exporters share equal constants that way)."""
        while name not in inits and name in producers and producers[name].op_type == 'Identity':
            name = producers[name].input[0]
        return numpy_helper.to_array(inits[name]).astype(np.float32)

    new_nodes, new_inits = [], []

    def add_qdq(t):
        s, z = params[t]
        sn, zn = t + '_scale', t + '_zp'
        new_inits.extend([numpy_helper.from_array(np.array(s, np.float32), sn), numpy_helper.from_array(np.array(z, np.uint8), zn)])
        q = helper.make_node('QuantizeLinear', [t, sn, zn], [t + '_q'], name=t + '_Q')
        dq = helper.make_node('DequantizeLinear', [t + '_q', sn, zn], [t + '_dq'], name=t + '_DQ')
        return q, dq

    rename = {}
    for t in names:
        q, dq = add_qdq(t)
        new_nodes.append((t, q, dq))
        rename[t] = t + '_dq'
    # rewire consumers to the dequantised tensors
    for n in g.node:
        for k, i in enumerate(n.input):
            if i in rename:
                n.input[k] = rename[i]
    # weights and biases of Conv
    for n in g.node:
        if n.op_type != 'Conv' or _float(n, keep_float, only):
            continue
        w = const(n.input[1])
        ws = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(1), 1e-8) / 127.0
        wq = np.clip(np.round(w / ws.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
        base = n.name or n.output[0]
        wn = base + '_w'
        new_inits.extend([numpy_helper.from_array(wq, wn + '_q'), numpy_helper.from_array(ws.astype(np.float32), wn + '_scale'),
                          numpy_helper.from_array(np.zeros(w.shape[0], np.int8), wn + '_zp')])
        g.node.append(helper.make_node('DequantizeLinear', [wn + '_q', wn + '_scale', wn + '_zp'], [wn + '_dq'], axis=0, name=wn + '_DQ'))
        x_in = n.input[0][:-3] if n.input[0].endswith('_dq') else n.input[0]
        xs = params[x_in][0]
        if len(n.input) > 2 and n.input[2]:
            b = const(n.input[2])
            bs = (xs * ws).astype(np.float32)
            bq = np.round(b / bs).astype(np.int32)
            bn = base + '_b'
            new_inits.extend([numpy_helper.from_array(bq, bn + '_q'), numpy_helper.from_array(bs, bn + '_scale'),
                              numpy_helper.from_array(np.zeros(w.shape[0], np.int32), bn + '_zp')])
            g.node.append(helper.make_node('DequantizeLinear', [bn + '_q', bn + '_scale', bn + '_zp'], [bn + '_dq'], axis=0, name=bn + '_DQ'))
            n.input[2] = bn + '_dq'
        n.input[1] = wn + '_dq'
    for _, q, dq in new_nodes:
        g.node.extend([q, dq])
    g.initializer.extend(new_inits)
    # drop float weights no longer used
    used = {i for n in g.node for i in n.input}
    for i in list(g.initializer):
        if i.name not in used:
            g.initializer.remove(i)
    # topological order
    sort_nodes(g)
    onnx.checker.check_model(m)
    onnx.save(m, out_path)
    return out_path


def sort_nodes(g):
    avail = {i.name for i in g.input} | {i.name for i in g.initializer} | {''}
    pending, ordered = list(g.node), []
    while pending:
        progress = False
        for n in list(pending):
            if all(i in avail for i in n.input):
                ordered.append(n); avail.update(n.output); pending.remove(n); progress = True
        if not progress:
            raise RuntimeError('graph has a cycle or a missing input: %s' % [n.name for n in pending[:3]])
    del g.node[:]
    g.node.extend(ordered)


def compare(float_path, q_path, inputs, node_modules=None):
    """Per output of the graph: (max |float - int8|, correlation) over the given inputs, both run in onnxruntime-node."""
    br = OrtBridge(node_modules)
    br.load('f', float_path); br.load('q', q_path)
    in_name = onnx.load(float_path).graph.input[0].name
    got = {}
    for x in inputs:
        of, _ = br.run('f', {in_name: x[None]}); oq, _ = br.run('q', {in_name: x[None]})
        for k in of:
            got.setdefault(k, ([], []))
            got[k][0].append(of[k].ravel()); got[k][1].append(oq[k].ravel())
    br.close()
    out = {}
    for k, (a, b) in got.items():
        a, b = np.concatenate(a), np.concatenate(b)
        out[k] = (float(np.abs(a - b).max()), float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else 1.0)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--calib', required=True, help='.npy float32 [N,C,H,W] preprocessed inputs')
    ap.add_argument('--keep-float', default='', help='comma-separated node-name prefixes left in float (e.g. small heads)')
    ap.add_argument('--only', default='', help='comma-separated node-name prefixes: quantise only these (e.g. the backbone)')
    ap.add_argument('--percentile', type=float, default=100.0, help='activation range percentile per input (100 = min/max)')
    a = ap.parse_args()
    calib = np.load(a.calib).astype(np.float32)
    quantise(a.model, a.out, calib, keep_float=tuple(filter(None, a.keep_float.split(','))),
             only=tuple(filter(None, a.only.split(','))), pct=a.percentile)
    print('wrote', a.out, os.path.getsize(a.out))
    for k, (d, c) in compare(a.model, a.out, calib[:32]).items():
        print('  %-10s max |float - int8| %.4f, correlation %.5f (first 32 calibration inputs)' % (k, d, c))


if __name__ == '__main__':
    main()
