/**
 * A defensive reader for the EXIF (TIFF) block, IFD by IFD and entry by entry. exifr drops
 * a whole block (or the whole EXIF segment) at the first bad offset and says nothing when a
 * sub-IFD pointer is wrong; here one bad offset costs only the tag or IFD it points to, and
 * every such problem is named, because malformed EXIF is itself a trace of tampering.
 * Tag names and value translations are exifr's, so the output matches exifr's where both read.
 */
import exifr from 'exifr';
import { heifItems } from './isobmff';
import { jpegHeaderSegments } from './jpeg-segments';
import { isTiffHeader } from './sniff';

/** The five TIFF IFDs exifr reports, in its group names. */
export type TiffGroup = 'ifd0' | 'exif' | 'gps' | 'interop' | 'ifd1';

export interface ExifBlock {
  /** The TIFF structure (byte-order mark first). */
  tiff: Buffer;
  /** The container declared more EXIF bytes than the file holds. */
  truncated: boolean;
}

export interface TiffWalk {
  groups: Record<TiffGroup, Record<string, unknown>>;
  /** What is malformed, one line each, in reading order. */
  problems: string[];
  /** The IFD1 (JPEG) thumbnail, when its offset and length are inside the block. */
  thumbnail: Buffer | null;
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

/** The EXIF TIFF block of a JPEG (APP1), PNG (eXIf), WebP (EXIF chunk), HEIF/AVIF (Exif item) or TIFF file; null when none (or another format). */
export function findExifBlock(bytes: Buffer, format: string): ExifBlock | null {
  switch (format) {
    case 'jpeg':
      return jpegExif(bytes);
    case 'png':
      return pngExif(bytes);
    case 'webp':
      return webpExif(bytes);
    case 'tiff':
      return bytes.length >= 8 ? { tiff: bytes, truncated: false } : null;
    case 'heif':
    case 'avif':
      return heifExif(bytes);
    default:
      return null;
  }
}

function jpegExif(b: Buffer): ExifBlock | null {
  for (const seg of jpegHeaderSegments(b)) {
    if (seg.marker === 0xe1 && seg.payload.subarray(0, 6).equals(EXIF_HEADER)) return { tiff: seg.payload.subarray(6), truncated: seg.truncated };
  }
  return null;
}

function pngExif(b: Buffer): ExifBlock | null {
  let pos = 8;
  while (pos + 8 <= b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    const end = pos + 8 + len;
    if (type === 'eXIf') return { tiff: b.subarray(pos + 8, Math.min(end, b.length)), truncated: end > b.length };
    if (type === 'IEND') return null;
    pos = end + 4;
  }
  return null;
}

/**
 * HEIF/AVIF keep EXIF as an item: a 4-byte offset to the TIFF header, then the bytes (some
 * writers leave an "Exif\0\0" prefix in between, which the offset may or may not skip).
 */
function heifExif(b: Buffer): ExifBlock | null {
  const item = heifItems(b, (i) => i.type === 'Exif')[0];
  if (!item || item.data.length < 4) return item ? { tiff: Buffer.alloc(0), truncated: item.truncated } : null;
  let at = 4 + item.data.readUInt32BE(0);
  if (!isTiffHeader(item.data, at) && item.data.subarray(at, at + 6).equals(EXIF_HEADER)) at += 6;
  if (!isTiffHeader(item.data, at)) {
    // A wrong offset: the header, if any, is near the start.
    const found = [...Array(Math.min(64, item.data.length)).keys()].find((k) => isTiffHeader(item.data, k));
    if (found === undefined) return { tiff: item.data.subarray(Math.min(at, item.data.length)), truncated: item.truncated };
    at = found;
  }
  return { tiff: item.data.subarray(at), truncated: item.truncated };
}

function webpExif(b: Buffer): ExifBlock | null {
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return null;
  let pos = 12;
  while (pos + 8 <= b.length) {
    const type = b.toString('latin1', pos, pos + 4);
    const len = b.readUInt32LE(pos + 4);
    const end = pos + 8 + len;
    if (type === 'EXIF') {
      let data = b.subarray(pos + 8, Math.min(end, b.length));
      if (data.subarray(0, 6).equals(EXIF_HEADER)) data = data.subarray(6);
      return { tiff: data, truncated: end > b.length };
    }
    pos = end + (len & 1);
  }
  return null;
}

// TIFF field types: byte size of one value (index = type; 13 = IFD, used like LONG).
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4] as const;
const ASCII = 2;
const BYTE_LIKE = new Set([1, 7]);
/** Sub-IFD pointers and embedded blobs exifr (sanitize, makerNote/userComment off) leaves out of the groups. */
const POINTERS: Partial<Record<TiffGroup, Record<number, TiffGroup | null>>> = {
  ifd0: { 0x8769: 'exif', 0x8825: 'gps', 0xa005: 'interop', 0x02bc: null, 0x83bb: null, 0x8773: null },
  exif: { 0xa005: 'interop', 0x927c: null, 0x9286: null },
};
/** Longer numeric arrays (strip offsets of a big TIFF) are summarised, not copied. */
const MAX_VALUES = 4096;

