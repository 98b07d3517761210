/**
 * Format identification from the first bytes of a file (magic numbers), never the name.
 * Pure functions over a buffer so every signature is unit-tested without files.
 */
import type { MediaKind } from '../../../src-shared/domain/media';

export interface Sniffed {
  kind: MediaKind;
  format: string;
  mime: string;
}

/** What the head of a file says it is; 'unknown' containers are left to ffprobe. */
export type SniffResult = Sniffed | { kind: 'unknown'; hint: string | null } | { kind: 'refused'; reason: string };

/** Extensions that honestly belong to each format. */
export const FORMAT_EXTENSIONS: Record<string, readonly string[]> = {
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  png: ['png'],
  gif: ['gif'],
  webp: ['webp'],
  // Camera raws built on TIFF: DNG and makers' formats (Nikon, Sony, Canon CR2, Pentax, Samsung, Epson, Hasselblad, Mamiya, Leaf/Phase One, Kodak).
  tiff: ['tif', 'tiff', 'dng', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'cr2', 'pef', 'srw', 'erf', '3fr', 'mef', 'mos', 'iiq', 'kdc', 'dcr'],
  bmp: ['bmp', 'dib'],
  heif: ['heic', 'heif', 'hif'],
  avif: ['avif'],
  mp4: ['mp4', 'm4v', 'mp4v', '3gp', '3g2', 'f4v'],
  mov: ['mov', 'qt', 'mp4', 'm4v'],
  matroska: ['mkv', 'mk3d'],
  webm: ['webm', 'mkv'],
  avi: ['avi'],
  mpegts: ['ts', 'mts', 'm2ts', 'm2t', 'mpg', 'mpeg'],
  mpeg: ['mpg', 'mpeg', 'vob', 'mpe', 'm2v'],
  flv: ['flv'],
  asf: ['wmv', 'asf'],
  ogg: ['ogv', 'ogg'],
  h264: ['h264', '264', 'avc'],
  hevc: ['h265', '265', 'hevc'],
  mxf: ['mxf'],
};

export const FORMAT_MIME: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  heif: 'image/heif',
  avif: 'image/avif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  matroska: 'video/x-matroska',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  mpegts: 'video/mp2t',
  mpeg: 'video/mpeg',
  flv: 'video/x-flv',
  asf: 'video/x-ms-asf',
  ogg: 'video/ogg',
  h264: 'video/h264',
  hevc: 'video/h265',
  mpeg4: 'video/mp4v-es',
  ivf: 'video/x-ivf',
  nut: 'video/x-nut',
  mxf: 'application/mxf',
  rm: 'application/vnd.rn-realmedia',
};

const img = (format: string): Sniffed => ({ kind: 'image', format, mime: FORMAT_MIME[format] ?? 'application/octet-stream' });
const vid = (format: string): Sniffed => ({ kind: 'video', format, mime: FORMAT_MIME[format] ?? 'application/octet-stream' });

function ascii(b: Buffer, start: number, len: number): string {
  return b.subarray(start, start + len).toString('latin1');
}

function startsWith(b: Buffer, bytes: readonly number[], at = 0): boolean {
  if (b.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

/** ISO base media (MP4/MOV/HEIF/AVIF/3GP): decided by the ftyp major and compatible brands. */
function sniffIsoBmff(b: Buffer): SniffResult {
  const size = b.readUInt32BE(0);
  const major = ascii(b, 8, 4);
  const compat: string[] = [];
  for (let o = 16; o + 4 <= Math.min(b.length, size >= 16 ? size : 16); o += 4) compat.push(ascii(b, o, 4));
  const brands = [major, ...compat];
  const has = (...xs: string[]) => brands.some((x) => xs.includes(x));
  if (major === 'avif' || major === 'avis') return img('avif');
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(major)) return has('avif') ? img('avif') : img('heif');
  if (major === 'qt  ') return vid('mov');
  if (['M4A ', 'M4B ', 'M4P '].includes(major)) return { kind: 'unknown', hint: 'mp4' }; // audio brands: ffprobe decides
  if (has('mif1') && !has('isom', 'mp41', 'mp42', 'avc1')) return has('avif') ? img('avif') : img('heif');
  return vid('mp4');
}

/** Identify a file from its first bytes (≥ 64 recommended, 4 KiB ideal). */
/** A classic TIFF header ("II*\0" or "MM\0*") at `at`: TIFF files, and the EXIF blocks inside other formats. */
export function isTiffHeader(b: Buffer, at = 0): boolean {
  return startsWith(b, [0x49, 0x49, 0x2a, 0x00], at) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a], at);
}

