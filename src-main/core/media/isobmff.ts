/**
 * Items of a HEIF/AVIF file (ISO/IEC 14496-12 boxes, 23008-12 items), read defensively from its
 * bytes: the top-level `meta` box's item infos (`iinf`/`infe`) and locations (`iloc`), enough to
 * pull out an item's data such as the EXIF block. Every size and offset is bounds-checked; a
 * damaged structure gives null (nothing found) or a `truncated` item, never an exception.
 */

export interface BoxRef {
  type: string;
  /** Payload start and end (after the header; end clipped to the buffer). */
  start: number;
  end: number;
  /** The box declared more bytes than the buffer holds. */
  truncated: boolean;
}

/**
 * The box header at b[pos]: its type, its whole declared size (a 64-bit size clamped to what a
 * number holds; size 0, "to the end", as far as `to`) and the header's length; null when the header
 * does not fit before `to` or declares less than itself.
 */
export function boxHeader(b: Buffer, pos: number, to: number): { type: string; size: number; header: number } | null {
  if (pos + 8 > to) return null;
  let size = b.readUInt32BE(pos);
  const type = b.toString('latin1', pos + 4, pos + 8);
  let header = 8;
  if (size === 1) {
    if (pos + 16 > to) return null;
    const big = b.readBigUInt64BE(pos + 8);
    size = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
    header = 16;
  } else if (size === 0) {
    size = to - pos;
  }
  return size < header ? null : { type, size, header };
}

/** The boxes laid end to end in b[from, to). Stops at the first header that does not fit. */
export function childBoxes(b: Buffer, from: number, to: number, limit = 10_000): BoxRef[] {
  const out: BoxRef[] = [];
  let pos = from;
  while (out.length < limit) {
    const head = boxHeader(b, pos, to);
    if (!head) break;
    const { type, size, header } = head;
    const declaredEnd = pos + size;
    out.push({ type, start: pos + header, end: Math.min(declaredEnd, to), truncated: declaredEnd > to });
    if (declaredEnd > to) break;
    pos = declaredEnd;
  }
  return out;
}

interface ItemInfo {
  id: number;
  type: string;
  contentType: string | null;
}

interface Extent {
  offset: number;
  length: number;
}

interface ItemLocation {
  id: number;
  method: number;
  extents: Extent[];
}

export interface HeifItem {
  id: number;
  type: string;
  contentType: string | null;
  /** The item's bytes, its extents joined (clipped to the file). */
  data: Buffer;
  /** The location table points past the end of the file. */
  truncated: boolean;
}

function cString(b: Buffer, pos: number, end: number): { s: string; next: number } {
  let z = pos;
  while (z < end && b[z] !== 0) z++;
  return { s: b.toString('utf8', pos, z), next: Math.min(z + 1, end) };
}

function readUInt(b: Buffer, pos: number, size: number): number {
  switch (size) {
    case 0:
      return 0;
    case 4:
      return b.readUInt32BE(pos);
    case 8: {
      const v = b.readBigUInt64BE(pos);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    }
    default:
      throw new RangeError(`field size ${size}`);
  }
}

function parseInfe(b: Buffer, box: BoxRef): ItemInfo | null {
  const p = box.start;
  if (p + 4 > box.end) return null;
  const version = b[p]!;
  if (version < 2) return null; // versions 0/1 carry no item type (not used by HEIF)
  let q = p + 4;
  const idSize = version === 2 ? 2 : 4;
  if (q + idSize + 2 + 4 > box.end) return null;
  const id = idSize === 2 ? b.readUInt16BE(q) : b.readUInt32BE(q);
  q += idSize + 2; // item_protection_index
  const type = b.toString('latin1', q, q + 4);
  q += 4;
  const name = cString(b, q, box.end);
  let contentType: string | null = null;
  if (type === 'mime') contentType = cString(b, name.next, box.end).s;
  return { id, type, contentType };
}

function parseIinf(b: Buffer, box: BoxRef): ItemInfo[] {
  if (box.start + 4 > box.end) return [];
  const version = b[box.start]!;
  const first = box.start + 4 + (version === 0 ? 2 : 4);
  return childBoxes(b, first, box.end)
    .filter((c) => c.type === 'infe')
    .map((c) => parseInfe(b, c))
    .filter((x): x is ItemInfo => x !== null);
}

