/**
 * The box structure of an MP4 / QuickTime file (ISO/IEC 14496-12, Apple's QuickTime File Format),
 * read from the box headers without loading the media data: the top-level layout, the brands, the
 * movie's and the tracks' creation and modification times, the edit lists (which media playback
 * skips), the handler names (which library wrote the file), XMP packets, and where the end of the
 * file disagrees with its boxes (bytes appended after the last box, a file cut short).
 *
 * The layout and the handler names tell which software wrote a file (Gloe, Fischer & Kirchner,
 * "Forensic analysis of video file formats", DFRWS EU 2014); an edit list that skips media is how
 * a file is cut without re-encoding, and the skipped frames stay inside it.
 *
 * Every size and count is bounds-checked against the bytes read; a damaged structure ends the walk
 * where it becomes unreadable and says so, never throws.
 */
import fs from 'node:fs';
import type { MetadataFlag } from '../../../src-shared/domain/media';
import { boxHeader, childBoxes, type BoxRef } from './isobmff';
import { headerReader, mediaAfterEnd, readAt, readTrailing, trailingFinding, truncatedFinding, type StructureFindings, type Trailing } from './structure-io';

/** Seconds from 1904-01-01 (the QuickTime/ISO epoch) to 1970-01-01. */
const EPOCH_1904 = 2_082_844_800;
/** The movie box is read whole up to this size (an hour of phone video indexes in a few MB). */
export const MAX_MOOV_BYTES = 64 * 1024 * 1024;
/** An XMP packet larger than this is noted, not read. */
const MAX_XMP_BYTES = 4 * 1024 * 1024;
/** Top-level boxes walked at most (a fragmented file has two per fragment). */
const MAX_TOP_BOXES = 200_000;
/** Edit-list entries read per track at most. */
const MAX_EDITS = 10_000;
/** The UUID of an XMP box (ISO 16684-1 / Adobe XMP part 3). */
const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';
/** The UUID of the top-level box that holds a C2PA manifest store (C2PA 2.x, "Embedding manifests into BMFF"). */
const C2PA_BOX_UUID = 'd8fec3d61b0e483c92975828877ec481';

export interface TopBox {
  type: string;
  /** Declared size in bytes (whole box). */
  size: number;
  /** For 'uuid' boxes, the extended type in hex. */
  uuid?: string;
}

export interface Edit {
  /** Duration of this segment of the presentation, seconds (movie timescale). */
  segmentSec: number;
  /** Where in the track's media it starts, seconds (media timescale); null for an empty edit (a pause). */
  mediaStartSec: number | null;
  rate: number;
}

export interface TrackStructure {
  /** Track ID from the track header (0 when absent). */
  id: number;
  /** Handler type: vide, soun, text, meta, tmcd, … ('' when absent). */
  handler: string;
  handlerName: string | null;
  /** ms since 1970 (null: not set, i.e. zero, or no header). */
  created: number | null;
  modified: number | null;
  /** Length of the track's media, seconds (null when the header says 0 or is missing; fragmented files). */
  mediaSec: number | null;
  /** The edit list, null when the track has none (all of its media plays). */
  edits: Edit[] | null;
  /** More entries than were read. */
  editsCut: boolean;
  /** Seconds of the track's media that no edit plays (null when it cannot be told). */
  hiddenSec: number | null;
}

export interface Mp4Structure {
  layout: TopBox[];
  /** The walk stopped at MAX_TOP_BOXES. */
  layoutCut: boolean;
  majorBrand: string | null;
  minorVersion: number | null;
  compatibleBrands: string[];
  movie: { created: number | null; modified: number | null; durationSec: number | null } | null;
  tracks: TrackStructure[];
  /** Movie fragments (moof) follow the movie box. */
  fragmented: boolean;
  /** XMP packets as text (top-level or track 'uuid' boxes, QuickTime 'udta/XMP_'). */
  xmp: string[];
  /** The payload of a top-level C2PA 'uuid' box (at most MAX_XMP_BYTES), for generator-marks.ts. */
  c2pa?: Buffer;
  /** Bytes after the last whole box that do not form a box. */
  trailing: Trailing | null;
  /** The last box declares more bytes than the file holds. */
  cutShort: { type: string; declared: number; present: number } | null;
  /** Why the movie box was not read (too large), when it was not. */
  moovNotRead: string | null;
  /** Where a second file's ftyp begins, after the first one's movie box (files joined with `cat`). */
  secondFileAt: number | null;
}