export function sniff(head: Buffer): SniffResult {
  if (head.length === 0) return { kind: 'refused', reason: 'the file is empty' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return img('jpeg');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    // An animated PNG is still analysed as its first frame, like GIF.
    return img('png');
  }
  const h6 = ascii(head, 0, 6);
  if (h6 === 'GIF87a' || h6 === 'GIF89a') return img('gif');
  if (ascii(head, 0, 4) === 'RIFF' && head.length >= 12) {
    const sub = ascii(head, 8, 4);
    if (sub === 'WEBP') return img('webp');
    if (sub === 'AVI ' || sub === 'AVIX') return vid('avi');
    if (sub === 'WAVE') return { kind: 'refused', reason: 'it is a WAV audio file (no pictures to analyse)' };
    return { kind: 'unknown', hint: null };
  }
  if (isTiffHeader(head)) return img('tiff');
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return img('tiff'); // BigTIFF
  if (ascii(head, 0, 2) === 'BM' && head.length >= 26) {
    // 'BM' alone is too weak: also require a known DIB header size.
    const dib = head.readUInt32LE(14);
    if ([12, 40, 52, 56, 64, 108, 124].includes(dib)) return img('bmp');
  }
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') return sniffIsoBmff(head);
  if (head.length >= 8 && ['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(ascii(head, 4, 4))) return { kind: 'unknown', hint: 'mov' };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: the DocType string sits in the header's first few dozen bytes.
    const text = ascii(head, 0, Math.min(head.length, 64));
    return text.includes('webm') ? vid('webm') : vid('matroska');
  }
  if (head.length >= 377 && head[0] === 0x47 && head[188] === 0x47 && head[376] === 0x47) return vid('mpegts');
  if (head.length >= 5 && head[4] === 0x47 && head.length >= 197 && head[196] === 0x47) return vid('mpegts'); // M2TS (192-byte packets)
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba])) return vid('mpeg');
  if (startsWith(head, [0x00, 0x00, 0x01, 0xb3])) return vid('mpeg');
  if (ascii(head, 0, 3) === 'FLV') return vid('flv');
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return vid('asf');
  if (ascii(head, 0, 4) === 'OggS') return { kind: 'unknown', hint: 'ogg' };
  if (ascii(head, 0, 3) === 'ID3' || startsWith(head, [0xff, 0xfb]) || ascii(head, 0, 4) === 'fLaC') {
    return { kind: 'refused', reason: 'it is an audio file (no pictures to analyse)' };
  }
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return { kind: 'refused', reason: 'it is a PDF document, not an image or a video' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'refused', reason: 'it is a ZIP archive (or an Office document), not an image or a video' };
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46]) || ascii(head, 0, 2) === 'MZ') return { kind: 'refused', reason: 'it is a program, not an image or a video' };
  // Playlists and ffmpeg scripts point at other files: ffprobe would analyse (or wait forever
  // on, for a live HLS list) something other than the evidence that was hashed.
  if (/^(\uFEFF|\xEF\xBB\xBF)?\s*(#EXTM3U|ffconcat version|\[playlist\]|v=0\r?\n)/i.test(ascii(head, 0, 64))) {
    return { kind: 'refused', reason: 'it is a playlist or script that refers to other files, not an image or a video' };
  }
  if (ascii(head, 0, 5).toLowerCase() === '<?xml' || /^\s*<svg/i.test(ascii(head, 0, 64))) {
    return { kind: 'refused', reason: 'vector/XML images (SVG) are not analysed; export it as PNG first' };
  }
  return { kind: 'unknown', hint: null };
}

/** Lower-case extension without the dot, or null. */
export function extensionOf(fileName: string): string | null {
  const base = fileName.replace(/^.*[\\/]/, '');
  const i = base.lastIndexOf('.');
  if (i <= 0 || i === base.length - 1) return null;
  return base.slice(i + 1).toLowerCase();
}

/** True when the name carries an extension that does not belong to the identified format. */
export function isExtensionMismatch(format: string, ext: string | null): boolean {
  if (ext === null) return false;
  const ok = FORMAT_EXTENSIONS[format];
  return ok ? !ok.includes(ext) : false;
}

/** What bytes appended after a container's last element look like, by their first bytes (null: not recognised). */
export function appendedLooksLike(b: Buffer): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'a JPEG picture';
  if (b.length >= 4 && b.readUInt32BE(0) === 0x504b0304) return 'a ZIP archive';
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'a PDF document';
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) return 'a PNG picture';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') return 'an MP4/QuickTime video';
  if (b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3) return 'a Matroska/WebM video';
  if (b.length >= 6 && /^(7z\xbc\xaf\x27\x1c|Rar!)/.test(b.toString('latin1', 0, 6))) return 'an archive';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === '\x7fELF') return 'a program (ELF)';
  if (b.length >= 2 && b.toString('latin1', 0, 2) === 'MZ') return 'a Windows program';
  return null;
}

/** What appendedLooksLike says of the media MediaGuard can analyse (the rest is only named). */
export const APPENDED_MEDIA_KINDS: ReadonlySet<string> = new Set(['a JPEG picture', 'a PNG picture', 'an MP4/QuickTime video', 'a Matroska/WebM video']);
