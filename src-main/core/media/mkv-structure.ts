/**
 * The element structure of a Matroska / WebM file (RFC 9559, EBML RFC 8794), read from the element
 * headers and the small metadata elements without loading the media: the segments and their
 * level-1 layout, the muxing and writing applications, the muxing date, the tracks, chapter editions
 * (ordered chapters make players skip parts of the stored media), attached files, the CRC-32
 * checksums of the metadata elements, whether the index (SeekHead, Cues) points where the elements
 * are, and where the end of the file disagrees with its elements (appended bytes, a file cut short,
 * a second segment after the first).
 *
 * Every size and count is bounds-checked against the bytes read; a damaged structure ends the walk
 * where it becomes unreadable and says so, never throws.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { MetadataFlag } from '../../../src-shared/domain/media';
import { hiddenSpansText } from '../../../src-shared/domain/detection';
import { HIDDEN_SEC, hiddenSpans, iso, layoutText, secs } from './mp4-structure';
import { appendedLooksLike } from './sniff';
import { capText, headerReader, mediaAfterEnd, readAt, readTrailing, trailingFinding, truncatedFinding, type StructureFindings, type Trailing } from './structure-io';

/** ms from 1970-01-01 to 2001-01-01, Matroska's DateUTC epoch. */
const EPOCH_2001_MS = 978_307_200_000;
/** Metadata elements (Info, Tracks, Chapters, Tags, SeekHead, Cues, the EBML header) are read whole up to this size. */
export const MAX_ELEMENT_BYTES = 16 * 1024 * 1024;
/** Level-1 elements walked per segment at most (an hour of video is a few thousand clusters). */
const MAX_LEVEL1 = 200_000;
/** Element headers walked inside clusters of unknown size (live-written files), over the whole file. */
const MAX_CLUSTER_CHILDREN = 2_000_000;
/** Segments read at most; later ones are counted, not read. */
const MAX_SEGMENTS = 8;
/** Cue positions compared with the cluster starts at most. */
const MAX_CUES = 200_000;
/** SeekHead entries compared with the element starts at most (a writer lists a few dozen). */
const MAX_SEEKS = 10_000;

const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Duration: 0x4489,
  DateUTC: 0x4461,
  Title: 0x7ba9,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  SegmentUUID: 0x73a4,
  PrevUUID: 0x3cb923,
  NextUUID: 0x3eb923,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  FlagEnabled: 0xb9,
  FlagDefault: 0x88,
  Name: 0x536e,
  Language: 0x22b59c,
  CodecID: 0x86,
  Chapters: 0x1043a770,
  EditionEntry: 0x45b9,
  EditionFlagHidden: 0x45bd,
  EditionFlagDefault: 0x45db,
  EditionFlagOrdered: 0x45dd,
  ChapterAtom: 0xb6,
  ChapterTimeStart: 0x91,
  ChapterTimeEnd: 0x92,
  ChapterFlagEnabled: 0x4598,
  ChapterSegmentUUID: 0x6e67,
  ChapterDisplay: 0x80,
  ChapString: 0x85,
  Cluster: 0x1f43b675,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTrackPositions: 0xb7,
  CueClusterPosition: 0xf1,
  Attachments: 0x1941a469,
  AttachedFile: 0x61a7,
  FileDescription: 0x467e,
  FileName: 0x466e,
  FileMediaType: 0x4660,
  FileData: 0x465c,
  Tags: 0x1254c367,
  Void: 0xec,
  CRC32: 0xbf,
} as const;

/** The names of the level-1 elements, as the layout shows them. */
const LEVEL1: ReadonlyMap<number, string> = new Map([
  [ID.SeekHead, 'SeekHead'],
  [ID.Info, 'Info'],
  [ID.Tracks, 'Tracks'],
  [ID.Chapters, 'Chapters'],
  [ID.Cluster, 'Cluster'],
  [ID.Cues, 'Cues'],
  [ID.Attachments, 'Attachments'],
  [ID.Tags, 'Tags'],
  [ID.Void, 'Void'],
  [ID.CRC32, 'CRC-32'],
]);

/** What a cluster holds (Timestamp, SilentTracks, Position, PrevSize, SimpleBlock, BlockGroup, EncryptedBlock, Void, CRC-32). */
const CLUSTER_CHILDREN = new Set([0xe7, 0x5854, 0xa7, 0xab, 0xa3, 0xa0, 0xaf, ID.Void, ID.CRC32]);

/** Elements whose CRC-32, when they carry one, is checked (they are read whole anyway). */
const CRC_CHECKED = new Set<number>([ID.SeekHead, ID.Info, ID.Tracks, ID.Chapters, ID.Tags, ID.Cues]);

const TRACK_TYPES: Record<number, string> = { 1: 'video', 2: 'audio', 3: 'complex', 16: 'logo', 17: 'subtitle', 18: 'buttons', 32: 'control', 33: 'metadata' };

export interface MkvTrack {
  number: number;
  /** video, audio, subtitle, … or 'type N'. */
  kind: string;
  codecId: string | null;
  name: string | null;
  language: string | null;
  enabled: boolean;
  isDefault: boolean;
}

export interface MkvChapter {
  startSec: number;
  endSec: number | null;
  enabled: boolean;
  title: string | null;
  /** The segment this chapter plays from, when it is another file's (a linked segment). */
  foreignSegment: string | null;
}