/** A plausible box type: four printable Latin-1 characters (© included). */
const plausibleType = (type: string): boolean => /^[\x20-\x7e\xa9]{4}$/.test(type);

/** Formats whose files are ISO BMFF / QuickTime boxes (ffprobe's mov,mp4,m4a,3gp,3g2,mj2 demuxer): those readMp4Structure reads. */
export const isMp4Format = (format: string): boolean => format === 'mp4' || format === 'mov';

/** Box types that may begin an ISO BMFF / QuickTime file. */
const FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'pnot', 'uuid', 'styp', 'sidx', 'junk', 'pdin']);

/** The child boxes of b[from, to), up to the first header that does not fit or has an implausible type. */
function children(b: Buffer, from: number, to: number): BoxRef[] {
  const all = childBoxes(b, from, to, 100_000);
  const bad = all.findIndex((x) => !plausibleType(x.type));
  return bad < 0 ? all : all.slice(0, bad);
}

const child = (b: Buffer, box: BoxRef, type: string) => children(b, box.start, box.end).find((c) => c.type === type);

/** A 1904-based time in seconds → ms since 1970, null for zero (not set) or an absurd value. */
function macTime(sec: number): number | null {
  if (!(sec > 0)) return null;
  const ms = (sec - EPOCH_1904) * 1000;
  // Before 1970 or past 2100: garbage, not a time anyone recorded at.
  return ms >= 0 && ms < 4_102_444_800_000 ? ms : null;
}

/** Version-dependent creation, modification, timescale and duration of an mvhd/mdhd (tkhd: no timescale). */
function headerTimes(b: Buffer, box: BoxRef, kind: 'mvhd' | 'mdhd' | 'tkhd'): { created: number | null; modified: number | null; timescale: number; duration: number; trackId: number } | null {
  const p = box.start;
  const v = box.end - p >= 1 ? b[p]! : -1;
  if (v === 1) {
    if (p + 36 > box.end) return null;
    const created = Number(b.readBigUInt64BE(p + 4));
    const modified = Number(b.readBigUInt64BE(p + 12));
    if (kind === 'tkhd') return { created: macTime(created), modified: macTime(modified), timescale: 0, duration: Number(b.readBigUInt64BE(p + 28)), trackId: b.readUInt32BE(p + 20) };
    return { created: macTime(created), modified: macTime(modified), timescale: b.readUInt32BE(p + 20), duration: Number(b.readBigUInt64BE(p + 24)), trackId: 0 };
  }
  if (v !== 0 || p + 24 > box.end) return null;
  const created = b.readUInt32BE(p + 4);
  const modified = b.readUInt32BE(p + 8);
  if (kind === 'tkhd') return { created: macTime(created), modified: macTime(modified), timescale: 0, duration: b.readUInt32BE(p + 20), trackId: b.readUInt32BE(p + 12) };
  return { created: macTime(created), modified: macTime(modified), timescale: b.readUInt32BE(p + 12), duration: b.readUInt32BE(p + 16), trackId: 0 };
}

/** A handler's name: a C string (ISO) or a counted Pascal string (QuickTime). */
function handlerName(raw: Buffer): string | null {
  if (!raw.length) return null;
  let s: Buffer = raw;
  const n = raw[0]!;
  if (n > 0 && n < 0x20 && n <= raw.length - 1) s = raw.subarray(1, 1 + n);
  const z = s.indexOf(0);
  const text = (z >= 0 ? s.subarray(0, z) : s).toString('utf8').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return text ? text.slice(0, 200) : null;
}

function readHandler(b: Buffer, box: BoxRef): { type: string; name: string | null } {
  // version/flags 4, pre_defined (QuickTime: component type) 4, handler_type 4, reserved 12, name.
  if (box.start + 12 > box.end) return { type: '', name: null };
  const type = b.toString('latin1', box.start + 8, box.start + 12);
  return { type: plausibleType(type) ? type : '', name: box.start + 24 <= box.end ? handlerName(b.subarray(box.start + 24, box.end)) : null };
}

