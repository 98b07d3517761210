/**
 * The chunk structure of an AVI file (RIFF, with the OpenDML extensions), read from the chunk headers
 * and the small header chunks without loading the media: the layout, the main header's frame count,
 * the streams, the writing software and dates of the INFO list and the IDIT chunk, the maker data
 * cameras put in `strd` chunks, whether the legacy index (`idx1`) still points at the media chunks it
 * lists, and where the end of the file disagrees with its chunks (appended bytes, a file cut short,
 * a second AVI file after the first).
 *
 * Every size and count is bounds-checked against the bytes read; a damaged structure ends the walk
 * where it becomes unreadable and says so, never throws.
 */
import fs from 'node:fs';
import type { MetadataFlag } from '../../../src-shared/domain/media';
import { layoutText } from './mp4-structure';
import { capText, mediaAfterEnd, readAt, readTrailing, trailingFinding, truncatedFinding, type StructureFindings, type Trailing } from './structure-io';

/** Header chunks (hdrl, INFO, odml, idx1) are read whole up to this size. */
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;
/** Chunks walked inside the RIFF forms at most. */
const MAX_CHUNKS = 100_000;
/** RIFF forms walked at most (an OpenDML file has one per GB). */
const MAX_FORMS = 1000;
/** idx1 entries whose target is checked (spread over the index). */
const INDEX_SAMPLES = 64;

export interface AviStream {
  /** vids, auds, txts, … */
  type: string;
  /** The codec's four-character code (strh fccHandler), '' when none. */
  handler: string;
  name: string | null;
  /** Printable text of the stream's strd chunk (maker data), when it has one. */
  makerData: string | null;
}

export interface AviStructure {
  /** Top-level RIFF forms and their chunks, in order. */
  layout: string[];
  layoutCut: boolean;
  /** Frames the main header (avih) declares, and the OpenDML header (dmlh) for the whole file. */
  headerFrames: number | null;
  odmlFrames: number | null;
  streams: AviStream[];
  /** The INFO list's tags by chunk ID (ISFT software, ICRD date, ICMT comment…). */
  info: Record<string, string>;
  /** The IDIT chunk (date and time original, as cameras write it). */
  idit: string | null;
  /** The legacy index: entries, video entries, entries checked and those that do not point at their chunk. */
  index: { entries: number; videoEntries: number; checked: number; bad: number } | null;
  /** Where a second AVI file begins (a RIFF 'AVI ' form after the first). */
  secondFileAt: number | null;
  trailing: Trailing | null;
  cutShort: { chunk: string; declared: number; present: number } | null;
}

/** Formats whose files are RIFF AVI: those readAviStructure reads. */
export const isAviFormat = (format: string): boolean => format === 'avi';

const plausible = (id: string) => /^[\x20-\x7e]{4}$/.test(id);

interface Chunk {
  id: string;
  /** For RIFF and LIST: the form or list type. */
  type: string | null;
  /** Header offset, payload start (after the type for RIFF/LIST) and declared end. */
  at: number;
  start: number;
  end: number;
}

/** The chunks of b[from, to) (a RIFF or LIST payload read whole). */
function chunksIn(b: Buffer, from: number, to: number, max = 10_000): Chunk[] {
  const out: Chunk[] = [];
  let pos = from;
  while (pos + 8 <= to && out.length < max) {
    const id = b.toString('latin1', pos, pos + 4);
    if (!plausible(id)) break;
    const size = b.readUInt32LE(pos + 4);
    if (pos + 8 + size > to) break;
    const list = id === 'LIST' && size >= 4;
    out.push({ id, type: list ? b.toString('latin1', pos + 8, pos + 12) : null, at: pos, start: pos + (list ? 12 : 8), end: pos + 8 + size });
    pos += 8 + size + (size & 1);
  }
  return out;
}

/** Printable text of a chunk: NULs end strings, runs of 3+ printable characters kept. */
function printable(b: Buffer): string | null {
  const runs = b.toString('latin1').match(/[\x20-\x7e]{3,}/g) ?? [];
  const s = runs.join(' ').replace(/\s+/g, ' ').trim();
  return s ? s.slice(0, 200) : null;
}

