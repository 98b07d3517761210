/**
 * Box surgery on a small HEIF file for the tests: give its primary image an `irot` (rotation)
 * property, as phones do for portrait pictures, or rebuild a file of same-size pictures as one
 * grid picture made of them, as phones store every photo (libheif's heif-enc 1.15 can write
 * neither). Handles the layout heif-enc writes: meta (hdlr, pitm, iloc v0/v1, iinf,
 * iprp(ipco, ipma), …) before mdat, iloc extents as absolute file offsets.
 */
import { execFileSync } from 'node:child_process';
import { childBoxes, heifItems, heifThumbnailIds } from '../../src-main/core/media/isobmff';

/** Run libheif's encoder (Debian: libheif-examples; MEDIAGUARD_HEIF_ENC overrides), quietly: it writes the tests' HEIC files. */
export function heifEnc(args: string[]): void {
  execFileSync(process.env.MEDIAGUARD_HEIF_ENC || 'heif-enc', args, { stdio: 'ignore' });
}

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

/** Where an iloc entry's fields sit in the file (0 for a field of size 0), for rewriting them in place. */
interface IlocEntry {
  id: number;
  method: number;
  base: { at: number; size: number };
  extents: { offsetAt: number; offsetSize: number; lengthAt: number; lengthSize: number }[];
}

/** The entries of an iloc box (versions 0–2) as they lie in `b`. */
function ilocEntries(b: Buffer, iloc: Box): IlocEntry[] {
  const v = b[iloc.at + 8]!;
  let p = iloc.at + 12;
  const sizes = b.readUInt16BE(p);
  p += 2;
  const [offSize, lenSize, baseSize, idxSize] = [sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15, v === 0 ? 0 : sizes & 15];
  const count = v < 2 ? b.readUInt16BE(p) : b.readUInt32BE(p);
  p += v < 2 ? 2 : 4;
  const out: IlocEntry[] = [];
  for (let i = 0; i < count; i++) {
    const id = v < 2 ? b.readUInt16BE(p) : b.readUInt32BE(p);
    p += v < 2 ? 2 : 4;
    const method = v >= 1 ? b.readUInt16BE(p) & 15 : 0;
    if (v >= 1) p += 2;
    p += 2; // data_reference_index
    const base = { at: p, size: baseSize };
    p += baseSize;
    const n = b.readUInt16BE(p);
    p += 2;
    const extents: IlocEntry['extents'] = [];
    for (let e = 0; e < n; e++) {
      p += idxSize;
      extents.push({ offsetAt: p, offsetSize: offSize, lengthAt: p + offSize, lengthSize: lenSize });
      p += offSize + lenSize;
    }
    out.push({ id, method, base, extents });
  }
  return out;
}
const readField = (b: Buffer, at: number, n: number) => (n === 0 ? 0 : n === 4 ? b.readUInt32BE(at) : Number(b.readBigUInt64BE(at)));
const writeField = (b: Buffer, at: number, n: number, val: number) => (n === 4 ? b.writeUInt32BE(val, at) : n === 8 ? b.writeBigUInt64BE(BigInt(val), at) : undefined);

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
  const metaEnd = meta.at + meta.size;
  for (const e of ilocEntries(b, find(metaKids, 'iloc'))) {
    if (e.method !== 0) continue;
    const base = readField(b, e.base.at, e.base.size);
    if (e.base.size && base >= metaEnd) writeField(b, e.base.at, e.base.size, base + delta);
    else for (const x of e.extents) if (base + readField(b, x.offsetAt, x.offsetSize) >= metaEnd) writeField(b, x.offsetAt, x.offsetSize, readField(b, x.offsetAt, x.offsetSize) + delta);
  }

  const grow = (box: Box, by: number) => b.writeUInt32BE(box.size + by, box.at);
  grow(meta, delta);
  grow(iprp, delta);
  grow(ipco, irot.length);
  return Buffer.concat([b.subarray(0, ipco.at + ipco.size), irot, b.subarray(ipco.at + ipco.size, ipma.at), ipmaNew, b.subarray(ipma.at + ipma.size)]);
}

/** A box: 32-bit size, type, payload. */
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
/** A full box: version and flags before the payload. */
const fullBox = (type: string, version: number, flags: number, ...payload: Buffer[]) => box(type, Buffer.from([version, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255]), ...payload);
const u16 = (...v: number[]) => Buffer.concat(v.map((x) => Buffer.from([(x >> 8) & 255, x & 255])));
const u32 = (v: number) => {
  const o = Buffer.alloc(4);
  o.writeUInt32BE(v, 0);
  return o;
};