export interface MkvEdition {
  ordered: boolean;
  isDefault: boolean;
  hidden: boolean;
  chapters: MkvChapter[];
}

export interface MkvAttachment {
  name: string | null;
  mediaType: string | null;
  description: string | null;
  bytes: number;
  /** What the attached bytes begin like, when recognised. */
  looksLike: string | null;
}

export interface MkvSegmentInfo {
  muxingApp: string | null;
  writingApp: string | null;
  /** ms since 1970, null when absent. */
  date: number | null;
  title: string | null;
  durationSec: number | null;
  uuid: string | null;
  prevUuid: string | null;
  nextUuid: string | null;
}

export interface MkvSegment {
  /** Byte offset of the segment's header in the file. */
  offset: number;
  /** Byte offset of the EBML header before it (where its file begins). */
  fileOffset: number;
  /** Declared payload size, null when unknown (written live). */
  declaredBytes: number | null;
  /** Level-1 element names in order. */
  layout: string[];
  /** The walk stopped early (too many elements). */
  layoutCut: boolean;
  info: MkvSegmentInfo | null;
  tracks: MkvTrack[];
  editions: MkvEdition[];
  attachments: MkvAttachment[];
  /** Clusters written with an unknown size. */
  liveClusters: number;
  /** Elements whose CRC-32 was checked, and those it did not match. */
  crcChecked: string[];
  crcBad: string[];
  /** SeekHead entries that point where no element of that kind begins. */
  seekBad: string[];
  seekEntries: number;
  /** Cue points' cluster positions: how many were compared, how many hit no cluster start. */
  cuePositions: number;
  cueBad: number;
  /** Where the walk met bytes that are not an element (a damaged segment), relative to the file. */
  damagedAt: number | null;
}

export interface MkvStructure {
  docType: string | null;
  docTypeVersion: number | null;
  docTypeReadVersion: number | null;
  /** Segments read (the first is what players and FFmpeg play). */
  segments: MkvSegment[];
  /** Segments beyond MAX_SEGMENTS, counted only. */
  moreSegments: number;
  /** Bytes after the last element that do not form one. */
  trailing: Trailing | null;
  /** An element declares more bytes than the file holds. */
  cutShort: { element: string; declared: number; present: number } | null;
}

/** Formats whose files are EBML (ffprobe's matroska,webm demuxer): those readMkvStructure reads. */
export const isMatroskaFormat = (format: string): boolean => format === 'matroska' || format === 'webm';

interface Header {
  id: number;
  /** Payload size, null when unknown (all ones). */
  size: number | null;
  /** Bytes of ID + size. */
  headerLen: number;
}

const vintLength = (first: number): number => (first === 0 ? 0 : 8 - Math.floor(Math.log2(first)));

/** An element header at b[at], or null when it is not one (or does not fit before `end`). */
function readHeader(b: Buffer, at: number, end = b.length): Header | null {
  if (at >= end) return null;
  const idLen = vintLength(b[at]!);
  if (idLen < 1 || idLen > 4 || at + idLen > end) return null;
  let id = 0;
  for (let i = 0; i < idLen; i++) id = id * 256 + b[at + i]!;
  const s = at + idLen;
  if (s >= end) return null;
  const sizeLen = vintLength(b[s]!);
  if (sizeLen < 1 || s + sizeLen > end) return null;
  let v = b[s]! & (0xff >> sizeLen);
  let allOnes = v === 0xff >> sizeLen;
  for (let i = 1; i < sizeLen; i++) {
    const x = b[s + i]!;
    v = v * 256 + x;
    if (x !== 0xff) allOnes = false;
  }
  if (!allOnes && v > Number.MAX_SAFE_INTEGER) return null;
  return { id, size: allOnes ? null : v, headerLen: idLen + sizeLen };
}

interface El {
  id: number;
  start: number;
  end: number;
  /** Where its header begins. */
  at: number;
}

/** The child elements of b[from, to): stops at a header that is not one, or an element that overruns `to`. */
function children(b: Buffer, from: number, to: number, max = 100_000): El[] {
  const out: El[] = [];
  let pos = from;
  while (pos < to && out.length < max) {
    const h = readHeader(b, pos, to);
    if (!h || h.size === null || pos + h.headerLen + h.size > to) break;
    out.push({ id: h.id, start: pos + h.headerLen, end: pos + h.headerLen + h.size, at: pos });
    pos += h.headerLen + h.size;
  }
  return out;
}

function uint(b: Buffer, e: El): number {
  let v = 0;
  for (let i = e.start; i < e.end && i < e.start + 8; i++) v = v * 256 + b[i]!;
  return v;
}

function float(b: Buffer, e: El): number | null {
  const n = e.end - e.start;
  if (n === 4) return b.readFloatBE(e.start);
  if (n === 8) return b.readDoubleBE(e.start);
  return n === 0 ? 0 : null;
}

function text(b: Buffer, e: El): string | null {
  const raw = b.subarray(e.start, Math.min(e.end, e.start + 4096));
  const z = raw.indexOf(0);
  const s = (z >= 0 ? raw.subarray(0, z) : raw).toString('utf8').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return s ? s.slice(0, 200) : null;
}

const hex = (b: Buffer, e: El): string => b.toString('hex', e.start, Math.min(e.end, e.start + 32));