function cString(b: Buffer): string | null {
  const z = b.indexOf(0);
  const s = (z >= 0 ? b.subarray(0, z) : b).toString('latin1').replace(/[\x00-\x1f\x7f]/g, '').trim();
  return s ? s.slice(0, 200) : null;
}

/** The header list: main header, streams, OpenDML header, and the IDIT date cameras put there. */
function readHdrl(b: Buffer, s: AviStructure): void {
  for (const c of chunksIn(b, 0, b.length)) {
    if (c.id === 'avih' && c.end - c.start >= 20) s.headerFrames = b.readUInt32LE(c.start + 16);
    else if (c.id === 'LIST' && c.type === 'strl') {
      const st: AviStream = { type: '', handler: '', name: null, makerData: null };
      for (const k of chunksIn(b, c.start, c.end)) {
        if (k.id === 'strh' && k.end - k.start >= 8) {
          st.type = b.toString('latin1', k.start, k.start + 4).replace(/[^\x20-\x7e]/g, '?');
          st.handler = b.toString('latin1', k.start + 4, k.start + 8).replace(/[^\x20-\x7e]/g, '').trim();
        } else if (k.id === 'strn') st.name = cString(b.subarray(k.start, k.end));
        else if (k.id === 'strd') st.makerData = printable(b.subarray(k.start, Math.min(k.end, k.start + 4096)));
      }
      if (s.streams.length < 100) s.streams.push(st);
    } else if (c.id === 'IDIT' && s.idit === null) s.idit = cString(b.subarray(c.start, Math.min(c.end, c.start + 4096)));
    else if (c.id === 'LIST' && c.type === 'odml') {
      const d = chunksIn(b, c.start, c.end).find((k) => k.id === 'dmlh');
      if (d && d.end - d.start >= 4) s.odmlFrames = b.readUInt32LE(d.start);
    }
  }
}

/**
 * The structure of the AVI file at `p` (`size` bytes), or null when it does not begin with a RIFF AVI
 * form. Reads the chunk headers, the header and INFO lists, the index (up to MAX_CHUNK_BYTES) and a
 * sample of the media chunks' headers the index points at; never the media.
 */
export async function readAviStructure(p: string, size: number): Promise<AviStructure | null> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const head = await readAt(fh, 0, 12);
    if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'AVI ') return null;
    const s: AviStructure = { layout: [], layoutCut: false, headerFrames: null, odmlFrames: null, streams: [], info: {}, idit: null, index: null, secondFileAt: null, trailing: null, cutShort: null };
    let pos = 0;
    let walked = 0;
    let forms = 0;
    let firstMovi: { typeAt: number; end: number } | null = null;
    let idx1: Buffer | null = null;
    while (pos < size) {
      const h = size - pos >= 12 ? await readAt(fh, pos, 12) : Buffer.alloc(0);
      const id = h.length >= 12 ? h.toString('latin1', 0, 4) : '';
      const form = h.length >= 12 ? h.toString('latin1', 8, 12) : '';
      if (id !== 'RIFF' || !plausible(form)) {
        s.trailing = await readTrailing(fh, pos, size);
        break;
      }
      if (form === 'AVI ' && pos > 0 && s.secondFileAt === null) s.secondFileAt = pos;
      if (++forms > MAX_FORMS) {
        s.layoutCut = true;
        break;
      }
      // A size of 0xFFFFFFFF (or 0) is a placeholder never filled in — ffmpeg writing to a pipe leaves it: to the end of the file.
      const declared = h.readUInt32LE(4);
      const riffEnd = declared === 0xffffffff || declared === 0 ? size : pos + 8 + declared;
      if (riffEnd > size) s.cutShort = { chunk: `RIFF '${form.trim()}'`, declared: riffEnd - pos, present: size - pos };
      const names: string[] = [];
      // The chunks of this RIFF form: their headers only, the small ones read whole.
      let q = pos + 12;
      const end = Math.min(riffEnd, size);
      while (q + 8 <= end) {
        if (++walked > MAX_CHUNKS) {
          s.layoutCut = true;
          break;
        }
        const c = await readAt(fh, q, 12);
        const cid = c.toString('latin1', 0, 4);
        if (!plausible(cid)) break;
        const type = cid === 'LIST' && c.length >= 12 ? c.toString('latin1', 8, 12) : null;
        // (A placeholder size, as above: to the end of its form.)
        const csize = c.readUInt32LE(4) === 0xffffffff ? end - q - 8 : c.readUInt32LE(4);
        names.push(type ?? cid);
        const cend = q + 8 + csize;
        if (cend > size) {
          s.cutShort ??= { chunk: `'${type ?? cid}'`, declared: 8 + csize, present: size - q };
          break;
        }
        const small = csize <= MAX_CHUNK_BYTES && s.secondFileAt === null;
        if (type === 'hdrl' && small && !s.streams.length) readHdrl(await readAt(fh, q + 12, csize - 4), s);
        else if (type === 'INFO' && small) {
          const b = await readAt(fh, q + 12, csize - 4);
          for (const k of chunksIn(b, 0, b.length, 200)) {
            const v = cString(b.subarray(k.start, k.end));
            if (v) s.info[k.id] ??= v;
          }
        } else if (cid === 'IDIT' && csize <= 4096 && s.idit === null) s.idit = cString(await readAt(fh, q + 8, csize));
        else if (type === 'movi' && !firstMovi) firstMovi = { typeAt: q + 8, end: cend };
        else if (cid === 'idx1' && small && !idx1) idx1 = await readAt(fh, q + 8, csize);
        q = cend + (csize & 1);
      }
      s.layout.push(`RIFF ${form.trim()} [${layoutText(names.map((type) => ({ type, size: 0 })), s.layoutCut)}]`);
      if (s.layoutCut || s.cutShort) break;
      pos = riffEnd + (riffEnd & 1);
    }
    if (idx1 && firstMovi && !s.cutShort) s.index = await checkIndex(fh, idx1, firstMovi, size);
    return s;
  } finally {
    await fh.close();
  }
}

