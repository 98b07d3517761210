"""Minimal TFLite flatbuffer reader (no tflite / flatbuffers dependency).

Reads the subset of the TFLite schema (tensorflow/lite/schema/schema.fbs) that a
float BlazeFace model needs: tensors, buffers, operator codes, operators and their
builtin options. Field indices follow schema.fbs; unions occupy two slots (type, value).
"""
import struct
import numpy as np

BUILTIN = {0: 'ADD', 1: 'AVERAGE_POOL_2D', 2: 'CONCATENATION', 3: 'CONV_2D', 4: 'DEPTHWISE_CONV_2D',
           6: 'DEQUANTIZE', 9: 'FULLY_CONNECTED', 14: 'LOGISTIC', 17: 'MAX_POOL_2D', 18: 'MUL', 19: 'RELU',
           21: 'RELU6', 22: 'RESHAPE', 23: 'RESIZE_BILINEAR', 25: 'SOFTMAX', 34: 'PAD', 39: 'TRANSPOSE',
           41: 'SUB', 45: 'STRIDED_SLICE', 54: 'PRELU', 60: 'PADV2', 97: 'RESIZE_NEAREST_NEIGHBOR', 98: 'LEAKY_RELU'}
TENSOR_DTYPE = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 9: np.int8}


class Table:
    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        vt = pos - struct.unpack_from('<i', buf, pos)[0]
        self.vt = vt
        self.vt_len = struct.unpack_from('<H', buf, vt)[0]

    def _off(self, field):
        o = 4 + 2 * field
        if o >= self.vt_len:
            return 0
        return struct.unpack_from('<H', self.buf, self.vt + o)[0]

    def scalar(self, field, fmt, default=0):
        o = self._off(field)
        return default if o == 0 else struct.unpack_from('<' + fmt, self.buf, self.pos + o)[0]

    def _indirect(self, field):
        o = self._off(field)
        if o == 0:
            return None
        p = self.pos + o
        return p + struct.unpack_from('<I', self.buf, p)[0]

    def table(self, field):
        p = self._indirect(field)
        return None if p is None else Table(self.buf, p)

    def vector(self, field):
        """Returns (start, length) of a vector or None."""
        p = self._indirect(field)
        if p is None:
            return None
        return p + 4, struct.unpack_from('<I', self.buf, p)[0]

    def vec_scalars(self, field, fmt):
        v = self.vector(field)
        if v is None:
            return []
        s, n = v
        size = struct.calcsize(fmt)
        return list(struct.unpack_from('<%d%s' % (n, fmt), self.buf, s)) if n else []

    def vec_tables(self, field):
        v = self.vector(field)
        if v is None:
            return []
        s, n = v
        return [Table(self.buf, s + 4 * i + struct.unpack_from('<I', self.buf, s + 4 * i)[0]) for i in range(n)]

    def string(self, field):
        v = self.vector(field)
        if v is None:
            return None
        s, n = v
        return self.buf[s:s + n].decode('utf-8')

    def bytes(self, field):
        v = self.vector(field)
        if v is None:
            return b''
        s, n = v
        return self.buf[s:s + n]


def _options(op_name, t):
    """Decodes the builtin options we need into a dict."""
    if t is None:
        return {}
    if op_name == 'CONV_2D':
        return dict(padding=t.scalar(0, 'b'), stride_w=t.scalar(1, 'i'), stride_h=t.scalar(2, 'i'),
                    act=t.scalar(3, 'b'), dil_w=t.scalar(4, 'i', 1), dil_h=t.scalar(5, 'i', 1))
    if op_name == 'DEPTHWISE_CONV_2D':
        return dict(padding=t.scalar(0, 'b'), stride_w=t.scalar(1, 'i'), stride_h=t.scalar(2, 'i'),
                    depth_multiplier=t.scalar(3, 'i'), act=t.scalar(4, 'b'),
                    dil_w=t.scalar(5, 'i', 1), dil_h=t.scalar(6, 'i', 1))
    if op_name in ('MAX_POOL_2D', 'AVERAGE_POOL_2D'):
        return dict(padding=t.scalar(0, 'b'), stride_w=t.scalar(1, 'i'), stride_h=t.scalar(2, 'i'),
                    filter_w=t.scalar(3, 'i'), filter_h=t.scalar(4, 'i'), act=t.scalar(5, 'b'))
    if op_name in ('ADD', 'MUL', 'SUB'):
        return dict(act=t.scalar(0, 'b'))
    if op_name == 'CONCATENATION':
        return dict(axis=t.scalar(0, 'i'), act=t.scalar(1, 'b'))
    if op_name == 'RESHAPE':
        return dict(new_shape=t.vec_scalars(0, 'i'))
    if op_name in ('RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR'):
        return dict(align_corners=t.scalar(2, 'B'), half_pixel_centers=t.scalar(3, 'B'))
    return {}


def read_tflite(path):
    """Parses a .tflite file into a plain dict graph description with numpy constants."""
    buf = open(path, 'rb').read()
    model = Table(buf, struct.unpack_from('<I', buf, 0)[0])
    buffers = [b.bytes(0) for b in model.vec_tables(4)]
    codes = []
    for oc in model.vec_tables(1):
        code = max(oc.scalar(0, 'b'), oc.scalar(3, 'i'))
        codes.append(BUILTIN.get(code, 'OP_%d' % code) if code != 32 else 'CUSTOM:' + (oc.string(1) or ''))
    sg = model.vec_tables(2)[0]
    tensors = []
    for t in sg.vec_tables(0):
        shape = t.vec_scalars(0, 'i')
        ttype = t.scalar(1, 'b')
        data = buffers[t.scalar(2, 'I')]
        arr = None
        if len(data):
            arr = np.frombuffer(data, dtype=TENSOR_DTYPE[ttype]).reshape(shape if shape else ())
        tensors.append(dict(name=t.string(3), shape=shape, type=ttype, data=arr,
                            sparse=t.table(6) is not None))
    ops = []
    for o in sg.vec_tables(3):
        name = codes[o.scalar(0, 'I')]
        ops.append(dict(op=name, inputs=o.vec_scalars(1, 'i'), outputs=o.vec_scalars(2, 'i'),
                        opts=_options(name, o.table(4))))
    return dict(tensors=tensors, ops=ops, inputs=sg.vec_scalars(1, 'i'), outputs=sg.vec_scalars(2, 'i'))


if __name__ == '__main__':
    import sys
    g = read_tflite(sys.argv[1])
    from collections import Counter
    print(Counter(o['op'] for o in g['ops']))
    for i in g['inputs'] + g['outputs']:
        t = g['tensors'][i]
        print(i, t['name'], t['shape'], t['type'])
    for o in g['ops'][:8] + g['ops'][-8:]:
        print(o['op'], [g['tensors'][i]['shape'] for i in o['inputs']], '->',
              [g['tensors'][i]['shape'] for i in o['outputs']], o['opts'])