const first = (kids: El[], id: number): El | undefined => kids.find((k) => k.id === id);

/** A DateUTC (signed nanoseconds since 2001) in ms since 1970, null when absurd. */
function dateUtc(b: Buffer, e: El): number | null {
  if (e.end - e.start !== 8) return null;
  const ms = EPOCH_2001_MS + Number(b.readBigInt64BE(e.start) / 1_000_000n);
  return ms > 0 && ms < 4_102_444_800_000 ? ms : null;
}

function readInfo(b: Buffer): MkvSegmentInfo {
  const kids = children(b, 0, b.length);
  const get = (id: number) => first(kids, id);
  const scaleEl = get(ID.TimestampScale);
  const scale = scaleEl ? uint(b, scaleEl) || 1_000_000 : 1_000_000;
  const durEl = get(ID.Duration);
  const dur = durEl ? float(b, durEl) : null;
  const str = (id: number) => {
    const e = get(id);
    return e ? text(b, e) : null;
  };
  const bin = (id: number) => {
    const e = get(id);
    return e && e.end > e.start ? hex(b, e) : null;
  };
  const dateEl = get(ID.DateUTC);
  return {
    muxingApp: str(ID.MuxingApp),
    writingApp: str(ID.WritingApp),
    date: dateEl ? dateUtc(b, dateEl) : null,
    title: str(ID.Title),
    durationSec: dur !== null && Number.isFinite(dur) && dur > 0 ? (dur * scale) / 1e9 : null,
    uuid: bin(ID.SegmentUUID),
    prevUuid: bin(ID.PrevUUID),
    nextUuid: bin(ID.NextUUID),
  };
}

function readTracks(b: Buffer): MkvTrack[] {
  return children(b, 0, b.length)
    .filter((e) => e.id === ID.TrackEntry)
    .slice(0, 1000)
    .map((entry) => {
      const kids = children(b, entry.start, entry.end);
      const num = (id: number, dflt: number) => {
        const e = first(kids, id);
        return e ? uint(b, e) : dflt;
      };
      const str = (id: number) => {
        const e = first(kids, id);
        return e ? text(b, e) : null;
      };
      const type = num(ID.TrackType, 0);
      return {
        number: num(ID.TrackNumber, 0),
        kind: TRACK_TYPES[type] ?? `type ${type}`,
        codecId: str(ID.CodecID),
        name: str(ID.Name),
        language: str(ID.Language),
        enabled: num(ID.FlagEnabled, 1) !== 0,
        isDefault: num(ID.FlagDefault, 1) !== 0,
      };
    });
}

function readChapters(b: Buffer): MkvEdition[] {
  return children(b, 0, b.length)
    .filter((e) => e.id === ID.EditionEntry)
    .slice(0, 100)
    .map((ed) => {
      const kids = children(b, ed.start, ed.end);
      const flag = (id: number) => {
        const e = first(kids, id);
        return e ? uint(b, e) !== 0 : false;
      };
      const chapters = kids
        .filter((k) => k.id === ID.ChapterAtom)
        .slice(0, 10_000)
        .map((atom): MkvChapter => {
          const ck = children(b, atom.start, atom.end);
          const start = first(ck, ID.ChapterTimeStart);
          const end = first(ck, ID.ChapterTimeEnd);
          const enabled = first(ck, ID.ChapterFlagEnabled);
          const foreign = first(ck, ID.ChapterSegmentUUID);
          const display = first(ck, ID.ChapterDisplay);
          const title = display ? first(children(b, display.start, display.end), ID.ChapString) : undefined;
          return {
            startSec: start ? uint(b, start) / 1e9 : 0,
            endSec: end ? uint(b, end) / 1e9 : null,
            enabled: enabled ? uint(b, enabled) !== 0 : true,
            title: title ? text(b, title) : null,
            foreignSegment: foreign && foreign.end > foreign.start ? hex(b, foreign) : null,
          };
        });
      return { ordered: flag(ID.EditionFlagOrdered), isDefault: flag(ID.EditionFlagDefault), hidden: flag(ID.EditionFlagHidden), chapters };
    });
}

/** Whether a level-1 element's CRC-32 (its first child, if it has one) matches the rest of its payload; null: none. */
function crcMatches(b: Buffer): boolean | null {
  const h = readHeader(b, 0);
  if (!h || h.id !== ID.CRC32 || h.size !== 4 || b.length < h.headerLen + 4) return null;
  const stored = b.readUInt32LE(h.headerLen);
  return zlib.crc32(b.subarray(h.headerLen + 4)) === stored;
}

const hexId = (id: number) => `0x${id.toString(16).toUpperCase()}`;

