/**
 * EBML building and surgery on small Matroska files for the tests: elements built from scratch, the
 * first segment's level-1 elements located, sizes rewritten in place (same length, so no byte moves),
 * elements appended at the end of the segment or replaced by ones no longer than them (padded with a
 * Void element), so the file's index still points where it did.
 */

export const IDS = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Duration: 0x4489,
  DateUTC: 0x4461,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  SegmentUUID: 0x73a4,
  NextUUID: 0x3eb923,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  FlagEnabled: 0xb9,
  CodecID: 0x86,
  Chapters: 0x1043a770,
  EditionEntry: 0x45b9,
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
  Timestamp: 0xe7,
  Attachments: 0x1941a469,
  AttachedFile: 0x61a7,
  FileName: 0x466e,
  FileMediaType: 0x4660,
  FileData: 0x465c,
  FileUID: 0x46ae,
  Void: 0xec,
} as const;

function idBytes(id: number): Buffer {
  const n = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const b = Buffer.alloc(n);
  b.writeUIntBE(id, 0, n);
  return b;
}

/** A size VINT of `len` bytes (null: unknown, all ones). */
export function sizeVint(size: number | null, len = 8): Buffer {
  const b = Buffer.alloc(len);
  if (size === null) {
    b.fill(0xff);
    b[0] = 0xff >> (len - 1);
    return b;
  }
  let v = size;
  for (let i = len - 1; i >= 0; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  b[0]! |= 0x80 >> (len - 1);
  return b;
}

/** An element, its size in the shortest VINT that holds it. */
export const el = (id: number, ...body: Buffer[]): Buffer => {
  const payload = Buffer.concat(body);
  let len = 1;
  while (payload.length >= 2 ** (7 * len) - 1) len++;
  return Buffer.concat([idBytes(id), sizeVint(payload.length, len), payload]);
};

/** An unsigned integer element in as few bytes as hold it. */
export const uintEl = (id: number, v: number | bigint): Buffer => {
  let x = BigInt(v);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
  } while (x > 0n);
  return el(id, Buffer.from(bytes));
};

export const strEl = (id: number, s: string): Buffer => el(id, Buffer.from(s, 'utf8'));
export const floatEl = (id: number, v: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return el(id, b);
};

/** A Void element of exactly n bytes (n ≥ 2). */
export function voidOf(n: number): Buffer {
  if (n < 2) throw new Error('a Void element needs at least 2 bytes');
  const len = n - 1 <= 127 ? 1 : 8;
  if (n - 1 - len < 0) throw new Error(`no Void element of ${n} bytes`);
  return Buffer.concat([Buffer.from([IDS.Void]), sizeVint(n - 1 - len, len), Buffer.alloc(n - 1 - len)]);
}

export interface Span {
  id: number;
  /** Where the header begins. */
  at: number;
  idLen: number;
  sizeLen: number;
  size: number | null;
  /** Payload start and end. */
  start: number;
  end: number;
}

function vlen(first: number): number {
  for (let i = 0; i < 8; i++) if (first & (0x80 >> i)) return i + 1;
  throw new Error('not a VINT');
}

export function spanAt(b: Buffer, at: number): Span {
  const idLen = vlen(b[at]!);
  const id = b.readUIntBE(at, idLen);
  const sizeLen = vlen(b[at + idLen]!);
  let v = b[at + idLen]! & (0xff >> sizeLen);
  let ones = v === 0xff >> sizeLen;
  for (let i = 1; i < sizeLen; i++) {
    v = v * 256 + b[at + idLen + i]!;
    if (b[at + idLen + i] !== 0xff) ones = false;
  }
  const start = at + idLen + sizeLen;
  return { id, at, idLen, sizeLen, size: ones ? null : v, start, end: ones ? b.length : start + v };
}

/** The first segment's header. */
export function segmentOf(b: Buffer): Span {
  const ebml = spanAt(b, 0);
  const seg = spanAt(b, ebml.end);
  if (seg.id !== IDS.Segment) throw new Error('no segment after the EBML header');
  return seg;
}

/** The first segment's level-1 elements (known sizes only). */
export function level1(b: Buffer): Span[] {
  const seg = segmentOf(b);
  const out: Span[] = [];
  for (let pos = seg.start; pos < seg.end; ) {
    const s = spanAt(b, pos);
    out.push(s);
    if (s.size === null) throw new Error('unknown-size element');
    pos = s.end;
  }
  return out;
}

/** A copy with the size of the element at `s` rewritten in place (same VINT length; null: unknown). */
export function withSize(b: Buffer, s: Span, size: number | null): Buffer {
  const out = Buffer.from(b);
  sizeVint(size, s.sizeLen).copy(out, s.at + s.idLen);
  return out;
}

/** A copy with `extra` inserted at byte `pos` inside the first segment, the segment's size grown to match. */
export function insertInSegment(b: Buffer, pos: number, extra: Buffer): Buffer {
  const seg = segmentOf(b);
  const out = Buffer.concat([b.subarray(0, pos), extra, b.subarray(pos)]);
  return withSize(out, seg, seg.size! + extra.length);
}

/** A copy with `extra` appended as the last elements of the first segment. */
export const appendToSegment = (b: Buffer, extra: Buffer): Buffer => insertInSegment(b, segmentOf(b).end, extra);

/** A copy with the level-1 element `s` replaced by `next` (no longer than it) and a Void element after it, so no byte moves. */
export function replaceElement(b: Buffer, s: Span, next: Buffer): Buffer {
  const room = s.end - s.at;
  if (next.length > room || room - next.length === 1) throw new Error(`replacement of ${next.length} bytes does not fit ${room}`);
  const out = Buffer.from(b);
  Buffer.concat([next, room > next.length ? voidOf(room - next.length) : Buffer.alloc(0)]).copy(out, s.at);
  return out;
}