/**
 * Whether the legacy index points at the chunks it lists: offsets are relative to the 'movi' type
 * field (or, in some writers, absolute); a sample of entries is checked against the chunk headers
 * found there.
 */
async function checkIndex(fh: fs.promises.FileHandle, idx1: Buffer, movi: { typeAt: number; end: number }, size: number): Promise<AviStructure['index']> {
  const n = Math.floor(idx1.length / 16);
  const entry = (i: number) => ({ id: idx1.toString('latin1', i * 16, i * 16 + 4), offset: idx1.readUInt32LE(i * 16 + 8), size: idx1.readUInt32LE(i * 16 + 12) });
  let videoEntries = 0;
  for (let i = 0; i < n; i++) if (/^\d\d(dc|db)$/.test(idx1.toString('latin1', i * 16, i * 16 + 4))) videoEntries++;
  if (n === 0) return { entries: 0, videoEntries: 0, checked: 0, bad: 0 };
  const hits = async (e: { id: string; offset: number; size: number }, base: number) => {
    const at = base + e.offset;
    if (at + 8 > size) return false;
    const h = await readAt(fh, at, 8);
    return h.length === 8 && h.toString('latin1', 0, 4) === e.id && h.readUInt32LE(4) === e.size;
  };
  // The base: relative to the 'movi' type field, or absolute (0); decided on the first entry.
  const first = entry(0);
  const base = (await hits(first, movi.typeAt)) ? movi.typeAt : (await hits(first, 0)) ? 0 : movi.typeAt;
  const picks = [...new Set(Array.from({ length: Math.min(INDEX_SAMPLES, n) }, (_, k) => Math.round((k * (n - 1)) / Math.max(1, Math.min(INDEX_SAMPLES, n) - 1))))];
  let bad = 0;
  for (const i of picks) if (!(await hits(entry(i), base))) bad++;
  return { entries: n, videoEntries, checked: picks.length, bad };
}

/** Where a file appended to this one begins, and how it was found: a second RIFF AVI form, or a picture or video after the last chunk. */
export function appendedOfAvi(s: Pick<AviStructure, 'secondFileAt' | 'trailing'>, size: number): { offset: number; foundAs: string } | null {
  if (s.secondFileAt !== null) return { offset: s.secondFileAt, foundAs: 'a second AVI file after the first' };
  return mediaAfterEnd(s.trailing, size, 'chunk');
}

