/**
 * Where a JPEG, PNG or WebP picture ends, and what follows it in the file. Viewers stop at the
 * picture's end (JPEG's end-of-image marker after the last scan, PNG's IEND chunk, the RIFF size of a
 * WebP), so bytes after it are carried unseen: the extra pictures a phone stores by the Multi-Picture
 * Format (previews, depth maps: listed in the MPF index, expected), the video of a motion photo (Google,
 * Samsung: announced in the XMP), or data appended by anyone — an archive, a program, another picture
 * or video.
 *
 * The JPEG walk reads segment headers and scans the entropy-coded data for markers in 1 MiB pieces;
 * every length is bounds-checked, and a file that ends before its picture does is said so, never throws.
 */
import fsp from 'node:fs/promises';
import type { MetadataFlag } from '../../../src-shared/domain/media';
import { readAt, readTrailing, type Trailing } from './structure-io';

/** Formats whose end readPictureEnd finds. */
export const PICTURE_END_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp']);

export interface PictureEnd {
  /** Byte offset just past the picture (its EOI, IEND or RIFF end). */
  end: number;
  /** The bytes after it and after the pictures the MPF index lists there, when there are any. */
  trailing: Trailing | null;
  /** Extra pictures the JPEG's MPF index lists after the primary one (absolute offsets). */
  mpf: { offset: number; size: number }[];
  /** The XMP announces a motion photo (GCamera:MotionPhoto / MicroVideo, Samsung's MotionPhoto_Data follows). */
  motionPhoto: boolean;
  /** Where an MP4 video begins after the picture, if one does. */
  videoAt: number | null;
  /** The file ends before the picture does (no end-of-image marker, IEND or whole RIFF). */
  cutShort: boolean;
  /** Bytes between the picture and a video after it (other than Samsung's marker), when there are any. */
  beforeVideo: Trailing | null;
}

const SAMSUNG_MARKER = 'MotionPhoto_Data';

const CHUNK = 1024 * 1024;

/** The MPF index's extra images, from an APP2 'MPF\0' segment's payload at absolute offset `at` (its TIFF header's start). */
function mpfEntries(seg: Buffer, tiffAt: number): { offset: number; size: number }[] {
  const t = seg.subarray(4);
  if (t.length < 8) return [];
  const le = t.toString('latin1', 0, 2) === 'II';
  if (!le && t.toString('latin1', 0, 2) !== 'MM') return [];
  const u16 = (o: number) => (o + 2 <= t.length ? (le ? t.readUInt16LE(o) : t.readUInt16BE(o)) : 0);
  const u32 = (o: number) => (o + 4 <= t.length ? (le ? t.readUInt32LE(o) : t.readUInt32BE(o)) : 0);
  const ifd = u32(4);
  const n = u16(ifd);
  const out: { offset: number; size: number }[] = [];
  for (let i = 0; i < n && i < 64; i++) {
    const e = ifd + 2 + i * 12;
    if (u16(e) !== 0xb002) continue; // MPEntry
    const count = u32(e + 4);
    const at = u32(e + 8);
    for (let k = 0; k < Math.floor(count / 16) && k < 64; k++) {
      const size = u32(at + k * 16 + 4);
      const offset = u32(at + k * 16 + 8);
      // The first entry (offset 0) is the primary picture itself.
      if (offset > 0 && size > 0) out.push({ offset: tiffAt + offset, size });
    }
  }
  return out;
}

