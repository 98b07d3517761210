/**
 * The texts a picture carries beside its pixels, read from its bytes: PNG text chunks (tEXt, zTXt,
 * iTXt; ISO/IEC 15948 / PNG 3rd ed. §11.3.3), the EXIF UserComment (exifr hands it over raw) and
 * JPEG comment segments (COM). What they say is read in generator-marks.ts and picture-marks.ts.
 * Each reader is bounded (counts, inflated sizes) so a hostile file cannot make it allocate without limit.
 */
import zlib from 'node:zlib';
import { jpegHeaderSegments } from './jpeg-segments';

/** At most this many text chunks are kept. */
const MAX_TEXTS = 64;
/** A compressed text is inflated to at most this many bytes (ComfyUI's workflows run to hundreds of KB). */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;
/** Inflated text in all, at most. */
const MAX_TOTAL_TEXT = 8 * 1024 * 1024;
export interface PngText {
  keyword: string;
  text: string;
  /** The chunk type: tEXt, zTXt or iTXt. */
  chunk: string;
}

/** The text chunks of a PNG (`bytes` from its start); damaged or undecodable chunks are skipped and counted. */
export function readPngTexts(bytes: Buffer): { texts: PngText[]; unreadable: number } {
  const texts: PngText[] = [];
  let unreadable = 0;
  let total = 0;
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47) return { texts, unreadable };
  for (let pos = 8; pos + 12 <= bytes.length; ) {
    const len = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const end = pos + 8 + len;
    if (len > 0x7fffffff || end + 4 > bytes.length) break;
    if ((type === 'tEXt' || type === 'zTXt' || type === 'iTXt') && texts.length < MAX_TEXTS && total < MAX_TOTAL_TEXT) {
      const t = textChunk(type, bytes.subarray(pos + 8, end));
      if (t) {
        texts.push(t);
        total += t.text.length;
      } else unreadable++;
    }
    if (type === 'IEND') break;
    pos = end + 4;
  }
  return { texts, unreadable };
}

/** zlib data inflated, at most MAX_TEXT_BYTES (null when damaged or larger). */
function inflate(b: Buffer): Buffer | null {
  try {
    return zlib.inflateSync(b, { maxOutputLength: MAX_TEXT_BYTES });
  } catch {
    return null;
  }
}

function textChunk(type: string, d: Buffer): PngText | null {
  const nul = d.indexOf(0);
  if (nul < 1 || nul > 79) return null;
  const keyword = d.toString('latin1', 0, nul);
  if (type === 'tEXt') return { keyword, text: d.toString('latin1', nul + 1, Math.min(d.length, nul + 1 + MAX_TEXT_BYTES)), chunk: type };
  if (type === 'zTXt') {
    if (d[nul + 1] !== 0) return null;
    const text = inflate(d.subarray(nul + 2));
    return text === null ? null : { keyword, text: text.toString('latin1'), chunk: type };
  }
  // iTXt: keyword\0 compression-flag method language\0 translated-keyword\0 text (UTF-8)
  const flag = d[nul + 1];
  const lang = d.indexOf(0, nul + 3);
  const trans = lang < 0 ? -1 : d.indexOf(0, lang + 1);
  if (trans < 0 || (flag !== 0 && flag !== 1)) return null;
  const body = d.subarray(trans + 1);
  const text = flag === 1 ? inflate(body) : body.subarray(0, MAX_TEXT_BYTES);
  return text === null ? null : { keyword, text: text.toString('utf8'), chunk: type };
}

/**
 * The EXIF UserComment as text: 8 bytes naming the character code (ASCII, UNICODE — UTF-16, in the byte
 * order the first character shows — JIS, or undefined), then the comment. exifr hands it over raw.
 */
export function decodeUserComment(v: unknown): string | null {
  let b: Buffer;
  if (typeof v === 'string') return v.replace(/\0+$/, '').trim() || null;
  if (v instanceof Uint8Array) b = Buffer.from(v);
  else if (v && typeof v === 'object') {
    const vals = Object.values(v as Record<string, unknown>);
    if (!vals.every((x) => typeof x === 'number')) return null;
    b = Buffer.from(vals as number[]);
  } else return null;
  if (b.length <= 8) return null;
  const code = b.toString('latin1', 0, 8).replace(/\0+$/, '');
  const body = b.subarray(8, 8 + MAX_TEXT_BYTES);
  let text: string;
  if (code === 'UNICODE') {
    const be = body.length >= 2 && body[0] === 0 && body[1] !== 0;
    const even = Buffer.from(body.subarray(0, body.length & ~1));
    text = (be ? even.swap16() : even).toString('utf16le');
  } else text = body.toString(code === 'ASCII' ? 'latin1' : 'utf8');
  text = text.replace(/\0+$/, '').trim();
  return text || null;
}

/** At most this many JPEG comments are kept, each cut to this many bytes. */
const MAX_COMMENTS = 16;
const MAX_COMMENT_BYTES = 64 * 1024;

/** The JPEG comment segments (COM), as text (UTF-8 when valid, else Latin-1). */
export function readJpegComments(bytes: Buffer): string[] {
  return [...jpegHeaderSegments(bytes)]
    .filter((x) => x.marker === 0xfe)
    .slice(0, MAX_COMMENTS)
    .map(({ payload }) => {
      const b = payload.subarray(0, MAX_COMMENT_BYTES);
      const utf8 = b.toString('utf8');
      return (utf8.includes('\ufffd') ? b.toString('latin1') : utf8).replace(/\0+$/, '').trim();
    })
    .filter(Boolean);
}