function readEdits(b: Buffer, elst: BoxRef, movieScale: number, mediaScale: number): { edits: Edit[]; cut: boolean } {
  const p = elst.start;
  if (p + 8 > elst.end) return { edits: [], cut: true };
  const v = b[p]!;
  const count = b.readUInt32BE(p + 4);
  const entry = v === 1 ? 20 : 12;
  const fits = Math.floor((elst.end - p - 8) / entry);
  const n = Math.min(count, fits, MAX_EDITS);
  const edits: Edit[] = [];
  for (let i = 0; i < n; i++) {
    const at = p + 8 + i * entry;
    const seg = v === 1 ? Number(b.readBigUInt64BE(at)) : b.readUInt32BE(at);
    const mt = v === 1 ? Number(b.readBigInt64BE(at + 8)) : b.readInt32BE(at + 4);
    const rate = b.readInt16BE(at + (v === 1 ? 16 : 8)) + b.readUInt16BE(at + (v === 1 ? 18 : 10)) / 65536;
    edits.push({ segmentSec: movieScale > 0 ? seg / movieScale : 0, mediaStartSec: mt < 0 ? null : mediaScale > 0 ? mt / mediaScale : 0, rate });
  }
  return { edits, cut: n < count };
}

/** The spans of [0, mediaSec) that no edit plays, in media seconds, in order. */
export function hiddenSpans(edits: readonly Edit[], mediaSec: number): [number, number][] {
  const spans = edits
    .filter((e) => e.mediaStartSec !== null && e.rate > 0)
    .map((e) => [Math.max(0, e.mediaStartSec!), Math.min(mediaSec, e.mediaStartSec! + e.segmentSec * e.rate)] as const)
    .filter(([a, z]) => z > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  let reach = 0;
  for (const [a, z] of spans) {
    if (a > reach) out.push([reach, a]);
    reach = Math.max(reach, z);
  }
  if (mediaSec > reach) out.push([reach, mediaSec]);
  return out;
}

/** Seconds of [0, mediaSec) that no edit plays. */
export function hiddenMedia(edits: readonly Edit[], mediaSec: number): number {
  return hiddenSpans(edits, mediaSec).reduce((sum, [a, z]) => sum + (z - a), 0);
}

function xmpText(b: Buffer): string | null {
  const s = b.toString('utf8');
  return /<x:xmpmeta|<rdf:RDF/.test(s) ? s : null;
}

/** The movie box's contents. */
function readMoov(b: Buffer, s: Mp4Structure): void {
  const moov: BoxRef = { type: 'moov', start: 0, end: b.length, truncated: false };
  const kids = children(b, moov.start, moov.end);
  let movieScale = 0;
  for (const k of kids) {
    if (k.type === 'mvhd') {
      const t = headerTimes(b, k, 'mvhd');
      if (t) {
        movieScale = t.timescale;
        s.movie = { created: t.created, modified: t.modified, durationSec: t.timescale > 0 && t.duration > 0 && t.duration < 0xffffffff ? t.duration / t.timescale : null };
      }
    } else if (k.type === 'mvex') s.fragmented = true;
    else if (k.type === 'udta') collectXmp(b, k, s);
    else if (k.type === 'uuid') uuidXmp(b, k, s);
  }
  for (const trak of kids.filter((k) => k.type === 'trak').slice(0, 1000)) {
    const tk = children(b, trak.start, trak.end);
    const tkhd = tk.find((x) => x.type === 'tkhd');
    const head = tkhd ? headerTimes(b, tkhd, 'tkhd') : null;
    const mdia = tk.find((x) => x.type === 'mdia');
    const mdhd = mdia ? child(b, mdia, 'mdhd') : undefined;
    const media = mdhd ? headerTimes(b, mdhd, 'mdhd') : null;
    const hdlr = mdia ? child(b, mdia, 'hdlr') : undefined;
    const handler = hdlr ? readHandler(b, hdlr) : { type: '', name: null };
    const elstBox = (() => {
      const edts = tk.find((x) => x.type === 'edts');
      return edts ? child(b, edts, 'elst') : undefined;
    })();
    const mediaScale = media?.timescale ?? 0;
    const mediaSec = media && mediaScale > 0 && media.duration > 0 && media.duration < 0xffffffff ? media.duration / mediaScale : null;
    const read = elstBox ? readEdits(b, elstBox, movieScale, mediaScale) : null;
    const edits = read ? read.edits : null;
    const hiddenSec = edits && mediaSec !== null && !s.fragmented && !read!.cut && movieScale > 0 && mediaScale > 0 ? hiddenMedia(edits, mediaSec) : null;
    s.tracks.push({
      id: head?.trackId ?? 0,
      handler: handler.type,
      handlerName: handler.name,
      created: head?.created ?? null,
      modified: head?.modified ?? null,
      mediaSec,
      edits,
      editsCut: read?.cut ?? false,
      hiddenSec,
    });
    for (const x of tk) {
      if (x.type === 'udta') collectXmp(b, x, s);
      else if (x.type === 'uuid') uuidXmp(b, x, s);
    }
  }
}

function collectXmp(b: Buffer, udta: BoxRef, s: Mp4Structure): void {
  for (const x of children(b, udta.start, udta.end)) {
    if (x.type !== 'XMP_' || x.end - x.start > MAX_XMP_BYTES) continue;
    const t = xmpText(b.subarray(x.start, x.end));
    if (t) s.xmp.push(t);
  }
}

function uuidXmp(b: Buffer, box: BoxRef, s: Mp4Structure): void {
  if (box.start + 16 > box.end || b.toString('hex', box.start, box.start + 16) !== XMP_UUID || box.end - box.start > MAX_XMP_BYTES) return;
  const t = xmpText(b.subarray(box.start + 16, box.end));
  if (t) s.xmp.push(t);
}

/**
 * The box structure of the file at `p` (`size` bytes), or null when it does not begin like an
 * MP4/QuickTime file. Reads the box headers, the ftyp, the movie box (up to MAX_MOOV_BYTES), XMP
 * boxes and the first bytes of anything after the last box; never the media data.
 */
export async function readMp4Structure(p: string, size: number): Promise<Mp4Structure | null> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const s: Mp4Structure = {
      layout: [],
      layoutCut: false,
      majorBrand: null,
      minorVersion: null,
      compatibleBrands: [],
      movie: null,
      tracks: [],
      fragmented: false,
      xmp: [],
      trailing: null,
      cutShort: null,
      moovNotRead: null,
      secondFileAt: null,
    };
    const headerAt = headerReader(fh, 64 * 1024, 16);
    let pos = 0;
    let moovSeen = false;
    while (pos < size) {
      if (s.layout.length >= MAX_TOP_BOXES) {
        s.layoutCut = true;
        break;
      }
      const h = size - pos >= 8 ? await headerAt(pos) : Buffer.alloc(0);
      // (Size 0 declares a box that runs to the end of the file.)
      const head = h.length >= 8 && plausibleType(h.toString('latin1', 4, 8)) ? boxHeader(h, 0, size - pos) : null;
      if (!head) {
        if (pos === 0) return null;
        s.trailing = await readTrailing(fh, pos, size);
        break;
      }
      const { type, size: boxSize, header } = head;
      if (pos === 0 && !FIRST_BOXES.has(type)) return null;
      if (type === 'ftyp' && pos > 0 && moovSeen && s.secondFileAt === null) s.secondFileAt = pos;
      const box: TopBox = { type, size: boxSize };
      if (type === 'uuid' && h.length >= 16 && header === 8) box.uuid = h.toString('hex', 8, 16) + (await readAt(fh, pos + 16, 8)).toString('hex');
      s.layout.push(box);
      const present = Math.min(boxSize, size - pos);
      if (pos + boxSize > size) s.cutShort = { type, declared: boxSize, present };
      const payload = present - header;
      // (Once a second file has begun, its boxes say nothing about the first: only the layout lists them.)
      const first = s.secondFileAt === null;
      if (type === 'ftyp' && payload >= 8 && s.majorBrand === null) {
        const f = await readAt(fh, pos + header, Math.min(payload, 4096));
        s.majorBrand = f.toString('latin1', 0, 4);
        s.minorVersion = f.readUInt32BE(4);
        for (let i = 8; i + 4 <= f.length && s.compatibleBrands.length < 64; i += 4) s.compatibleBrands.push(f.toString('latin1', i, i + 4));
      } else if (type === 'moov' && !moovSeen && !s.cutShort) {
        moovSeen = true;
        if (payload > MAX_MOOV_BYTES) s.moovNotRead = `its movie box is ${payload} bytes, over the ${MAX_MOOV_BYTES} read`;
        else readMoov(await readAt(fh, pos + header, payload), s);
      } else if (type === 'moof' && first) s.fragmented = true;
      else if (type === 'uuid' && first && !s.cutShort && payload <= MAX_XMP_BYTES && box.uuid === XMP_UUID) {
        uuidXmp(await readAt(fh, pos + header, payload), { type, start: 0, end: payload, truncated: false }, s);
      } else if (type === 'uuid' && first && !s.cutShort && payload <= MAX_XMP_BYTES && box.uuid === C2PA_BOX_UUID && !s.c2pa) s.c2pa = await readAt(fh, pos + header, payload);
      if (s.cutShort) break;
      pos += boxSize;
    }
    return s.layout.length ? s : null;
  } finally {
    await fh.close();
  }
}