/** The end of a JPEG's primary picture, its MPF entries and whether its XMP announces a motion photo. */
async function jpegEnd(fh: fsp.FileHandle, size: number): Promise<{ end: number | null; mpf: { offset: number; size: number }[]; motionPhoto: boolean }> {
  const mpf: { offset: number; size: number }[] = [];
  let motionPhoto = false;
  let pos = 2;
  // Segments up to the first scan.
  for (let guard = 0; guard < 10_000; guard++) {
    const h = await readAt(fh, pos, 4);
    if (h.length < 4) return { end: null, mpf, motionPhoto };
    if (h[0] !== 0xff) {
      // Stray bytes before a marker: decoders skip them (libjpeg's "extraneous bytes"), so the walk does too.
      const ahead = await readAt(fh, pos, 64 * 1024);
      const ff = ahead.indexOf(0xff);
      if (ff < 0) return { end: null, mpf, motionPhoto };
      pos += ff;
      continue;
    }
    const marker = h[1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd9) return { end: pos + 2, mpf, motionPhoto };
    if (marker >= 0xd0 && marker <= 0xd7) {
      pos += 2;
      continue;
    }
    const len = h.readUInt16BE(2);
    if (len < 2 || pos + 2 + len > size) return { end: null, mpf, motionPhoto };
    if (marker === 0xe2 && len >= 8) {
      const seg = await readAt(fh, pos + 4, Math.min(len - 2, 64 * 1024));
      if (seg.toString('latin1', 0, 4) === 'MPF\0') mpf.push(...mpfEntries(seg, pos + 8));
    } else if (marker === 0xe1 && len > 30) {
      const seg = await readAt(fh, pos + 4, len - 2);
      if (seg.toString('latin1', 0, 28) === 'http://ns.adobe.com/xap/1.0/' && /(GCamera:)?(MotionPhoto|MicroVideo)\s*=\s*["']?1|<GCamera:MotionPhoto>1/.test(seg.toString('latin1'))) motionPhoto = true;
    }
    pos += 2 + len;
    if (marker === 0xda) break;
  }
  // Entropy-coded data, and any further segments and scans (progressive), up to EOI.
  const none = { end: null, mpf, motionPhoto };
  let buf: Buffer = Buffer.alloc(0);
  let bufAt = pos;
  for (let guard = 0; guard < 100_000_000; guard++) {
    if (pos < bufAt || pos + 2 > bufAt + buf.length) {
      if (pos + 2 > size) return none;
      bufAt = pos;
      buf = await readAt(fh, pos, CHUNK);
      if (buf.length < 2) return none;
    }
    const i = buf.indexOf(0xff, pos - bufAt);
    if (i < 0) {
      pos = bufAt + buf.length;
      continue;
    }
    if (i + 1 >= buf.length) {
      pos = bufAt + i; // the marker's second byte is in the next piece
      continue;
    }
    const m = buf[i + 1]!;
    const at = bufAt + i;
    if (m === 0x00 || (m >= 0xd0 && m <= 0xd7)) {
      pos = at + 2; // a stuffed 0xFF, or a restart marker
      continue;
    }
    if (m === 0xff) {
      pos = at + 1; // fill bytes before a marker
      continue;
    }
    if (m === 0xd9) return { end: at + 2, mpf, motionPhoto };
    // Another segment between scans (DHT, SOS, DRI…): skip it by its length.
    const lenBytes = await readAt(fh, at + 2, 2);
    if (lenBytes.length < 2) return none;
    const len = lenBytes.readUInt16BE(0);
    if (len < 2) return none;
    pos = at + 2 + len;
  }
  return none;
}

/** PNG: just past the IEND chunk. */
async function pngEnd(fh: fsp.FileHandle, size: number): Promise<number | null> {
  let pos = 8;
  for (let guard = 0; guard < 1_000_000 && pos + 12 <= size; guard++) {
    const h = await readAt(fh, pos, 8);
    const len = h.readUInt32BE(0);
    const type = h.toString('latin1', 4, 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return null;
    const next = pos + 12 + len;
    if (type === 'IEND') return next <= size ? next : null;
    pos = next;
  }
  return null;
}

/** Where the picture at `p` (`size` bytes, identified as `format`) ends and what follows it; null for other formats. */
export async function readPictureEnd(p: string, format: string, size: number): Promise<PictureEnd | null> {
  if (!PICTURE_END_FORMATS.has(format)) return null;
  const fh = await fsp.open(p, 'r');
  try {
    return await pictureEnd(fh, format, size);
  } finally {
    await fh.close();
  }
}

async function pictureEnd(fh: fsp.FileHandle, format: string, size: number): Promise<PictureEnd | null> {
  let end: number | null;
  let mpf: PictureEnd['mpf'] = [];
  let motionPhoto = false;
  if (format === 'jpeg') ({ end, mpf, motionPhoto } = await jpegEnd(fh, size));
  else if (format === 'png') end = await pngEnd(fh, size);
  else if (format === 'webp') {
    const h = await readAt(fh, 0, 12);
    end = h.length === 12 ? 8 + h.readUInt32LE(4) + (h.readUInt32LE(4) & 1) : null;
    if (end !== null && end > size) end = null;
  } else return null;
  if (end === null) return { end: size, trailing: null, mpf, motionPhoto, videoAt: null, cutShort: true, beforeVideo: null };
  // The pictures the MPF index lists are expected after the primary one; what follows them is not.
  // Only the MPF entries that are pictures (begin like a JPEG) count: an index can be forged to point at anything.
  const listed: PictureEnd['mpf'] = [];
  for (const m of mpf) {
    if (m.offset < end || m.offset + m.size > size) continue;
    const head = await readAt(fh, m.offset, 3);
    if (head.length === 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) listed.push(m);
  }
  const from = Math.max(end, ...listed.map((m) => m.offset + m.size));
  if (from >= size) return { end, trailing: null, mpf: listed, motionPhoto, videoAt: null, cutShort: false, beforeVideo: null };
  const trailing = await readTrailing(fh, from, size);
  // An MP4 there (a motion photo's, or appended): its ftyp box, searched in the first MiB, with a plausible box size.
  const look = await readAt(fh, from, Math.min(size - from, CHUNK));
  let ftyp = look.indexOf('ftyp', 0, 'latin1');
  while (ftyp >= 4 && !(look.readUInt32BE(ftyp - 4) >= 8 && look.readUInt32BE(ftyp - 4) <= 4096)) ftyp = look.indexOf('ftyp', ftyp + 1, 'latin1');
  const videoAt = ftyp >= 4 ? from + ftyp - 4 : null;
  // Samsung writes its motion photo's video after a 'MotionPhoto_Data' marker (and an SEF trailer after it).
  const samsung = videoAt !== null && look.toString('latin1', Math.max(0, videoAt - from - SAMSUNG_MARKER.length), videoAt - from) === SAMSUNG_MARKER;
  // Bytes between the picture (or its MPF pictures) and the video, other than that marker: reported on their own.
  const gap = videoAt === null ? 0 : videoAt - from - (samsung ? SAMSUNG_MARKER.length : 0);
  const beforeVideo = gap > 0 ? { ...(await readTrailing(fh, from, from + gap)), bytes: gap } : null;
  return { end, trailing, mpf: listed, motionPhoto: motionPhoto || samsung, videoAt, cutShort: false, beforeVideo };
}

/** What follows the picture, as metadata rows and flags. */
export function describePictureEnd(e: PictureEnd, size: number): { group: Record<string, string>; flags: MetadataFlag[] } {
  const group: Record<string, string> = {};
  const flags: MetadataFlag[] = [];
  if (e.cutShort) {
    group.end = 'the file ends before the picture does';
    return { group, flags };
  }
  if (e.mpf.length || e.trailing) group.end = `byte ${e.end} of ${size}`;
  if (e.mpf.length) group.mpfPictures = `${e.mpf.length} more picture${e.mpf.length === 1 ? '' : 's'} listed by the Multi-Picture Format index (previews or depth maps)`;
  if (!e.trailing) return { group, flags };
  const rest = e.trailing.bytes;
  if (e.videoAt !== null) {
    group.video = `an MP4 video from byte ${e.videoAt} (${size - e.videoAt} bytes)${e.motionPhoto ? ', announced as a motion photo by the XMP' : ''}`;
    flags.push(
      e.motionPhoto
        ? { code: 'MOTION_PHOTO', severity: 'notice', message: `The picture is a motion photo: an MP4 video of the moments around the shot follows it (from byte ${e.videoAt}, ${size - e.videoAt} bytes). Viewers show the still; MediaGuard analyses the video apart ("Appended to the file").` }
        : {
          code: 'APPENDED_FILE',
          severity: 'warning',
          message: `An MP4 video follows the picture (from byte ${e.videoAt}, ${size - e.videoAt} bytes) and nothing in the file announces it: appended after the picture was written. Viewers show the picture only; MediaGuard analyses the video apart ("Appended to the file").`,
        },
    );
    if (e.beforeVideo) {
      const b = e.beforeVideo;
      group.beforeVideo = `${b.bytes} bytes${b.looksLike ? `, beginning like ${b.looksLike}` : ''}`;
      flags.push({
        code: 'TRAILING_DATA',
        severity: 'warning',
        message: `${b.bytes} bytes between the end of the picture and the video after it${b.looksLike ? ` begin like ${b.looksLike}` : ''}: data put there after the picture was written. Viewers ignore them.`,
      });
    }
    return { group, flags };
  }
  const tr = e.trailing;
  group.afterPicture = `${rest} bytes${tr.allZero ? ', all zero' : ''}${tr.looksLike ? `, beginning like ${tr.looksLike}` : ''}`;
  flags.push(
    tr.allZero
      ? { code: 'TRAILING_DATA', severity: 'info', message: `${rest} zero bytes pad the file after the end of the picture.` }
      : {
        code: 'TRAILING_DATA',
        severity: 'warning',
        message: `${rest} bytes follow the end of the picture${tr.looksLike ? ` and begin like ${tr.looksLike}` : ''}: data appended after the picture was written (a file hidden behind it), or what an editor left. Viewers ignore them.`,
      },
  );
  return { group, flags };
}

/** Where a picture or video appended after the picture begins (not the MPF-listed pictures), as the analysis looks for it. */
export function appendedOfPicture(e: PictureEnd, size: number): { offset: number; foundAs: string } | null {
  if (e.cutShort || !e.trailing) return null;
  if (e.videoAt !== null) return { offset: e.videoAt, foundAs: e.motionPhoto ? 'the video of a motion photo, after the picture' : 'an MP4 video appended after the picture' };
  const lk = e.trailing.looksLike;
  return lk === 'a JPEG picture' || lk === 'a PNG picture' || lk === 'a Matroska/WebM video' ? { offset: size - e.trailing.bytes, foundAs: `${lk} appended after the picture` } : null;
}