/** Attached files: the names and types, the sizes and first bytes of their data (never the data itself). */
async function readAttachments(fh: fs.promises.FileHandle, from: number, to: number): Promise<MkvAttachment[]> {
  const out: MkvAttachment[] = [];
  const headerAt = headerReader(fh, 16 * 1024, 12);
  let pos = from;
  while (pos < to && out.length < 1000) {
    const h = readHeader(await headerAt(pos), 0);
    if (!h || h.size === null || pos + h.headerLen + h.size > to) break;
    const start = pos + h.headerLen;
    const end = start + h.size;
    if (h.id === ID.AttachedFile) {
      const a: MkvAttachment = { name: null, mediaType: null, description: null, bytes: 0, looksLike: null };
      let q = start;
      while (q < end) {
        const c = readHeader(await headerAt(q), 0);
        if (!c || c.size === null || q + c.headerLen + c.size > end) break;
        const cs = q + c.headerLen;
        if (c.id === ID.FileData) {
          a.bytes = c.size;
          a.looksLike = appendedLooksLike(await readAt(fh, cs, Math.min(c.size, 64)));
        } else if ((c.id === ID.FileName || c.id === ID.FileMediaType || c.id === ID.FileDescription) && c.size <= 4096) {
          const v = text(await readAt(fh, cs, c.size), { id: c.id, start: 0, end: c.size, at: 0 });
          if (c.id === ID.FileName) a.name = v;
          else if (c.id === ID.FileMediaType) a.mediaType = v;
          else a.description = v;
        }
        q = cs + c.size;
      }
      out.push(a);
    }
    pos = end;
  }
  return out;
}

/** Walk state shared by the segments of one file. */
interface Walk {
  fh: fs.promises.FileHandle;
  size: number;
  headerAt: (pos: number) => Promise<Buffer>;
  clusterChildren: number;
  cutShort: MkvStructure['cutShort'];
}

/** The end of a cluster of unknown size: where an element that a cluster cannot hold begins. */
async function liveClusterEnd(w: Walk, from: number, limit: number): Promise<number> {
  let pos = from;
  while (pos < limit) {
    if (w.clusterChildren++ >= MAX_CLUSTER_CHILDREN) return -1;
    const h = readHeader(await w.headerAt(pos), 0);
    if (!h || !CLUSTER_CHILDREN.has(h.id)) return pos;
    if (h.size === null) return pos;
    if (pos + h.headerLen + h.size > w.size) {
      w.cutShort = { element: 'Cluster', declared: h.headerLen + h.size, present: w.size - pos };
      return w.size;
    }
    pos += h.headerLen + h.size;
  }
  return limit;
}

/** One segment, from its header at `at`; returns the segment and where the next top-level element begins. */
async function readSegment(w: Walk, at: number, h: Header, fileOffset: number): Promise<{ seg: MkvSegment; next: number }> {
  const dataStart = at + h.headerLen;
  const seg: MkvSegment = {
    offset: at,
    fileOffset,
    declaredBytes: h.size,
    layout: [],
    layoutCut: false,
    info: null,
    tracks: [],
    editions: [],
    attachments: [],
    liveClusters: 0,
    crcChecked: [],
    crcBad: [],
    seekBad: [],
    seekEntries: 0,
    cuePositions: 0,
    cueBad: 0,
    damagedAt: null,
  };
  const declaredEnd = h.size === null ? null : dataStart + h.size;
  if (declaredEnd !== null && declaredEnd > w.size) w.cutShort = { element: 'Segment', declared: h.headerLen + h.size!, present: w.size - at };
  const end = Math.min(declaredEnd ?? w.size, w.size);
  /** Start (relative to the segment's data) → element ID, for the SeekHead and Cues checks. */
  const starts = new Map<number, number>();
  const seeks: { id: number; pos: number }[] = [];
  const cues: number[] = [];
  let walkedAll = true;
  let pos = dataStart;
  while (pos < end) {
    if (seg.layout.length >= MAX_LEVEL1) {
      seg.layoutCut = true;
      walkedAll = false;
      break;
    }
    const el = readHeader(await w.headerAt(pos), 0);
    if (!el || !LEVEL1.has(el.id)) {
      // A segment of unknown size ends where the next file-level element (another EBML header or segment) begins.
      // (Unknown IDs there are taken for the end too: bytes after a live-written segment are not its elements.)
      if (declaredEnd === null) break;
      if (!el) {
        seg.damagedAt = pos;
        walkedAll = false;
        break;
      }
    }
    const name = LEVEL1.get(el.id) ?? hexId(el.id);
    seg.layout.push(name);
    starts.set(pos - dataStart, el.id);
    const start = pos + el.headerLen;
    let next: number;
    if (el.size === null) {
      if (el.id !== ID.Cluster) {
        seg.damagedAt = pos;
        walkedAll = false;
        break;
      }
      seg.liveClusters++;
      next = await liveClusterEnd(w, start, end);
      if (next < 0) {
        seg.layoutCut = true;
        walkedAll = false;
        break;
      }
    } else {
      next = start + el.size;
      if (next > w.size) {
        w.cutShort ??= { element: name, declared: el.headerLen + el.size, present: w.size - pos };
        walkedAll = false;
        break;
      }
      if (declaredEnd !== null && next > declaredEnd) {
        seg.damagedAt = pos;
        walkedAll = false;
        break;
      }
    }
    const readWhole = el.size !== null && el.size <= MAX_ELEMENT_BYTES && el.id !== ID.Cluster && el.id !== ID.Attachments && el.id !== ID.Void;
    if (readWhole) {
      const body = await readAt(w.fh, start, el.size!);
      if (CRC_CHECKED.has(el.id)) {
        const ok = crcMatches(body);
        if (ok !== null) {
          seg.crcChecked.push(name);
          if (!ok) seg.crcBad.push(name);
        }
      }
      if (el.id === ID.Info && !seg.info) seg.info = readInfo(body);
      else if (el.id === ID.Tracks && !seg.tracks.length) seg.tracks = readTracks(body);
      else if (el.id === ID.Chapters && !seg.editions.length) seg.editions = readChapters(body);
      else if (el.id === ID.SeekHead) {
        for (const s of children(body, 0, body.length).filter((x) => x.id === ID.Seek)) {
          const sk = children(body, s.start, s.end);
          const idEl = first(sk, ID.SeekID);
          const posEl = first(sk, ID.SeekPosition);
          if (idEl && posEl && idEl.end - idEl.start <= 4 && seeks.length < MAX_SEEKS) seeks.push({ id: uint(body, idEl), pos: uint(body, posEl) });
        }
      } else if (el.id === ID.Cues) {
        for (const cp of children(body, 0, body.length).filter((x) => x.id === ID.CuePoint)) {
          for (const tp of children(body, cp.start, cp.end).filter((x) => x.id === ID.CueTrackPositions)) {
            const c = first(children(body, tp.start, tp.end), ID.CueClusterPosition);
            if (c && cues.length < MAX_CUES) cues.push(uint(body, c));
          }
        }
      }
    } else if (el.id === ID.Attachments && el.size !== null && !seg.attachments.length) {
      seg.attachments = await readAttachments(w.fh, start, next);
    }
    pos = next;
  }
  // The index checks need every element's start, so they run only on a segment walked to its end.
  if (walkedAll && !w.cutShort) {
    seg.seekEntries = seeks.length;
    for (const s of seeks) if (starts.get(s.pos) !== s.id) seg.seekBad.push(LEVEL1.get(s.id) ?? hexId(s.id));
    seg.cuePositions = cues.length;
    seg.cueBad = cues.filter((c) => starts.get(c) !== ID.Cluster).length;
  }
  return { seg, next: declaredEnd ?? pos };
}