/** Handler names that the writing libraries put in every track, and who they are. */
const WRITERS: readonly [RegExp, string][] = [
  [/^(Video|Sound|Subtitle|Data|Timecode)Handler$/, 'FFmpeg (libavformat)'],
  [/^Core Media (Video|Audio|Metadata|Data|Time Code|Text)$/, 'Apple Core Media (iPhone, iPad, Mac)'],
  [/^L-SMASH (Video|Audio) Handler$/, 'L-SMASH (x264 and other command-line encoders)'],
  [/^GPAC ISO (Video|Audio) Handler$/, 'GPAC MP4Box'],
  [/^Mainconcept (MP4 )?(Video|Sound|Audio) Media Handler$/i, 'MainConcept (Adobe Premiere / Media Encoder and other editors)'],
];

/** The writing library the tracks' handler names point to, if they all agree on a known one. */
export function writerOf(s: Pick<Mp4Structure, 'tracks'>): string | null {
  const names = s.tracks.map((t) => t.handlerName).filter((n): n is string => !!n);
  if (!names.length) return null;
  for (const [re, who] of WRITERS) if (names.every((n) => re.test(n))) return who;
  return null;
}

const TRACK_KIND: Record<string, string> = { vide: 'video', soun: 'audio', text: 'text', sbtl: 'subtitle', subt: 'subtitle', tmcd: 'timecode', meta: 'metadata', mebx: 'metadata', hint: 'hint' };
const trackKind = (t: TrackStructure) => TRACK_KIND[t.handler] ?? (t.handler ? `'${t.handler}'` : 'unknown');
/** Seconds as the structure reports write them. */
export const secs = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s`;
/** A header time as the structure reports write it. */
export const iso = (ms: number | null) => (ms === null ? 'not set' : new Date(ms).toISOString().replace('.000Z', 'Z'));
function span(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 72 ? `${h} h` : `${Math.round(h / 24)} days`;
}

/** The top-level layout with runs folded: "ftyp · moov · (moof · mdat) ×120 · mfra". */
export function layoutText(layout: readonly TopBox[], cut = false): string {
  const t = layout.map((b) => b.type.trim() || '?');
  const parts: string[] = [];
  let i = 0;
  while (i < t.length) {
    let folded = false;
    for (const period of [1, 2]) {
      let n = 1;
      while (i + (n + 1) * period <= t.length && t.slice(i + n * period, i + (n + 1) * period).every((x, k) => x === t[i + k])) n++;
      if (n >= 3 || (period === 1 && n === 2)) {
        const unit = t.slice(i, i + period);
        parts.push(`${period > 1 ? `(${unit.join(' · ')})` : unit[0]} ×${n}`);
        i += n * period;
        folded = true;
        break;
      }
    }
    if (!folded) parts.push(t[i++]!);
  }
  return parts.join(' · ') + (cut ? ' · …' : '');
}

/** Below this much skipped media an edit list is a codec's start-up delay (B-frames, audio priming), not a cut. */
export const HIDDEN_SEC = 0.5;

/** The hidden part of a video track: its ID, its hidden spans (media seconds) and their length. */
export interface HiddenVideo {
  trackId: number;
  spans: [number, number][];
  hiddenSec: number;
  mediaSec: number;
}

/**
 * The hidden part of the video track ffprobe calls stream `streamIndex` (its tracks in file order), or
 * of the first video track, when at least HIDDEN_SEC of it is not played; null otherwise.
 */
export function hiddenVideoOf(s: Mp4Structure, streamIndex?: number): HiddenVideo | null {
  const byIndex = streamIndex !== undefined ? s.tracks[streamIndex] : undefined;
  const t = byIndex?.handler === 'vide' ? byIndex : s.tracks.find((x) => x.handler === 'vide');
  if (!t || t.hiddenSec === null || t.hiddenSec < HIDDEN_SEC || !t.edits || t.mediaSec === null) return null;
  return { trackId: t.id, spans: hiddenSpans(t.edits, t.mediaSec).filter(([a, z]) => z - a > 1e-6), hiddenSec: t.hiddenSec, mediaSec: t.mediaSec };
}
/** Clock slack between two header times written by one recording. */
const CLOCK_SLACK_MS = 60_000;

export type Mp4Findings = StructureFindings;

/** What the structure says, as metadata rows, highlights and flags. */
export function describeMp4Structure(s: Mp4Structure): Mp4Findings {
  const group: Record<string, string> = {};
  const highlights: { label: string; value: string }[] = [];
  const flags: MetadataFlag[] = [];
  group.layout = layoutText(s.layout, s.layoutCut);
  highlights.push({ label: 'Box layout', value: group.layout.length > 120 ? `${group.layout.slice(0, 117)}…` : group.layout });
  if (s.majorBrand !== null) {
    group.majorBrand = `${s.majorBrand.trim() || '(blank)'} (minor version ${s.minorVersion ?? 0})`;
    group.compatibleBrands = s.compatibleBrands.map((b) => b.trim() || '(blank)').join(', ') || 'none';
    highlights.push({ label: 'Brands', value: `${s.majorBrand.trim()}${s.compatibleBrands.length ? ` (${s.compatibleBrands.map((b) => b.trim()).filter(Boolean).join(', ')})` : ''}` });
  }
  const writer = writerOf(s);
  if (writer) {
    group.writer = `${writer} (by the tracks' handler names)`;
    highlights.push({ label: 'Written by', value: `${writer} — handler names` });
  }
  if (s.fragmented) group.fragmented = `yes: ${s.layout.filter((b) => b.type === 'moof').length} movie fragments`;
  if (s.moovNotRead) group.movieBox = `not read: ${s.moovNotRead}`;
  const movie = s.movie;
  if (movie) {
    group.movieCreated = iso(movie.created);
    group.movieModified = iso(movie.modified);
    if (movie.durationSec !== null) group.movieDuration = secs(movie.durationSec);
    if (movie.created !== null && movie.modified !== null) {
      const lasting = (movie.durationSec ?? 0) * 1000 + CLOCK_SLACK_MS;
      if (movie.modified - movie.created > lasting) {
        flags.push({
          code: 'MODIFIED_AFTER_CAPTURE',
          severity: 'notice',
          message: `The movie header was modified ${span(movie.modified - movie.created)} after it was created (${iso(movie.created)} → ${iso(movie.modified)}): the file was rewritten after it was recorded; recorders write both times when they close the file.`,
        });
      } else if (movie.created - movie.modified > CLOCK_SLACK_MS) {
        flags.push({ code: 'DATE_MISMATCH', severity: 'notice', message: `The movie header's modification time is ${span(movie.created - movie.modified)} before its creation time.` });
      }
    }
  }
  s.tracks.forEach((t, i) => {
    const key = `track${t.id || i + 1}`;
    const kind = trackKind(t);
    group[key] = [
      `${kind}${t.handlerName ? ` (handler '${t.handlerName}')` : ''}`,
      t.mediaSec !== null ? `media ${secs(t.mediaSec)}` : null,
      t.created !== null ? `created ${iso(t.created)}` : null,
      t.modified !== null && t.modified !== t.created ? `modified ${iso(t.modified)}` : null,
    ]
      .filter(Boolean)
      .join(', ');
    if (t.edits) {
      const shown = t.edits.slice(0, 5).map((e) => (e.mediaStartSec === null ? `pause ${secs(e.segmentSec)}` : `${secs(e.segmentSec)} from ${secs(e.mediaStartSec)}${e.rate !== 1 ? ` at rate ${e.rate}` : ''}`));
      group[`${key}Edits`] = `${t.edits.length}${t.editsCut ? '+' : ''} edit${t.edits.length === 1 ? '' : 's'}: ${shown.join('; ')}${t.edits.length > 5 ? '; …' : ''}`;
    }
    const label = `The ${kind} track (track ${t.id || i + 1})`;
    if (t.hiddenSec !== null && t.hiddenSec >= HIDDEN_SEC && t.mediaSec !== null) {
      group[`${key}Hidden`] = `${secs(t.hiddenSec)} of media not played`;
      flags.push({
        code: 'HIDDEN_MEDIA',
        severity: t.handler === 'vide' ? 'warning' : 'notice',
        message:
          `${label} holds ${secs(t.hiddenSec)} of media that playback skips: its edit list plays ${secs(t.mediaSec - t.hiddenSec)} of ${secs(t.mediaSec)}. ` +
          'The file was cut or trimmed without re-encoding, and the skipped part is still inside it' +
          (t.handler === 'vide' ? ' (MediaGuard analyses frames of it apart from the played ones: "Hidden by the edit list").' : '.'),
      });
    }
    const segments = t.edits?.filter((e) => e.mediaStartSec !== null && e.segmentSec > 0).length ?? 0;
    if (segments >= 2) {
      flags.push({ code: 'EDIT_LIST', severity: 'notice', message: `${label} plays its media as ${segments} separate segments (edit list): joined or re-arranged without re-encoding.` });
    }
    if (movie?.created != null && t.created !== null) {
      const d = t.created - movie.created;
      if (Math.abs(d) > (movie.durationSec ?? 0) * 1000 + CLOCK_SLACK_MS) {
        flags.push({ code: 'DATE_MISMATCH', severity: 'notice', message: `${label} was created ${span(Math.abs(d))} ${d < 0 ? 'before' : 'after'} the movie: its media may come from another recording.` });
      }
    }
  });
  if (s.xmp.length) group.xmpPackets = String(s.xmp.length);
  if (s.trailing) {
    const t = trailingFinding(s.trailing, 'box');
    group.afterLastBox = t.row;
    flags.push(t.flag);
  }
  if (s.secondFileAt !== null) {
    group.secondFile = `from byte ${s.secondFileAt}`;
    flags.push({
      code: 'APPENDED_FILE',
      severity: 'warning',
      message: `A second MP4/QuickTime file begins at byte ${s.secondFileAt}, with its own file-type and movie boxes: another file appended to this one. Players and FFmpeg read the first only; MediaGuard analyses the appended one apart ("Appended to the file").`,
    });
  }
  if (s.cutShort) {
    const t = truncatedFinding(`its '${s.cutShort.type.trim()}' box`, s.cutShort.present, s.cutShort.declared);
    group.cutShort = t.row;
    flags.push(t.flag);
  }
  return { group, highlights, flags };
}

/** Where a file appended to this one begins, and how it was found: a second ftyp after the movie box, or a picture or video after the last box. */
export function appendedOfMp4(s: Pick<Mp4Structure, 'secondFileAt' | 'trailing'>, size: number): { offset: number; foundAs: string } | null {
  if (s.secondFileAt !== null) return { offset: s.secondFileAt, foundAs: 'a second MP4/QuickTime file after the first one’s boxes' };
  return mediaAfterEnd(s.trailing, size, 'box');
}