/** Each item's property boxes, in the order its ipma entry lists them, with their essential bit. */
function itemProperties(b: Buffer, metaKids: Box[]): Map<number, { prop: Buffer; essential: boolean }[]> {
  const iprp = find(metaKids, 'iprp');
  const iprpKids = boxes(b, iprp.at + 8, iprp.at + iprp.size);
  const ipco = find(iprpKids, 'ipco');
  const ipma = find(iprpKids, 'ipma');
  const props = boxes(b, ipco.at + 8, ipco.at + ipco.size).map((x) => b.subarray(x.at, x.at + x.size));
  const version = b[ipma.at + 8]!;
  const wide = (b.readUIntBE(ipma.at + 9, 3) & 1) === 1;
  const out = new Map<number, { prop: Buffer; essential: boolean }[]>();
  let q = ipma.at + 12;
  const entries = b.readUInt32BE(q);
  q += 4;
  for (let i = 0; i < entries; i++) {
    const id = version < 1 ? b.readUInt16BE(q) : b.readUInt32BE(q);
    q += version < 1 ? 2 : 4;
    const n = b[q++]!;
    const list: { prop: Buffer; essential: boolean }[] = [];
    for (let k = 0; k < n; k++) {
      const v = wide ? b.readUInt16BE(q) : b[q]!;
      q += wide ? 2 : 1;
      const index = v & (wide ? 0x7fff : 0x7f);
      if (index) list.push({ prop: props[index - 1]!, essential: (v & (wide ? 0x8000 : 0x80)) !== 0 });
    }
    out.set(id, list);
  }
  return out;
}

/**
 * A grid picture (ISO/IEC 23008-12 'grid' derived image, as iPhones write every photo in 512-px
 * tiles) made of the pictures of `tiles` — a file of rows × columns same-size HEVC pictures in
 * reading order, as heif-enc writes several inputs — shown as width × height (at most the tiles'
 * sum; the right and bottom tiles are cut). The tiles become hidden items; the grid is the primary
 * picture and the only top-level one. The first EXIF item is kept, described as belonging to the grid.
 */
export function withGrid(tiles: Buffer, rows: number, columns: number, width: number, height: number): Buffer {
  const top = boxes(tiles, 0, tiles.length);
  const ftyp = find(top, 'ftyp');
  const meta = find(top, 'meta');
  const metaKids = boxes(tiles, meta.at + 12, meta.at + meta.size);
  const hdlr = find(metaKids, 'hdlr');
  const images = heifItems(tiles, (i) => i.type === 'hvc1');
  const exif = heifItems(tiles, (i) => i.type === 'Exif').slice(0, 1);
  if (images.length !== rows * columns) throw new Error(`${images.length} pictures for a ${rows} × ${columns} grid`);
  const props = itemProperties(tiles, metaKids);
  // Every tile is coded at the same size (heif-enc codes in 64-px units: give it pictures of such sides).
  const sizes = new Set(images.map((t) => (props.get(t.id) ?? []).find((x) => x.prop.toString('latin1', 4, 8) === 'ispe')?.prop.subarray(12, 20).toString('hex')));
  if (sizes.size !== 1 || sizes.has(undefined)) throw new Error('the pictures are not coded at one size');
  // Items 1..n: the tiles; n + 1: the grid; n + 2: the EXIF item, if any.
  const gridId = images.length + 1;
  const exifId = gridId + 1;
  const ispeOf = (w: number, h: number) => fullBox('ispe', 0, 0, u32(w), u32(h));
  const ipco: Buffer[] = [];
  const indexOf = (p: Buffer) => {
    let i = ipco.findIndex((x) => x.equals(p));
    if (i < 0) i = ipco.push(p) - 1;
    return i + 1;
  };
  const assoc = (id: number, list: { prop: Buffer; essential: boolean }[]) => Buffer.concat([u16(id), Buffer.from([list.length]), ...list.map((x) => Buffer.from([(x.essential ? 0x80 : 0) | indexOf(x.prop)]))]);
  const ipmaEntries = [...images.map((t, i) => assoc(i + 1, props.get(t.id) ?? [])), assoc(gridId, [{ prop: ispeOf(width, height), essential: false }])];
  const ipma = fullBox('ipma', 0, 0, u32(ipmaEntries.length), ...ipmaEntries);
  if (ipco.length > 127) throw new Error('too many properties');
  const infe = (id: number, type: string, hidden: boolean) => fullBox('infe', 2, hidden ? 1 : 0, u16(id, 0), Buffer.from(type, 'latin1'), Buffer.from([0]));
  const infos = [...images.map((_, i) => infe(i + 1, 'hvc1', true)), infe(gridId, 'grid', false), ...(exif.length ? [infe(exifId, 'Exif', false)] : [])];
  const iinf = fullBox('iinf', 0, 0, u16(infos.length), ...infos);
  const refs = [box('dimg', u16(gridId, images.length, ...images.map((_, i) => i + 1))), ...(exif.length ? [box('cdsc', u16(exifId, 1, gridId))] : [])];
  const iref = fullBox('iref', 0, 0, ...refs);
  // The grid's description: version 0, flags 0 (16-bit sizes), rows − 1, columns − 1, output size.
  const idat = box('idat', Buffer.from([0, 0, rows - 1, columns - 1]), u16(width, height));
  const data = [...images.map((t) => t.data), ...exif.map((e) => e.data)];
  // iloc version 1: 4-byte offsets and lengths, no base offset; the grid's data is in idat (method 1).
  const ilocFor = (mdatStart: number) => {
    const entries: Buffer[] = [];
    let at = mdatStart;
    const located = [...images.map((_, i) => i + 1), ...(exif.length ? [exifId] : [])];
    located.forEach((id, k) => {
      entries.push(u16(id, 0, 0, 1), u32(at), u32(data[k]!.length));
      at += data[k]!.length;
    });
    entries.push(u16(gridId, 1, 0, 1), u32(0), u32(8));
    return fullBox('iloc', 1, 0, Buffer.from([0x44, 0x00]), u16(entries.length / 3), ...entries);
  };
  const metaOf = (iloc: Buffer) => fullBox('meta', 0, 0, tiles.subarray(hdlr.at, hdlr.at + hdlr.size), fullBox('pitm', 0, 0, u16(gridId)), iloc, iinf, iref, box('iprp', box('ipco', ...ipco), ipma), idat);
  const head = tiles.subarray(ftyp.at, ftyp.at + ftyp.size);
  const metaLength = metaOf(ilocFor(0)).length;
  return Buffer.concat([head, metaOf(ilocFor(head.length + metaLength + 8)), box('mdat', ...data)]);
}