/**
 * The element structure of the file at `p` (`size` bytes), or null when it does not begin with an
 * EBML header. Reads element headers, the metadata elements (each up to MAX_ELEMENT_BYTES), the
 * names and first bytes of attachments and the first bytes of anything after the last element;
 * never the media data.
 */
export async function readMkvStructure(p: string, size: number): Promise<MkvStructure | null> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const w: Walk = { fh, size, headerAt: headerReader(fh, 16 * 1024, 12), clusterChildren: 0, cutShort: null };
    const ebml = readHeader(await w.headerAt(0), 0);
    if (!ebml || ebml.id !== ID.EBML || ebml.size === null || ebml.size > 4096) return null;
    const head = await readAt(fh, ebml.headerLen, ebml.size);
    const hk = children(head, 0, head.length);
    const docTypeEl = hk.find((e) => e.id === ID.DocType);
    const num = (id: number) => {
      const e = hk.find((x) => x.id === id);
      return e ? uint(head, e) : null;
    };
    const s: MkvStructure = {
      docType: docTypeEl ? text(head, docTypeEl) : null,
      docTypeVersion: num(ID.DocTypeVersion),
      docTypeReadVersion: num(ID.DocTypeReadVersion),
      segments: [],
      moreSegments: 0,
      trailing: null,
      cutShort: null,
    };
    let pos = ebml.headerLen + ebml.size;
    // Where the file of the next segment begins: its EBML header, or the segment itself when none precedes it.
    let ebmlAt: number | null = 0;
    if (pos > size) w.cutShort = { element: 'EBML header', declared: pos, present: size };
    while (pos < size && !w.cutShort) {
      const h = readHeader(await w.headerAt(pos), 0);
      const known = h && (h.id === ID.EBML || h.id === ID.Segment || h.id === ID.Void || h.id === ID.CRC32);
      if (!h || !known) {
        s.trailing = await readTrailing(fh, pos, size);
        break;
      }
      if (h.id === ID.Segment) {
        if (s.segments.length >= MAX_SEGMENTS) {
          s.moreSegments++;
          if (h.size === null) break;
          pos += h.headerLen + h.size;
          continue;
        }
        const { seg, next } = await readSegment(w, pos, h, ebmlAt ?? pos);
        ebmlAt = null;
        s.segments.push(seg);
        if (seg.damagedAt !== null || seg.layoutCut || next <= pos) break;
        pos = next;
        continue;
      }
      if (h.size === null) break;
      if (h.id === ID.EBML) ebmlAt = pos;
      if (pos + h.headerLen + h.size > size) {
        w.cutShort = { element: h.id === ID.EBML ? 'EBML header' : (LEVEL1.get(h.id) ?? hexId(h.id)), declared: h.headerLen + h.size, present: size - pos };
        break;
      }
      pos += h.headerLen + h.size;
    }
    s.cutShort = w.cutShort;
    return s;
  } finally {
    await fh.close();
  }
}

/** Attachments a Matroska file is expected to carry: subtitle fonts and cover art. */
function ordinaryAttachment(a: MkvAttachment): 'font' | 'cover art' | null {
  const t = `${a.mediaType ?? ''} ${a.name ?? ''}`.toLowerCase();
  if (/font|truetype|opentype|\.(ttf|otf|ttc|woff2?)\b/.test(t)) return 'font';
  if (/^image\/(jpeg|png|webp)/.test(a.mediaType ?? '') && /^(small_)?cover(_land)?\.(jpe?g|png|webp)$/i.test(a.name ?? '')) return 'cover art';
  return null;
}