const INFO_NAMES: Record<string, string> = { ISFT: 'software', ICRD: 'created', ICMT: 'comment', INAM: 'title', IART: 'artist', ICOP: 'copyright', ISRC: 'source', IENG: 'engineer', IPRD: 'product', ISMP: 'timecode', IDIT: 'dateTimeOriginal' };

export type AviFindings = StructureFindings;

/** What the structure says, as metadata rows, highlights and flags. */
export function describeAviStructure(s: AviStructure): AviFindings {
  const group: Record<string, string> = {};
  const highlights: { label: string; value: string }[] = [];
  const flags: MetadataFlag[] = [];
  group.layout = capText(s.layout.join(' · ') + (s.layoutCut ? ' · …' : ''));
  highlights.push({ label: 'Chunk layout', value: group.layout.length > 120 ? `${group.layout.slice(0, 117)}…` : group.layout });
  for (const [k, v] of Object.entries(s.info)) group[INFO_NAMES[k] ?? k] = v;
  if (s.idit) group.dateTimeOriginal = s.idit;
  if (s.info.ISFT) highlights.push({ label: 'Written by', value: `${s.info.ISFT} — INFO software` });
  if (s.headerFrames !== null) group.headerFrames = String(s.headerFrames);
  if (s.odmlFrames !== null) group.odmlFrames = String(s.odmlFrames);
  s.streams.forEach((st, i) => {
    group[`stream${i}`] = [st.type || 'unknown', st.handler ? `'${st.handler}'` : null, st.name ? `name "${st.name}"` : null, st.makerData ? `maker data "${st.makerData}"` : null].filter(Boolean).join(', ');
  });
  const maker = s.streams.map((st) => st.makerData).find(Boolean);
  if (maker) highlights.push({ label: 'Maker data', value: maker.length > 120 ? `${maker.slice(0, 117)}…` : maker });
  if (s.index) {
    group.index = `idx1: ${s.index.entries} entries (${s.index.videoEntries} video); ${s.index.checked} checked${s.index.bad ? `, ${s.index.bad} off` : ', all point at their chunks'}`;
    if (s.index.bad) {
      flags.push({
        code: 'INDEX_MISMATCH',
        severity: 'warning',
        message: `${s.index.bad} of ${s.index.checked} entries of the file's index (idx1) checked do not point at the chunk they list: bytes were removed or inserted in the media after the index was written — an edit that did not rewrite the file, or a damaged copy.`,
      });
    }
    // A single-RIFF file's main header counts its frames; the index lists each (dropped ones as empty entries).
    const single = !s.layout.some((l) => l.startsWith('RIFF AVIX'));
    if (single && s.headerFrames !== null && s.index.videoEntries > 0 && Math.abs(s.headerFrames - s.index.videoEntries) > 1 && s.streams.filter((x) => x.type === 'vids').length === 1) {
      flags.push({
        code: 'FRAME_COUNT_MISMATCH',
        severity: 'notice',
        message: `The main header declares ${s.headerFrames} frames but the index lists ${s.index.videoEntries} video chunks: the media was changed after the header was written, by software that did not rewrite it.`,
      });
    }
  }
  if (s.secondFileAt !== null) {
    group.secondFile = `from byte ${s.secondFileAt}`;
    flags.push({
      code: 'APPENDED_FILE',
      severity: 'warning',
      message: `A second AVI file begins at byte ${s.secondFileAt}: another file appended to this one. Players show the first; FFmpeg reads on into the second as if it continued the first. MediaGuard samples the first file's frames only and analyses the second apart ("Appended to the file").`,
    });
  }
  if (s.trailing) {
    const t = trailingFinding(s.trailing, 'chunk');
    group.afterLastChunk = t.row;
    flags.push(t.flag);
  }
  if (s.cutShort) {
    const t = truncatedFinding(`its ${s.cutShort.chunk} chunk`, s.cutShort.present, s.cutShort.declared);
    group.cutShort = t.row;
    flags.push(t.flag);
  }
  return { group, highlights, flags };
}
