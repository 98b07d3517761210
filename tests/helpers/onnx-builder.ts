/**
 * A minimal ONNX protobuf encoder so tests can build tiny models themselves (no Python,
 * no files from outside the repo). Covers what ModelProto needs for small float graphs:
 * nodes with int/float/ints attributes, float/int64 initializers, typed inputs/outputs.
 */

/** Protobuf wire writer (only the field kinds ONNX uses here). */
class Writer {
  private readonly parts: Buffer[] = [];

  private varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    const bytes: number[] = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      bytes.push(b);
    } while (n !== 0n);
    this.parts.push(Buffer.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, b: Buffer | Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.parts.push(Buffer.from(b));
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export type AttrValue = number | number[] | { floats: number[] } | { int: number } | string;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

export interface TensorSpec {
  name: string;
  dims: number[];
  /** float32 unless int64 is set. */
  data: number[] | Float32Array;
  int64?: boolean;
}

export interface ValueSpec {
  name: string;
  /** A number is a fixed dimension, a string a symbolic one. */
  shape: (number | string)[];
  int64?: boolean;
}

export interface GraphSpec {
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  opset?: number;
}

const FLOAT = 1;
const INT64 = 7;

function attribute(name: string, v: AttrValue): Writer {
  const w = new Writer().string(1, name);
  if (typeof v === 'string') return w.bytes(4, Buffer.from(v)).int(20, 3);
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    return w.int(20, 7);
  }
  if (typeof v === 'object' && 'floats' in v) {
    for (const x of v.floats) w.float(7, x);
    return w.int(20, 6);
  }
  if (typeof v === 'object' && 'int' in v) return w.int(3, v.int).int(20, 2);
  // A bare number is a float attribute when fractional, an int otherwise.
  if (Number.isInteger(v)) return w.int(3, v).int(20, 2);
  return w.float(2, v).int(20, 1);
}

function tensor(t: TensorSpec): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.int64 ? INT64 : FLOAT);
  w.string(8, t.name);
  if (t.int64) {
    const b = Buffer.alloc(8 * t.data.length);
    Array.from(t.data).forEach((x, i) => b.writeBigInt64LE(BigInt(Math.trunc(x)), i * 8));
    w.bytes(9, b);
  } else {
    const f = Float32Array.from(t.data);
    w.bytes(9, Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  }
  return w;
}

function valueInfo(v: ValueSpec): Writer {
  const shape = new Writer();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, v.int64 ? INT64 : FLOAT).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

/** Encode a graph as ONNX ModelProto bytes (IR 7, default opset 13). */
export function buildOnnx(spec: GraphSpec): Buffer {
  const g = new Writer();
  spec.nodes.forEach((n, i) => {
    const nw = new Writer();
    for (const x of n.inputs) nw.string(1, x);
    for (const x of n.outputs) nw.string(2, x);
    nw.string(3, `n${i}_${n.op}`).string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) nw.message(5, attribute(k, v));
    g.message(1, nw);
  });
  g.string(2, 'test-graph');
  for (const t of spec.initializers ?? []) g.message(5, tensor(t));
  for (const v of spec.inputs) g.message(11, valueInfo(v));
  for (const v of spec.outputs) g.message(12, valueInfo(v));
  return new Writer()
    .int(1, 7)
    .string(2, 'mediaguard-tests')
    .message(7, g)
    .message(8, new Writer().string(1, '').int(2, spec.opset ?? 13))
    .finish();
}