/** The edition players play: the default one, else the first. */
export function playedEdition(seg: Pick<MkvSegment, 'editions'>): MkvEdition | null {
  return seg.editions.find((e) => e.isDefault) ?? seg.editions[0] ?? null;
}

/**
 * The spans of the segment's [0, duration) that an ordered edition's enabled chapters do not play, in
 * seconds, and the chapters that play from other files; null when the played edition is not ordered
 * or the duration is unknown.
 */
export function orderedChapterGaps(seg: Pick<MkvSegment, 'editions' | 'info'>): { spans: [number, number][]; hiddenSec: number; playedSec: number; foreign: number } | null {
  const ed = playedEdition(seg);
  const dur = seg.info?.durationSec ?? null;
  if (!ed?.ordered || dur === null) return null;
  const own = ed.chapters.filter((c) => c.enabled && (c.foreignSegment === null || c.foreignSegment === seg.info?.uuid));
  const edits = own.map((c, i) => {
    const end = c.endSec ?? own[i + 1]?.startSec ?? dur;
    return { segmentSec: Math.max(0, end - c.startSec), mediaStartSec: c.startSec, rate: 1 };
  });
  const spans = hiddenSpans(edits, dur).filter(([a, z]) => z - a > 1e-6);
  const hiddenSec = spans.reduce((sum, [a, z]) => sum + (z - a), 0);
  return { spans, hiddenSec, playedSec: dur - hiddenSec, foreign: ed.chapters.filter((c) => c.enabled).length - own.length };
}

/** The writing application, with the muxing library when it says something more. */
export function mkvWriterOf(info: MkvSegmentInfo | null): string | null {
  if (!info) return null;
  const { writingApp: w, muxingApp: m } = info;
  if (w && m && w !== m) return `${w} (${m})`;
  return w ?? m;
}

/** Writers that always leave a Void after their first SeekHead (room for the index they fill in on closing). */
const RESERVES_AFTER_SEEKHEAD = /^(Lavf|mkvmerge|libebml)/;

/**
 * Why the level-1 layout looks rewritten in place, or null. Muxers write Info and Tracks before the
 * first cluster; metadata editors move an element that no longer fits to the end of the segment, or
 * write it into the room FFmpeg and mkvmerge leave empty after their first SeekHead.
 */
export function rewrittenInPlace(seg: Pick<MkvSegment, 'layout' | 'info'>): string | null {
  const firstCluster = seg.layout.indexOf('Cluster');
  if (firstCluster >= 0) {
    const after = [...new Set(seg.layout.slice(firstCluster).filter((n) => n === 'Info' || n === 'Tracks' || n === 'Chapters'))];
    if (after.length) return `${after.join(' and ')} after the clusters`;
  }
  const writer = seg.info?.writingApp ?? seg.info?.muxingApp ?? '';
  const at = seg.layout.filter((n) => n !== 'CRC-32');
  if (!RESERVES_AFTER_SEEKHEAD.test(writer) || at[0] !== 'SeekHead') return null;
  // These writers put Info first after the SeekHead and its Void. An editor writes into that Void:
  // another element before Info, or Info moved to the front of the room with the rest of it left Void.
  const idx = at.findIndex((n, i) => i > 0 && n !== 'Void');
  const name = idx > 0 ? at[idx]! : null;
  const moved = name !== null && name !== 'Cluster' && (name !== 'Info' || (idx === 1 && at[2] === 'Void'));
  return moved ? `${name} written into the room ${writer.split(/[ (]/)[0]} leaves empty after its SeekHead` : null;
}

export type MkvFindings = StructureFindings;