const hex = (tag: number) => `0x${tag.toString(16).padStart(4, '0')}`;

/** Walk IFD0 → EXIF / GPS / Interop and IFD1. complete=false: the block is a prefix of the file, so offsets past it are not damage. */
export function walkTiff(tiff: Buffer, opts: { complete?: boolean } = {}): TiffWalk {
  const complete = opts.complete ?? true;
  const groups: TiffWalk['groups'] = { ifd0: {}, exif: {}, gps: {}, interop: {}, ifd1: {} };
  const problems: string[] = [];
  const out: TiffWalk = { groups, problems, thumbnail: null };
  const len = tiff.length;
  const order = len >= 2 ? tiff.toString('latin1', 0, 2) : '';
  if (len < 8 || (order !== 'II' && order !== 'MM')) {
    problems.push(`the EXIF block does not start with a TIFF header (${len} bytes)`);
    return out;
  }
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) problems.push(`the TIFF header has the wrong magic number (${u16(2)}, not 42)`);
  const name = (g: TiffGroup) => (g === 'ifd0' || g === 'ifd1' ? g.toUpperCase() : `${g.toUpperCase()} IFD`);
  const outside = (what: string, off: number, size: number) => {
    if (complete) problems.push(`${what} points outside the ${len}-byte EXIF block (offset ${off}${size > 1 ? `, ${size} bytes` : ''})`);
  };

  const value = (type: number, off: number): number => {
    switch (type) {
      case 1:
      case 7:
        return tiff.readUInt8(off);
      case 3:
        return u16(off);
      case 4:
      case 13:
        return u32(off);
      case 5:
        return u32(off) / u32(off + 4);
      case 6:
        return tiff.readInt8(off);
      case 8:
        return le ? tiff.readInt16LE(off) : tiff.readInt16BE(off);
      case 9:
        return le ? tiff.readInt32LE(off) : tiff.readInt32BE(off);
      case 10: {
        const n = le ? tiff.readInt32LE(off) : tiff.readInt32BE(off);
        const d = le ? tiff.readInt32LE(off + 4) : tiff.readInt32BE(off + 4);
        return n / d;
      }
      case 11:
        return le ? tiff.readFloatLE(off) : tiff.readFloatBE(off);
      default:
        return le ? tiff.readDoubleLE(off) : tiff.readDoubleBE(off);
    }
  };

  const translate = (g: TiffGroup, tag: number, v: unknown): [string, unknown] => {
    const key = exifr.tagKeys.get(g)?.get(tag) ?? String(tag);
    const dict = exifr.tagValues.get(g)?.get(tag) as Record<string, unknown> | undefined;
    if (dict && (typeof v === 'number' || typeof v === 'string') && dict[v] !== undefined) return [key, dict[v]];
    return [key, v];
  };

  const visited = new Set<number>();
  /** Read one IFD; returns its pointer tags and the next-IFD offset, or null when the IFD itself is unreadable. */
  const readIfd = (off: number, g: TiffGroup, via: string): { pointers: Map<number, number>; next: number } | null => {
    if (off < 8 || off + 2 > len) {
      if (off < 8 || complete) problems.push(`${via} points to ${name(g)} at offset ${off}, outside the ${len}-byte EXIF block`);
      return null;
    }
    if (visited.has(off)) {
      problems.push(`${via} points back to an IFD already read (offset ${off}): a loop`);
      return null;
    }
    visited.add(off);
    const declared = u16(off);
    const fit = Math.floor((len - off - 2) / 12);
    const count = Math.min(declared, fit);
    if (declared > fit && complete) problems.push(`${name(g)} declares ${declared} entries but only ${fit} fit in the EXIF block`);
    const pointers = new Map<number, number>();
    const grp = groups[g];
    for (let i = 0; i < count; i++) {
      const e = off + 2 + 12 * i;
      const tag = u16(e);
      const type = u16(e + 2);
      const n = u32(e + 4);
      const tagName = `${name(g)} tag ${exifr.tagKeys.get(g)?.get(tag) ?? '?'} (${hex(tag)})`;
      if (type < 1 || type > 13) {
        problems.push(`${tagName} has an invalid value type ${type}`);
        continue;
      }
      const size = TYPE_SIZE[type]! * n;
      const at = size <= 4 ? e + 8 : u32(e + 8);
      if (at + size > len) {
        outside(tagName, at, size);
        continue;
      }
      const pointer = POINTERS[g]?.[tag];
      if (pointer !== undefined) {
        if (pointer && n >= 1 && (type === 4 || type === 13)) pointers.set(tag, u32(at));
        else if (pointer) problems.push(`${tagName}, a pointer to the ${name(pointer)}, has type ${type} and ${n} values`);
        continue;
      }
      let v: unknown;
      if (type === ASCII) {
        const raw = tiff.subarray(at, at + n);
        const nul = raw.indexOf(0);
        const s = (nul >= 0 ? raw.subarray(0, nul) : raw).toString('utf8').trim();
        if (!s) continue;
        v = s;
      } else if (BYTE_LIKE.has(type)) {
        v = Uint8Array.from(tiff.subarray(at, at + n));
        if (g === 'exif' && (tag === 0xa300 || tag === 0xa301) && n === 1) v = tiff[at]; // exifr unpacks these
      } else if (n === 1) {
        v = value(type, at);
      } else if (n > MAX_VALUES) {
        v = `<${n} values>`;
      } else {
        const arr: number[] = [];
        for (let k = 0; k < n; k++) arr.push(value(type, at + k * TYPE_SIZE[type]!));
        v = arr;
      }
      const [k, tv] = translate(g, tag, v);
      grp[k] = tv;
    }
    const nextAt = off + 2 + 12 * declared;
    const next = declared <= fit && nextAt + 4 <= len ? u32(nextAt) : 0;
    return { pointers, next };
  };

  const ifd0 = readIfd(u32(4), 'ifd0', 'the TIFF header');
  if (!ifd0) return out;
  const follow = (from: { pointers: Map<number, number> } | null, tag: number, g: TiffGroup, via: string) => {
    const off = from?.pointers.get(tag);
    return off === undefined ? null : readIfd(off, g, via);
  };
  const exif = follow(ifd0, 0x8769, 'exif', `IFD0's EXIF pointer (${hex(0x8769)})`);
  follow(ifd0, 0x8825, 'gps', `IFD0's GPS pointer (${hex(0x8825)})`);
  const gps = groups.gps;
  const dd = (v: unknown, ref: unknown) => {
    if (!Array.isArray(v) || v.length < 3) return undefined;
    const [d, m, s] = v as number[];
    const deg = d! + m! / 60 + s! / 3600;
    return ref === 'S' || ref === 'W' ? -deg : deg;
  };
  // exifr adds these decimal forms when both coordinates are present; so does the walk.
  const lat = dd(gps.GPSLatitude, gps.GPSLatitudeRef);
  const lon = dd(gps.GPSLongitude, gps.GPSLongitudeRef);
  if (lat !== undefined && lon !== undefined) Object.assign(gps, { latitude: lat, longitude: lon });
  if (ifd0.pointers.has(0xa005)) follow(ifd0, 0xa005, 'interop', `IFD0's Interop pointer (${hex(0xa005)})`);
  else follow(exif, 0xa005, 'interop', `the EXIF IFD's Interop pointer (${hex(0xa005)})`);
  if (ifd0.next !== 0) {
    const ifd1 = readIfd(ifd0.next, 'ifd1', "IFD0's next-IFD link");
    const tOff = groups.ifd1.ThumbnailOffset;
    const tLen = groups.ifd1.ThumbnailLength;
    if (ifd1 && typeof tOff === 'number' && typeof tLen === 'number' && tLen > 0) {
      if (tOff + tLen <= len) out.thumbnail = tiff.subarray(tOff, tOff + tLen);
      else outside('the IFD1 thumbnail', tOff, tLen);
    }
  }
  return out;
}