/**
 * `heic` with its primary picture's thumbnail item showing the thumbnail of `donor` instead (both
 * written by heif-enc -t at the same thumbnail size): the donor's coded thumbnail is appended in a
 * second mdat and the thumbnail's location and decoder configuration point at it — what an editor
 * that changes the picture but carries the old thumbnail over leaves behind.
 */
export function withThumbnailOf(heic: Buffer, donor: Buffer): Buffer {
  const thumbOf = (f: Buffer) => {
    const id = heifThumbnailIds(f)[0];
    if (id === undefined) throw new Error('no thumbnail item');
    const metaBox = find(boxes(f, 0, f.length), 'meta');
    const kids = boxes(f, metaBox.at + 12, metaBox.at + metaBox.size);
    const hvcC = itemProperties(f, kids).get(id)?.find((x) => x.prop.toString('latin1', 4, 8) === 'hvcC')?.prop;
    const data = heifItems(f, () => true).find((i) => i.id === id)?.data;
    if (!hvcC || !data) throw new Error('thumbnail without configuration or data');
    return { id, hvcC, data, kids };
  };
  const t = thumbOf(heic);
  const d = thumbOf(donor);
  if (t.hvcC.length !== d.hvcC.length) throw new Error('thumbnail configurations of different sizes');
  const b = Buffer.from(heic);
  b.set(d.hvcC, b.indexOf(t.hvcC));
  // The thumbnail's single extent now points past the end of the file: the base offset (when the table
  // has one) and the extent's offset hold the new data's position, split as the table allows.
  const e = ilocEntries(b, find(t.kids, 'iloc')).find((x) => x.id === t.id);
  if (!e || e.method !== 0 || e.extents.length !== 1 || e.extents[0]!.lengthSize === 0) throw new Error('thumbnail not in one extent of the file');
  const x = e.extents[0]!;
  const at = b.length + 8;
  if (e.base.size) writeField(b, e.base.at, e.base.size, at);
  else if (!x.offsetSize) throw new Error('iloc without offsets');
  writeField(b, x.offsetAt, x.offsetSize, e.base.size ? 0 : at);
  writeField(b, x.lengthAt, x.lengthSize, d.data.length);
  return Buffer.concat([b, box('mdat', d.data)]);
}
