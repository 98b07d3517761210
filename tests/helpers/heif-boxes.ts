/**
 * Box surgery on a small HEIF file for the tests: give its primary image an `irot` (rotation)
 * property, as phones do for portrait pictures (libheif's heif-enc 1.15 cannot write one).
 * Handles the layout heif-enc writes: meta (hdlr, pitm, iloc v0/v1, iinf, iprp(ipco, ipma), …)
 * before mdat, iloc extents as absolute file offsets.
 */
import { childBoxes } from '../../src-main/core/media/isobmff';

interface Box {
  type: string;
  at: number;
  size: number;
}

/** The boxes in b[from, to) with their header position and whole size (heif-enc writes 32-bit sizes). */
function boxes(b: Buffer, from: number, to: number): Box[] {
  return childBoxes(b, from, to).map((x) => {
    if (x.truncated) throw new Error(`box ${x.type} runs past its parent`);
    return { type: x.type, at: x.start - 8, size: x.end - x.start + 8 };
  });
}

const find = (list: Box[], type: string): Box => {
  const x = list.find((y) => y.type === type);
  if (!x) throw new Error(`no ${type} box`);
  return x;
};

/** The file with an irot box (anticlockwise quarter turns 1–3) tied to its primary image. */
export function withRotation(heic: Buffer, quarterTurnsCcw: 1 | 2 | 3): Buffer {
  const b = Buffer.from(heic);
  const top = boxes(b, 0, b.length);
  const meta = find(top, 'meta');
  const metaKids = boxes(b, meta.at + 12, meta.at + meta.size);
  const pitm = find(metaKids, 'pitm');
  const primary = b[pitm.at + 8] === 0 ? b.readUInt16BE(pitm.at + 12) : b.readUInt32BE(pitm.at + 12);
  const iprp = find(metaKids, 'iprp');
  const iprpKids = boxes(b, iprp.at + 8, iprp.at + iprp.size);
  const ipco = find(iprpKids, 'ipco');
  const ipma = find(iprpKids, 'ipma');
  const propIndex = boxes(b, ipco.at + 8, ipco.at + ipco.size).length + 1;
  const irot = Buffer.from([0, 0, 0, 9, ...Buffer.from('irot', 'latin1'), quarterTurnsCcw & 3]);

  // ipma: rewrite with one more association on the primary item.
  const version = b[ipma.at + 8]!;
  const flags = b.readUIntBE(ipma.at + 9, 3);
  const wide = (flags & 1) === 1;
  let q = ipma.at + 12;
  const entries = b.readUInt32BE(q);
  q += 4;
  const parts: Buffer[] = [b.subarray(ipma.at + 8, ipma.at + 16)];
  let added = 0;
  for (let i = 0; i < entries; i++) {
    const idLen = version < 1 ? 2 : 4;
    const id = idLen === 2 ? b.readUInt16BE(q) : b.readUInt32BE(q);
    const n = b[q + idLen]!;
    const assocLen = n * (wide ? 2 : 1);
    const head = Buffer.from(b.subarray(q, q + idLen + 1));
    const assoc = b.subarray(q + idLen + 1, q + idLen + 1 + assocLen);
    if (id === primary) {
      head[idLen] = n + 1;
      const extra = wide ? Buffer.from([0x80 | (propIndex >> 8), propIndex & 255]) : Buffer.from([0x80 | propIndex]);
      parts.push(head, assoc, extra);
      added = extra.length;
    } else parts.push(head, assoc);
    q += idLen + 1 + assocLen;
  }
  if (!added) throw new Error('primary item has no ipma entry');
  const ipmaBody = Buffer.concat(parts);
  const ipmaNew = Buffer.concat([Buffer.alloc(4), Buffer.from('ipma', 'latin1'), ipmaBody]);
  ipmaNew.writeUInt32BE(ipmaNew.length, 0);
  const delta = irot.length + added;

  // iloc: shift every extent that points past the meta box (into mdat) by the growth.
  const iloc = find(metaKids, 'iloc');
  const metaEnd = meta.at + meta.size;
  {
    const v = b[iloc.at + 8]!;
    let p = iloc.at + 12;
    const sizes = b.readUInt16BE(p);
    p += 2;
    const [offSize, lenSize, baseSize, idxSize] = [sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15, v === 0 ? 0 : sizes & 15];
    const count = v < 2 ? b.readUInt16BE(p) : b.readUInt32BE(p);
    p += v < 2 ? 2 : 4;
    const rd = (at: number, n: number) => (n === 0 ? 0 : n === 4 ? b.readUInt32BE(at) : Number(b.readBigUInt64BE(at)));
    const wr = (at: number, n: number, val: number) => (n === 4 ? b.writeUInt32BE(val, at) : n === 8 ? b.writeBigUInt64BE(BigInt(val), at) : undefined);
    for (let i = 0; i < count; i++) {
      p += v < 2 ? 2 : 4;
      const method = v >= 1 ? b.readUInt16BE(p) & 15 : 0;
      if (v >= 1) p += 2;
      p += 2;
      const baseAt = p;
      const base = rd(p, baseSize);
      p += baseSize;
      const n = b.readUInt16BE(p);
      p += 2;
      if (method === 0 && baseSize && base >= metaEnd) wr(baseAt, baseSize, base + delta);
      for (let e = 0; e < n; e++) {
        p += idxSize;
        const off = rd(p, offSize);
        if (method === 0 && !(baseSize && base >= metaEnd) && base + off >= metaEnd) wr(p, offSize, off + delta);
        p += offSize + lenSize;
      }
    }
  }

  const grow = (box: Box, by: number) => b.writeUInt32BE(box.size + by, box.at);
  grow(meta, delta);
  grow(iprp, delta);
  grow(ipco, irot.length);
  return Buffer.concat([b.subarray(0, ipco.at + ipco.size), irot, b.subarray(ipco.at + ipco.size, ipma.at), ipmaNew, b.subarray(ipma.at + ipma.size)]);
}