/** What the structure says, as metadata rows, highlights and flags. */
export function describeMkvStructure(s: MkvStructure): MkvFindings {
  const group: Record<string, string> = {};
  const highlights: { label: string; value: string }[] = [];
  const flags: MetadataFlag[] = [];
  if (s.docType !== null) {
    group.docType = `${s.docType} (version ${s.docTypeVersion ?? 1}, read version ${s.docTypeReadVersion ?? 1})`;
    highlights.push({ label: 'DocType', value: `${s.docType} v${s.docTypeVersion ?? 1}` });
  }
  const seg = s.segments[0];
  const layout = ['EBML', ...s.segments.map((x) => `Segment [${layoutText(x.layout.map((type) => ({ type, size: 0 })), x.layoutCut)}]`)].join(' · ');
  group.layout = capText(layout + (s.moreSegments ? ` · ${s.moreSegments} more segments` : ''));
  highlights.push({ label: 'Element layout', value: group.layout.length > 120 ? `${group.layout.slice(0, 117)}…` : group.layout });
  if (seg) {
    const info = seg.info;
    if (info) {
      if (info.muxingApp) group.muxingApp = info.muxingApp;
      if (info.writingApp) group.writingApp = info.writingApp;
      if (info.date !== null) group.muxed = iso(info.date);
      if (info.title) group.title = info.title;
      if (info.durationSec !== null) group.segmentDuration = secs(info.durationSec);
      if (info.uuid) group.segmentUuid = info.uuid;
      const writer = mkvWriterOf(info);
      if (writer) highlights.push({ label: 'Written by', value: `${writer} — writing application` });
      if (info.prevUuid || info.nextUuid) {
        group.linked = [info.prevUuid ? `previous ${info.prevUuid}` : null, info.nextUuid ? `next ${info.nextUuid}` : null].filter(Boolean).join(', ');
        flags.push({
          code: 'LINKED_SEGMENTS',
          severity: 'notice',
          message: `The file is one part of a series of linked Matroska files (${group.linked}): a recording split into parts; the others are not in this file.`,
        });
      }
    }
    const live = seg.declaredBytes === null || seg.liveClusters > 0;
    if (live) {
      group.writtenLive = [
        seg.declaredBytes === null ? 'the segment\'s size is unknown' : null,
        seg.liveClusters ? `${seg.liveClusters} cluster${seg.liveClusters === 1 ? '' : 's'} of unknown size` : null,
        info?.durationSec == null ? 'no duration' : null,
        seg.layout.includes('Cues') ? null : 'no index (Cues)',
      ]
        .filter(Boolean)
        .join(', ');
      flags.push({
        code: 'LIVE_RECORDING',
        severity: 'info',
        message: `Written as a live stream (${group.writtenLive}), as browsers' MediaRecorder, screen recorders and streaming tools write: not remuxed or edited since, which would usually have given it sizes, a duration and an index.`,
      });
    }
    seg.tracks.forEach((t, i) => {
      group[`track${t.number || i + 1}`] = [
        `${t.kind}${t.codecId ? ` ${t.codecId}` : ''}`,
        t.name ? `name "${t.name}"` : null,
        t.language ? `language ${t.language}` : null,
        t.isDefault ? 'default' : null,
        t.enabled ? null : 'disabled',
      ]
        .filter(Boolean)
        .join(', ');
    });
    const videos = seg.tracks.filter((t) => t.kind === 'video');
    const disabled = videos.filter((t) => !t.enabled);
    if (videos.length > 1) {
      flags.push({
        code: 'MULTIPLE_VIDEO_TRACKS',
        severity: 'notice',
        message: `The file holds ${videos.length} video tracks (${videos.map((t) => `track ${t.number}${t.enabled ? '' : ', disabled'}`).join('; ')}); players show one of them, and MediaGuard analyses one (its stream is named under Video).`,
      });
    } else if (disabled.length) {
      flags.push({ code: 'TRACK_DISABLED', severity: 'notice', message: `Its video track (track ${disabled[0]!.number}) is marked disabled: players that honour the flag do not show it.` });
    }
    seg.editions.forEach((ed, i) => {
      const shown = ed.chapters
        .slice(0, 5)
        .map((c) => `${c.title ? `"${c.title}" ` : ''}${secs(c.startSec)}${c.endSec !== null ? `–${secs(c.endSec)}` : ''}${c.enabled ? '' : ' (disabled)'}${c.foreignSegment ? ` from segment ${c.foreignSegment}` : ''}`);
      group[`edition${i + 1}`] =
        `${[ed.ordered ? 'ordered' : null, ed.isDefault ? 'default' : null, ed.hidden ? 'hidden' : null].filter(Boolean).join(', ') || 'plain'}: ` +
        `${ed.chapters.length} chapter${ed.chapters.length === 1 ? '' : 's'}${shown.length ? ` — ${shown.join('; ')}${ed.chapters.length > 5 ? '; …' : ''}` : ''}`;
    });
    const gaps = orderedChapterGaps(seg);
    if (gaps && gaps.hiddenSec >= HIDDEN_SEC) {
      group.hiddenByChapters = `${secs(gaps.hiddenSec)} of ${secs(seg.info!.durationSec!)} not played: ${hiddenSpansText(gaps.spans.map(([a, z]) => ({ startSec: a, endSec: z })))}`;
      flags.push({
        code: 'HIDDEN_MEDIA',
        severity: videos.length ? 'warning' : 'notice',
        message:
          `Its ordered chapters play ${secs(gaps.playedSec)} of the ${secs(seg.info!.durationSec!)} stored: players that follow ordered chapters (mpv, VLC, MPC-HC) skip ` +
          `${hiddenSpansText(gaps.spans.map(([a, z]) => ({ startSec: a, endSec: z })))}, and the skipped parts are still inside the file. ` +
          'FFmpeg ignores ordered chapters, so the frames MediaGuard analyses are sampled from all of the stored media, skipped parts included.',
      });
    }
    if (gaps && gaps.foreign > 0) {
      flags.push({
        code: 'LINKED_SEGMENTS',
        severity: 'notice',
        message: `${gaps.foreign} of its chapters play from other Matroska files (linked by segment UUID): what players show is partly not in this file.`,
      });
    }
    seg.attachments.forEach((a, i) => {
      group[`attachment${i + 1}`] = `${a.name ?? '(no name)'} (${[a.mediaType, `${a.bytes} bytes`, a.looksLike ? `begins like ${a.looksLike}` : null, a.description].filter(Boolean).join(', ')})`;
    });
    const unusual = seg.attachments.filter((a) => ordinaryAttachment(a) === null);
    if (seg.attachments.length) {
      const list = (xs: MkvAttachment[]) =>
        xs
          .slice(0, 4)
          .map((a) => `"${a.name ?? '(no name)'}" (${[a.mediaType, `${a.bytes} bytes`, a.looksLike].filter(Boolean).join(', ')})`)
          .join(', ') + (xs.length > 4 ? ` and ${xs.length - 4} more` : '');
      flags.push(
        unusual.length
          ? {
            code: 'ATTACHED_FILES',
            severity: 'warning',
            message: `The file carries ${unusual.length} attached file${unusual.length === 1 ? '' : 's'} other than fonts and cover art: ${list(unusual)}. Players do not show attachments; they travel inside the video unseen (extract them with mkvextract to examine them).`,
          }
          : { code: 'ATTACHED_FILES', severity: 'info', message: `The file carries ${seg.attachments.length} attached fonts or cover art: ${list(seg.attachments)}.` },
      );
    }
    if (seg.crcChecked.length) {
      group.crc32 = seg.crcBad.length ? `checked for ${seg.crcChecked.join(', ')}: ${seg.crcBad.join(', ')} do${seg.crcBad.length === 1 ? 'es' : ''} not match` : `checked for ${seg.crcChecked.join(', ')}: all match`;
    }
    if (seg.crcBad.length) {
      flags.push({
        code: 'CRC_MISMATCH',
        severity: 'warning',
        message: `The CRC-32 checksum${seg.crcBad.length === 1 ? '' : 's'} of its ${seg.crcBad.join(', ')} element${seg.crcBad.length === 1 ? '' : 's'} do${seg.crcBad.length === 1 ? 'es' : ''} not match the contents: changed after the file was written by something that did not update the checksum — editing by hand (dates, writing application, track names) or damage.`,
      });
    }
    if (seg.seekEntries || seg.cuePositions) {
      group.index = `SeekHead ${seg.seekEntries} entr${seg.seekEntries === 1 ? 'y' : 'ies'}${seg.seekBad.length ? ` (${seg.seekBad.length} off)` : ''}, Cues ${seg.cuePositions} cluster position${seg.cuePositions === 1 ? '' : 's'}${seg.cueBad ? ` (${seg.cueBad} off)` : ''}`;
    }
    if (seg.seekBad.length || seg.cueBad) {
      const what = [seg.seekBad.length ? `${seg.seekBad.length} of ${seg.seekEntries} SeekHead entries (${[...new Set(seg.seekBad)].join(', ')})` : null, seg.cueBad ? `${seg.cueBad} of ${seg.cuePositions} Cues positions` : null].filter(Boolean).join(' and ');
      flags.push({
        code: 'INDEX_MISMATCH',
        severity: 'warning',
        message: `The file's index does not fit its contents: ${what} point where no such element begins. Bytes were removed or inserted after the index was written — an edit that did not rewrite the file, or a damaged copy; players may seek to the wrong place.`,
      });
    }
    const moved = rewrittenInPlace(seg);
    if (moved) {
      group.rewritten = moved;
      flags.push({
        code: 'REWRITTEN_IN_PLACE',
        severity: 'notice',
        message: `The layout shows metadata rewritten in place after the file was written (${moved}) — what metadata editors such as mkvpropedit leave when they change a title, a date, track names or attachments without remuxing. The writing application named is the original one.`,
      });
    }
    if (seg.damagedAt !== null) {
      group.damagedAt = `byte ${seg.damagedAt}`;
      flags.push({ code: 'STRUCTURE_DAMAGED', severity: 'warning', message: `At byte ${seg.damagedAt} the segment holds bytes that are not a Matroska element: the file was damaged or altered there, and what follows was not read.` });
    }
  }
  const segmentCount = s.segments.length + s.moreSegments;
  if (segmentCount > 1) {
    s.segments.slice(1).forEach((x, i) => {
      group[`segment${i + 2}`] = `at byte ${x.offset}${x.declaredBytes !== null ? `, ${x.declaredBytes} bytes` : ''}${mkvWriterOf(x.info) ? `, written by ${mkvWriterOf(x.info)}` : ''}${x.info?.durationSec != null ? `, ${secs(x.info.durationSec)}` : ''}`;
    });
    const second = s.segments[1];
    flags.push({
      code: 'EXTRA_SEGMENTS',
      severity: 'warning',
      message:
        `The file holds ${segmentCount} segments — ${segmentCount === 2 ? 'a second Matroska file' : 'further Matroska files'} after the first${second ? `, from byte ${second.fileOffset}` : ''}. ` +
        'Players that follow the segment sizes stop at the end of the first; FFmpeg reads on into the second one\'s clusters as if they continued the first (its frames then decode garbled or not at all). MediaGuard samples the first file\'s frames only and analyses the second apart ("Appended to the file").',
    });
  }
  if (s.trailing) {
    const t = trailingFinding(s.trailing, 'element');
    group.afterLastElement = t.row;
    flags.push(t.flag);
  }
  if (s.cutShort) {
    const t = truncatedFinding(`its ${s.cutShort.element} element`, s.cutShort.present, s.cutShort.declared);
    group.cutShort = t.row;
    flags.push(t.flag);
  }
  return { group, highlights, flags };
}

/** Where a file appended to this one begins, and how it was found: a second segment (from its EBML header), or a picture or video after the last element. */
export function appendedOfMkv(s: Pick<MkvStructure, 'segments' | 'trailing'>, size: number): { offset: number; foundAs: string } | null {
  const second = s.segments[1];
  if (second) return { offset: second.fileOffset, foundAs: 'a second Matroska file after the first segment' };
  return mediaAfterEnd(s.trailing, size, 'element');
}