function parseIloc(b: Buffer, box: BoxRef): ItemLocation[] {
  const out: ItemLocation[] = [];
  try {
    let q = box.start;
    const version = b[q]!;
    if (version > 2) return [];
    q += 4;
    const sizes = b.readUInt16BE(q);
    q += 2;
    const offsetSize = sizes >> 12;
    const lengthSize = (sizes >> 8) & 15;
    const baseSize = (sizes >> 4) & 15;
    const indexSize = version === 0 ? 0 : sizes & 15;
    if (![0, 4, 8].includes(offsetSize) || ![0, 4, 8].includes(lengthSize) || ![0, 4, 8].includes(baseSize) || ![0, 4, 8].includes(indexSize)) return [];
    const count = version < 2 ? b.readUInt16BE(q) : b.readUInt32BE(q);
    q += version < 2 ? 2 : 4;
    for (let i = 0; i < count && q < box.end; i++) {
      const id = version < 2 ? b.readUInt16BE(q) : b.readUInt32BE(q);
      q += version < 2 ? 2 : 4;
      let method = 0;
      if (version >= 1) {
        method = b.readUInt16BE(q) & 15;
        q += 2;
      }
      q += 2; // data_reference_index
      const base = readUInt(b, q, baseSize);
      q += baseSize;
      const extentCount = b.readUInt16BE(q);
      q += 2;
      const extents: Extent[] = [];
      for (let e = 0; e < extentCount; e++) {
        q += indexSize;
        const offset = readUInt(b, q, offsetSize);
        q += offsetSize;
        const length = readUInt(b, q, lengthSize);
        q += lengthSize;
        extents.push({ offset: base + offset, length });
      }
      if (q > box.end) break;
      out.push({ id, method, extents });
    }
  } catch {
    // A field past the end of the box: keep the locations read so far.
  }
  return out;
}

/** The items of a HEIF/AVIF file with the given item type ('Exif', 'mime', …); [] when none or not HEIF. */
/** The boxes inside a HEIF/AVIF file's top-level `meta` box; [] when it has none. */
function metaChildren(b: Buffer): BoxRef[] {
  const meta = childBoxes(b, 0, b.length, 64).find((x) => x.type === 'meta');
  if (!meta || meta.start + 4 > meta.end) return [];
  return childBoxes(b, meta.start + 4, meta.end); // meta is a FullBox
}

export function heifItems(b: Buffer, wanted: (info: { type: string; contentType: string | null }) => boolean): HeifItem[] {
  const children = metaChildren(b);
  const iinf = children.find((c) => c.type === 'iinf');
  const iloc = children.find((c) => c.type === 'iloc');
  const idat = children.find((c) => c.type === 'idat');
  if (!iinf || !iloc) return [];
  const infos = parseIinf(b, iinf).filter(wanted);
  if (!infos.length) return [];
  const locations = parseIloc(b, iloc);
  const out: HeifItem[] = [];
  for (const info of infos) {
    const loc = locations.find((l) => l.id === info.id);
    if (!loc || loc.method > 1) continue; // construction method 2 (from another item) is not followed
    const [lo, hi] = loc.method === 0 ? [0, b.length] : [idat?.start ?? 0, idat?.end ?? 0];
    if (loc.method === 1 && !idat) continue;
    const parts: Buffer[] = [];
    let truncated = false;
    for (const e of loc.extents) {
      const start = lo + e.offset;
      // length 0: the item runs to the end of its source.
      const end = e.length === 0 ? hi : start + e.length;
      if (start > hi || end > hi) truncated = true;
      parts.push(b.subarray(Math.min(start, hi), Math.min(end, hi)));
    }
    out.push({ id: info.id, type: info.type, contentType: info.contentType, data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), truncated });
  }
  return out;
}

/**
 * The thumbnail items of a HEIF file's primary picture: the items whose `thmb` reference (iref)
 * names the primary item (pitm), in the file's order; [] when none, not HEIF, or damaged.
 */
export function heifThumbnailIds(b: Buffer): number[] {
  const children = metaChildren(b);
  const pitm = children.find((c) => c.type === 'pitm');
  const iref = children.find((c) => c.type === 'iref');
  if (!pitm || !iref || pitm.start + 6 > pitm.end || iref.start + 4 > iref.end) return [];
  const primary = b[pitm.start] === 0 ? b.readUInt16BE(pitm.start + 4) : pitm.start + 8 <= pitm.end ? b.readUInt32BE(pitm.start + 4) : -1;
  const wide = b[iref.start] !== 0; // version 1: 32-bit item IDs
  const id = wide ? (at: number) => b.readUInt32BE(at) : (at: number) => b.readUInt16BE(at);
  const size = wide ? 4 : 2;
  const out: number[] = [];
  for (const ref of childBoxes(b, iref.start + 4, iref.end)) {
    if (ref.type !== 'thmb' || ref.start + size + 2 > ref.end) continue;
    const from = id(ref.start);
    const count = b.readUInt16BE(ref.start + size);
    for (let k = 0; k < count; k++) {
      const at = ref.start + size + 2 + k * size;
      if (at + size > ref.end) break;
      if (id(at) === primary && !out.includes(from)) out.push(from);
    }
  }
  return out;
}
