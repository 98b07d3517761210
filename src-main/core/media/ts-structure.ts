/**
 * The packet structure of an MPEG transport stream (ISO/IEC 13818-1): broadcast and DVR recordings
 * (.ts, 188-byte packets), Blu-ray and AVCHD camcorder files (.m2ts / .mts, 192-byte packets with an
 * arrival time stamp) and DVB captures with Reed-Solomon parity (204-byte packets).
 *
 * A transport stream has no index and no header: its evidence is spread over every packet. So the
 * whole file is read, in 4 MiB pieces, but only the 4-byte packet headers, the adaptation fields
 * (programme clock, signalled discontinuities) and the few table sections (PAT, PMT, SDT) are parsed,
 * plus the first part of the video stream (the x264 settings, and the MDPM camera data AVCHD
 * camcorders put in the H.264 stream). What it shows:
 *  - continuity counters that break: packets missing — cut out, or lost while recording or receiving;
 *  - a programme clock (PCR) that goes back or skips ahead: recordings joined, or a part cut out;
 *  - the writer: FFmpeg's muxer names itself in the service description table; Blu-ray/AVCHD
 *    writers register 'HDMV'; camcorders' make, model, date and GPS in MDPM;
 *  - programme changes, scrambled packets, reception errors, lost sync, a cut last packet and data
 *    after the last packet.
 *
 * Every length is bounds-checked against the bytes read; damage ends a table's parse, never the walk.
 */
import fs from 'node:fs';
import type { MetadataFlag } from '../../../src-shared/domain/media';
import { capText, mediaAfterEnd, readTrailing, trailingFinding, type StructureFindings, type Trailing } from './structure-io';

/** Bytes read per piece. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Packets that must follow one another in step before a position counts as regained sync. */
const RESYNC_PACKETS = 5;
/** The programme clock must advance at least every 0.1 s (13818-1 2.7.2); a gap over this (s) is a jump. */
export const PCR_GAP_SEC = 1;
/** A clock step backwards by more than this (s) is a jump (the clock never goes back within one recording). */
const PCR_BACK_SEC = 0.05;
/** 33-bit 90 kHz timestamps wrap after this many seconds (26.5 h). */
const WRAP_SEC = 2 ** 33 / 90000;
/** M2TS arrival time stamps: 30 bits of a 27 MHz clock. */
const ATS_MOD = 2 ** 30;
/** An arrival-time step under this (s) is a recorder's; stamps count as a clock when nearly all steps are. */
const ATS_STEADY_SEC = 0.1;
/** Share of small steps that makes the arrival stamps a clock worth reading. */
const ATS_CLOCK_SHARE = 0.99;
/** Bytes of the first video stream's payload kept for the encoder settings and camera data. */
const VIDEO_HEAD_BYTES = 512 * 1024;
/** Table sections are assembled up to this size (13818-1 limits PSI sections to 1,024 bytes, DVB SI to 4,096). */
const MAX_SECTION = 4096;
/** Places kept per kind of finding. */
const KEEP = 8;
/** Programs and streams kept (a broadcast multiplex has a few dozen). */
const MAX_PROGRAMS = 64;

export interface TsStream {
  pid: number;
  streamType: number;
  /** A language (ISO 639 descriptor) or a registration (format identifier), when the PMT gives one. */
  language: string | null;
  registration: string | null;
}

export interface TsProgram {
  number: number;
  pmtPid: number;
  pcrPid: number | null;
  /** The PMT's version number (the first seen), its registration descriptor, and its streams. */
  version: number | null;
  registration: string | null;
  streams: TsStream[];
}

export interface TsJump {
  /** Byte offset of the packet where the clock jumps, its PID, the clock before and after (s), and the recording's time there (s from the first PCR). */
  offset: number;
  pid: number;
  from: number;
  to: number;
  at: number;
}

export interface TsBreak {
  offset: number;
  pid: number;
  /** Packets missing (1–15; a counter shows only a gap modulo 16) or, for an out-of-order packet, 0. */
  missing: number;
  at: number;
}

export interface TsStructure {
  packetSize: 188 | 192 | 204;
  /** Whole packets read (in sync). */
  packets: number;
  /** Packets per PID (PIDs seen). */
  pids: Map<number, number>;
  programs: TsProgram[];
  /** Programs the PAT lists beyond MAX_PROGRAMS (counted, not read). */
  programsCut: boolean;
  /** The service description table: provider and service name of the first service. */
  service: { provider: string; name: string } | null;
  /** Table versions that changed after the first PAT / PMTs (offset of the first change). */
  tableChanges: { count: number; first: number | null; what: string | null };
  /** Table sections whose CRC-32 does not match. */
  crcErrors: number;
  continuity: { breaks: number; pids: Set<number>; first: TsBreak[]; duplicates: number };
  /** Discontinuities the writer signalled (discontinuity_indicator) — announced splices. */
  signalled: number;
  pcr: { pid: number | null; count: number; first: number | null; last: number | null; elapsed: number; jumps: TsJump[]; jumpCount: number };
  /** Video decoding timestamps that go backwards (counted when the programme clock has no jump). */
  dtsBack: { count: number; first: TsJump[] };
  /**
   * M2TS arrival time stamps: steps that skip ahead by ≥ PCR_GAP_SEC, and steps under ATS_STEADY_SEC
   * (a recorder's stamps advance by fractions of a millisecond per packet; FFmpeg's by a fixed, meaningless amount).
   */
  arrival: { jumps: number; first: number | null; small: number; steps: number } | null;
  /** Packets with the transport error indicator set (the receiver marked them damaged). */
  errorPackets: number;
  scrambledPackets: number;
  /** Adaptation fields longer than their packet. */
  badAdaptation: number;
  syncLost: { count: number; skipped: number; first: number | null };
  trailing: Trailing | null;
  /** The last packet, cut short: bytes present of the packet size. */
  cutShort: { present: number; offset: number } | null;
  /** x264's settings, when the video stream carries its SEI. */
  x264: string | null;
  /** Camera data (MDPM) from the H.264 stream of an AVCHD camcorder. */
  mdpm: Record<string, string> | null;
}

/** Formats whose files are transport streams: those readTsStructure reads. */
export const isTsFormat = (format: string): boolean => format === 'mpegts';

/** Stream types (13818-1 table 2-34, and the ones Blu-ray/ATSC/DVB use). */
const STREAM_TYPES: Record<number, string> = {
  0x01: 'MPEG-1 video',
  0x02: 'MPEG-2 video',
  0x03: 'MPEG-1 audio',
  0x04: 'MPEG-2 audio',
  0x05: 'private sections',
  0x06: 'private PES data',
  0x0f: 'AAC audio',
  0x10: 'MPEG-4 video',
  0x11: 'AAC (LATM) audio',
  0x15: 'metadata',
  0x1b: 'H.264 video',
  0x20: 'H.264 MVC video',
  0x24: 'HEVC video',
  0x80: 'LPCM audio (Blu-ray)',
  0x81: 'AC-3 audio',
  0x82: 'DTS audio',
  0x83: 'Dolby TrueHD audio',
  0x84: 'E-AC-3 audio',
  0x86: 'SCTE-35 splice information',
  0x90: 'PGS subtitles (Blu-ray)',
  0xea: 'VC-1 video',
};
const VIDEO_TYPES = new Set([0x01, 0x02, 0x10, 0x1b, 0x20, 0x24, 0xea]);

export const streamTypeName = (t: number, registration: string | null = null): string =>
  registration === 'KLVA' ? 'KLV metadata (MISB telemetry)' : (STREAM_TYPES[t] ?? `stream type 0x${t.toString(16).padStart(2, '0')}`);

const hexPid = (pid: number) => `0x${pid.toString(16).padStart(4, '0')}`;

/** CRC-32/MPEG-2 (polynomial 0x04C11DB7, not reflected): 0 over a section that ends with its own CRC. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();
export function crc32Mpeg(b: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < b.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]!) & 0xff]!) >>> 0;
  return crc >>> 0;
}

/** DVB text (EN 300 468 annex A): a leading byte under 0x20 names a character table; read as Latin-1 printable text. */
function dvbText(b: Buffer): string {
  let s = b;
  if (s.length && s[0]! < 0x20) s = s.subarray(s[0] === 0x10 ? 3 : s[0] === 0x1f ? 2 : 1);
  return s.toString('latin1').replace(/[\x00-\x1f\x7f-\x9f]/g, '').trim().slice(0, 200);
}

/** The descriptors of b[from, to): ISO 639 language (0x0a) and registration (0x05). */
function descriptors(b: Buffer, from: number, to: number): { language: string | null; registration: string | null } {
  let language: string | null = null;
  let registration: string | null = null;
  let p = from;
  while (p + 2 <= to) {
    const tag = b[p]!;
    const len = b[p + 1]!;
    if (p + 2 + len > to) break;
    if (tag === 0x0a && len >= 3) language ??= b.toString('latin1', p + 2, p + 5).replace(/[^\x20-\x7e]/g, '').trim() || null;
    if (tag === 0x05 && len >= 4) registration ??= b.toString('latin1', p + 2, p + 6).replace(/[^\x20-\x7e]/g, '?');
    p += 2 + len;
  }
  return { language, registration };
}

/** Seconds of a 5-byte PES timestamp (PTS/DTS). */
function pesTime(b: Buffer, o: number): number {
  return (((b[o]! >> 1) & 7) * 2 ** 30 + b[o + 1]! * 2 ** 22 + (b[o + 2]! >> 1) * 2 ** 15 + b[o + 3]! * 2 ** 7 + (b[o + 4]! >> 1)) / 90000;
}

/** A clock step (s) with a 33-bit wrap from near its end to near its start taken as the wrap it is. */
function clockStep(from: number, to: number): number {
  const d = to - from;
  return d < -WRAP_SEC / 2 ? d + WRAP_SEC : d;
}

const bcd = (x: number) => ((x >> 4) <= 9 && (x & 15) <= 9 ? (x >> 4) * 10 + (x & 15) : null);
const two = (n: number) => String(n).padStart(2, '0');

const MDPM_MAKERS: Record<number, string> = { 0x0103: 'Panasonic', 0x0108: 'Sony', 0x1011: 'Canon', 0x1104: 'JVC' };
/** The user-data UUID 17ee8c60-f84d-11d9-8cd6-0800200c9a66 and "MDPM" that begin an AVCHD camera-data SEI. */
const MDPM_TAG = Buffer.from('17ee8c60f84d11d98cd60800200c9a664d44504d', 'hex');

/**
 * The camera data (Modified Digital Video Pack Metadata) of an AVCHD H.264 stream, from its first
 * occurrence in `head` (the stream's first bytes), as ExifTool documents it: a count, then entries of a
 * tag byte and four data bytes in increasing tag order. Date and time (0x18–0x19, BCD with a time-zone
 * byte), time code (0x13), maker (0xe0), model (0xe4–0xe6, Sony), GPS (0xb1–0xb8).
 */
export function readMdpm(head: Buffer): Record<string, string> | null {
  const at = head.indexOf(MDPM_TAG);
  if (at < 0) return null;
  // Emulation-prevention bytes (00 00 03) removed from what follows.
  const raw = head.subarray(at + MDPM_TAG.length, at + MDPM_TAG.length + 2048);
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 3 && bytes.length >= 2 && bytes[bytes.length - 1] === 0 && bytes[bytes.length - 2] === 0) continue;
    bytes.push(raw[i]!);
  }
  const n = bytes[0] ?? 0;
  const e = new Map<number, number[]>();
  let last = -1;
  for (let i = 0; i < n && 1 + i * 5 + 5 <= bytes.length; i++) {
    const tag = bytes[1 + i * 5]!;
    if (tag <= last) break;
    last = tag;
    e.set(tag, bytes.slice(2 + i * 5, 6 + i * 5));
  }
  const out: Record<string, string> = {};
  const d1 = e.get(0x18);
  const d2 = e.get(0x19);
  if (d1 && d2) {
    const [tz, y1, y2, mo] = d1 as [number, number, number, number];
    const parts = [bcd(y1), bcd(y2), bcd(mo), bcd(d2[0]!), bcd(d2[1]!), bcd(d2[2]!), bcd(d2[3]!)];
    if (parts.every((x) => x !== null)) {
      const [a, b, m, d, h, mi, s] = parts as number[];
      const zone = tz === 0xff ? '' : ` ${tz & 0x20 ? '-' : '+'}${two((tz >> 1) & 0x0f)}:${tz & 1 ? '30' : '00'}${tz & 0x40 ? ' DST' : ''}`;
      out.dateTimeOriginal = `${two(a!)}${two(b!)}-${two(m!)}-${two(d!)} ${two(h!)}:${two(mi!)}:${two(s!)}${zone}`;
    }
  }
  const tc = e.get(0x13);
  if (tc) out.timeCode = [...tc].reverse().map((x) => x.toString(16).padStart(2, '0')).join(':');
  const mk = e.get(0xe0);
  if (mk) {
    const code = (mk[0]! << 8) | mk[1]!;
    out.make = MDPM_MAKERS[code] ?? `maker code 0x${code.toString(16).padStart(4, '0')}`;
  }
  const model = [0xe4, 0xe5, 0xe6].map((t) => e.get(t) ?? []).flat();
  const modelText = Buffer.from(model).toString('latin1').replace(/\0.*$/s, '').replace(/[^\x20-\x7e]/g, '').trim();
  if (modelText) out.model = modelText;
  const rational = (t: number) => {
    const v = e.get(t);
    return v && ((v[2]! << 8) | v[3]!) ? ((v[0]! << 8) | v[1]!) / ((v[2]! << 8) | v[3]!) : null;
  };
  const coord = (ref: number, t: number) => {
    const r = e.get(ref);
    const [deg, min, sec] = [rational(t), rational(t + 1), rational(t + 2)];
    if (!r || deg === null || min === null || sec === null) return null;
    const sign = String.fromCharCode(r[0]!);
    const v = deg + min / 60 + sec / 3600;
    return sign === 'S' || sign === 'W' ? -v : v;
  };
  const lat = coord(0xb1, 0xb2);
  const lon = coord(0xb5, 0xb6);
  if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) out.gps = `${lat.toFixed(6)}, ${lon.toFixed(6)}`;
  return Object.keys(out).length ? out : null;
}

/** The packet size whose sync bytes line up from the start of `head`, or null. */
function packetSizeOf(head: Buffer): TsStructure['packetSize'] | null {
  for (const size of [188, 192, 204] as const) {
    const so = size === 192 ? 4 : 0;
    const n = Math.min(RESYNC_PACKETS, Math.floor((head.length - so) / size));
    if (n < 1) continue;
    let ok = true;
    for (let k = 0; k < n && ok; k++) ok = head[so + k * size] === 0x47;
    if (ok && (n >= 2 || head.length < so + size * 2)) return size;
  }
  return null;
}

/** A file read forward through one buffer refilled in pieces (positions are file offsets). */
class Window {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  constructor(
    private fh: fs.promises.FileHandle,
    private size: number,
    private signal?: AbortSignal,
  ) {}
  /** Whether [pos, pos + n) is in the buffer (or as much of it as the file has). */
  covers(pos: number, n: number): boolean {
    return pos >= this.start && (pos + n <= this.start + this.buf.length || this.start + this.buf.length >= this.size);
  }
  /** Makes [pos, pos + n) available (as much of it as the file has). */
  async ensure(pos: number, n: number): Promise<void> {
    if (this.covers(pos, n)) return;
    this.signal?.throwIfAborted();
    const len = Math.min(Math.max(CHUNK_BYTES, n), this.size - pos);
    const b = Buffer.allocUnsafe(Math.max(0, len));
    const { bytesRead } = await this.fh.read(b, 0, b.length, pos);
    this.buf = b.subarray(0, bytesRead);
    this.start = pos;
  }
}

interface Section {
  data: Buffer;
  len: number;
}

/**
 * The structure of the transport stream at `p` (`size` bytes), or null when it does not begin with
 * packets in sync. Reads the whole file (headers, tables, the first part of the video); `signal` stops it.
 */
export async function readTsStructure(p: string, size: number, signal?: AbortSignal): Promise<TsStructure | null> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const win = new Window(fh, size, signal);
    await win.ensure(0, 1024);
    const P = packetSizeOf(win.buf.subarray(0, 1024));
    if (!P) return null;
    const so = P === 192 ? 4 : 0;
    const s: TsStructure = {
      packetSize: P,
      packets: 0,
      pids: new Map(),
      programs: [],
      programsCut: false,
      service: null,
      tableChanges: { count: 0, first: null, what: null },
      crcErrors: 0,
      continuity: { breaks: 0, pids: new Set(), first: [], duplicates: 0 },
      signalled: 0,
      pcr: { pid: null, count: 0, first: null, last: null, elapsed: 0, jumps: [], jumpCount: 0 },
      dtsBack: { count: 0, first: [] },
      arrival: P === 192 ? { jumps: 0, first: null, small: 0, steps: 0 } : null,
      errorPackets: 0,
      scrambledPackets: 0,
      badAdaptation: 0,
      syncLost: { count: 0, skipped: 0, first: null },
      trailing: null,
      cutShort: null,
      x264: null,
      mdpm: null,
    };
    const counts = new Uint32Array(8192);
    const lastCc = new Int8Array(8192).fill(-1);
    const lastPcr = new Float64Array(8192).fill(-1);
    const lastDts = new Float64Array(8192).fill(-1);
    const sections = new Map<number, Section>();
    const pmtPids = new Map<number, TsProgram>();
    let patVersion = -1;
    let sdtSeen = false;
    let videoPid = -1;
    const videoHead: Buffer[] = [];
    let videoHeadBytes = 0;
    let lastAts = -1;

    const change = (offset: number, what: string) => {
      s.tableChanges.count++;
      if (s.tableChanges.first === null) {
        s.tableChanges.first = offset;
        s.tableChanges.what = what;
      }
    };

    const parseSection = (pid: number, sec: Buffer, offset: number) => {
      const tableId = sec[0]!;
      const syntax = (sec[1]! & 0x80) !== 0;
      if (!syntax || sec.length < 12) return;
      if (crc32Mpeg(sec) !== 0) {
        s.crcErrors++;
        return;
      }
      const version = (sec[5]! >> 1) & 0x1f;
      const current = sec[5]! & 1;
      if (!current) return;
      const end = sec.length - 4;
      if (pid === 0 && tableId === 0x00) {
        if (patVersion >= 0 && version !== patVersion) change(offset, 'the programme list (PAT)');
        if (patVersion >= 0) return;
        patVersion = version;
        for (let q = 8; q + 4 <= end; q += 4) {
          const program = sec.readUInt16BE(q);
          const pmt = sec.readUInt16BE(q + 2) & 0x1fff;
          if (program === 0) continue;
          if (s.programs.length >= MAX_PROGRAMS) {
            s.programsCut = true;
            break;
          }
          const prog: TsProgram = { number: program, pmtPid: pmt, pcrPid: null, version: null, registration: null, streams: [] };
          s.programs.push(prog);
          pmtPids.set(pmt, prog);
        }
      } else if (tableId === 0x02 && pmtPids.has(pid)) {
        const program = sec.readUInt16BE(3);
        const prog = s.programs.find((x) => x.pmtPid === pid && x.number === program);
        if (!prog) return;
        if (prog.version !== null) {
          if (version !== prog.version) change(offset, `programme ${program}'s stream list (PMT)`);
          return;
        }
        prog.version = version;
        const pcr = sec.readUInt16BE(8) & 0x1fff;
        prog.pcrPid = pcr === 0x1fff ? null : pcr;
        const infoLen = sec.readUInt16BE(10) & 0x0fff;
        if (12 + infoLen > end) return;
        prog.registration = descriptors(sec, 12, 12 + infoLen).registration;
        for (let q = 12 + infoLen; q + 5 <= end; ) {
          const streamType = sec[q]!;
          const epid = sec.readUInt16BE(q + 1) & 0x1fff;
          const esLen = sec.readUInt16BE(q + 3) & 0x0fff;
          if (q + 5 + esLen > end) break;
          const d = descriptors(sec, q + 5, q + 5 + esLen);
          if (prog.streams.length < MAX_PROGRAMS) prog.streams.push({ pid: epid, streamType, language: d.language, registration: d.registration });
          if (videoPid < 0 && VIDEO_TYPES.has(streamType)) videoPid = epid;
          q += 5 + esLen;
        }
      } else if (pid === 0x11 && tableId === 0x42 && !sdtSeen) {
        sdtSeen = true;
        // transport_stream_id … original_network_id (2), reserved (1), then the services.
        for (let q = 11; q + 5 <= end; ) {
          const loopLen = sec.readUInt16BE(q + 3) & 0x0fff;
          const dEnd = Math.min(end, q + 5 + loopLen);
          for (let r = q + 5; r + 2 <= dEnd; ) {
            const tag = sec[r]!;
            const len = sec[r + 1]!;
            if (r + 2 + len > dEnd) break;
            if (tag === 0x48 && len >= 3 && !s.service) {
              const pl = sec[r + 3]!;
              const nameAt = r + 4 + pl;
              if (nameAt < r + 2 + len) {
                const nl = sec[nameAt]!;
                if (nameAt + 1 + nl <= r + 2 + len) s.service = { provider: dvbText(sec.subarray(r + 4, nameAt)), name: dvbText(sec.subarray(nameAt + 1, nameAt + 1 + nl)) };
              }
            }
            r += 2 + len;
          }
          q = dEnd;
        }
      }
    };

    /** The payload b[from, to) of a packet of a table PID, assembled into sections. */
    const tablePayload = (pid: number, b: Buffer, from: number, to: number, start: boolean, offset: number) => {
      let q = from;
      if (start) {
        const pointer = b[q]!;
        // The end of the section under way, then a new one.
        const cur = sections.get(pid);
        if (cur && q + 1 + pointer <= to) appendSection(pid, cur, b.subarray(q + 1, q + 1 + pointer), offset);
        q += 1 + pointer;
        sections.delete(pid);
        // Sections begin back to back until stuffing (0xff).
        while (q + 3 <= to && b[q] !== 0xff) {
          const len = 3 + (b.readUInt16BE(q + 1) & 0x0fff);
          if (len > MAX_SECTION) return;
          if (q + len <= to) {
            parseSection(pid, Buffer.from(b.subarray(q, q + len)), offset);
            q += len;
          } else {
            const sec: Section = { data: Buffer.alloc(len), len: 0 };
            sections.set(pid, sec);
            appendSection(pid, sec, b.subarray(q, to), offset);
            return;
          }
        }
      } else {
        const cur = sections.get(pid);
        if (cur) appendSection(pid, cur, b.subarray(q, to), offset);
      }
    };
    const appendSection = (pid: number, sec: Section, part: Buffer, offset: number) => {
      const n = Math.min(part.length, sec.data.length - sec.len);
      part.copy(sec.data, sec.len, 0, n);
      sec.len += n;
      if (sec.len === sec.data.length) {
        sections.delete(pid);
        parseSection(pid, sec.data, offset);
      }
    };

    let pos = 0;
    while (pos + P <= size) {
      // (Checked before awaiting: an await per packet would cost seconds over a 2 GiB recording.)
      if (!win.covers(pos, P * RESYNC_PACKETS)) await win.ensure(pos, P * RESYNC_PACKETS);
      const b = win.buf;
      const o = pos - win.start;
      const h = o + so;
      if (b[h] !== 0x47) {
        const k = await resync(win, pos + 1, P, so, size);
        if (k < 0) {
          s.trailing = await readTrailing(fh, pos, size);
          break;
        }
        s.syncLost.count++;
        s.syncLost.skipped += k - pos;
        s.syncLost.first ??= pos;
        pos = k;
        continue;
      }
      s.packets++;
      if (so) {
        const ats = b.readUInt32BE(o) & 0x3fffffff;
        if (lastAts >= 0) {
          const step = (ats - lastAts + ATS_MOD) % ATS_MOD;
          s.arrival!.steps++;
          if (step < ATS_STEADY_SEC * 27e6) s.arrival!.small++;
          else if (step >= PCR_GAP_SEC * 27e6) {
            s.arrival!.jumps++;
            s.arrival!.first ??= pos;
          }
        }
        lastAts = ats;
      }
      const b1 = b[h + 1]!;
      const pid = ((b1 & 0x1f) << 8) | b[h + 2]!;
      const b3 = b[h + 3]!;
      counts[pid]!++;
      if (b1 & 0x80) {
        // The receiver marked the packet damaged: nothing in it is trusted.
        s.errorPackets++;
        pos += P;
        continue;
      }
      if (pid === 0x1fff) {
        pos += P;
        continue;
      }
      const scrambled = b3 >> 6 !== 0;
      if (scrambled) s.scrambledPackets++;
      const afc = (b3 >> 4) & 3;
      const cc = b3 & 15;
      let payload = h + 4;
      let discontinuity = false;
      if (afc & 2) {
        const afl = b[h + 4]!;
        payload = h + 5 + afl;
        if (payload > h + 188) {
          s.badAdaptation++;
          pos += P;
          continue;
        }
        if (afl > 0) {
          const flags = b[h + 5]!;
          discontinuity = (flags & 0x80) !== 0;
          if (discontinuity) s.signalled++;
          if (flags & 0x10 && afl >= 7) {
            const t = (b[h + 6]! * 2 ** 25 + b[h + 7]! * 2 ** 17 + b[h + 8]! * 2 ** 9 + b[h + 9]! * 2 + (b[h + 10]! >> 7)) / 90000 + (((b[h + 10]! & 1) << 8) | b[h + 11]!) / 27e6;
            s.pcr.pid ??= pid;
            if (pid === s.pcr.pid) {
              s.pcr.count++;
              s.pcr.first ??= t;
              const prev = lastPcr[pid]!;
              if (prev >= 0 && !discontinuity) {
                const d = clockStep(prev, t);
                if (d > PCR_GAP_SEC || d < -PCR_BACK_SEC) {
                  s.pcr.jumpCount++;
                  if (s.pcr.jumps.length < KEEP) s.pcr.jumps.push({ offset: pos, pid, from: prev, to: t, at: s.pcr.elapsed });
                } else if (d > 0) s.pcr.elapsed += d;
              }
              s.pcr.last = t;
              lastPcr[pid] = t;
            }
          }
        }
      }
      if (afc & 1) {
        const last = lastCc[pid]!;
        if (last >= 0 && !discontinuity) {
          if (cc === last) s.continuity.duplicates++;
          else if (cc !== ((last + 1) & 15)) {
            s.continuity.breaks++;
            s.continuity.pids.add(pid);
            if (s.continuity.first.length < KEEP) s.continuity.first.push({ offset: pos, pid, missing: (cc - last - 1 + 16) & 15, at: s.pcr.elapsed });
          }
        }
        lastCc[pid] = cc;
        const end = h + 188;
        const start = (b1 & 0x40) !== 0;
        if (!scrambled && payload < end) {
          if (pid === 0 || pid === 0x11 || pmtPids.has(pid)) tablePayload(pid, b, payload, end, start, pos);
          else if (pid === videoPid) {
            if (start && end - payload >= 9 && b[payload] === 0 && b[payload + 1] === 0 && b[payload + 2] === 1) {
              const ptsDts = b[payload + 7]! >> 6;
              const t = ptsDts === 3 && payload + 19 <= end ? pesTime(b, payload + 14) : ptsDts === 2 && payload + 14 <= end ? pesTime(b, payload + 9) : -1;
              if (t >= 0) {
                const prev = lastDts[pid]!;
                if (prev >= 0 && !discontinuity && clockStep(prev, t) < -PCR_BACK_SEC) {
                  s.dtsBack.count++;
                  if (s.dtsBack.first.length < KEEP) s.dtsBack.first.push({ offset: pos, pid, from: prev, to: t, at: s.pcr.elapsed });
                }
                lastDts[pid] = t;
              }
              if (videoHeadBytes < VIDEO_HEAD_BYTES) {
                const body = payload + 9 + b[payload + 8]!;
                if (body < end) {
                  videoHead.push(Buffer.from(b.subarray(body, end)));
                  videoHeadBytes += end - body;
                }
              }
            } else if (videoHeadBytes > 0 && videoHeadBytes < VIDEO_HEAD_BYTES) {
              videoHead.push(Buffer.from(b.subarray(payload, end)));
              videoHeadBytes += end - payload;
            }
          }
        }
      }
      pos += P;
    }
    if (pos < size && !s.trailing) {
      await win.ensure(pos, size - pos);
      const b = win.buf;
      if (b[pos - win.start + so] === 0x47) s.cutShort = { present: size - pos, offset: pos };
      else s.trailing = await readTrailing(fh, pos, size);
    }
    for (let pid = 0; pid < 8192; pid++) if (counts[pid]) s.pids.set(pid, counts[pid]!);
    if (videoHead.length) {
      const head = Buffer.concat(videoHead);
      const m = /x264 - core (\d+)[^\0]{0,120}?options: ([ -~]{0,2000})/.exec(head.toString('latin1'));
      s.x264 = m ? `core ${m[1]}; ${m[2]}` : null;
      s.mdpm = readMdpm(head);
    }
    return s;
  } finally {
    await fh.close();
  }
}

/**
 * The first position from `from` where packets are in sync again (a sync byte at every packet start
 * for RESYNC_PACKETS packets, or to the end of the file, at least two), or -1.
 */
async function resync(win: Window, from: number, P: number, so: number, size: number): Promise<number> {
  let k = from;
  while (k + so < size) {
    await win.ensure(k, P * RESYNC_PACKETS + P);
    const b = win.buf;
    const rel = b.indexOf(0x47, k + so - win.start);
    if (rel < 0) {
      const next = win.start + b.length;
      if (next >= size) return -1;
      k = Math.max(k + 1, next - so);
      continue;
    }
    const cand = win.start + rel - so;
    // (Moves the window to the candidate when the packets to check run past it.)
    await win.ensure(cand, P * RESYNC_PACKETS);
    const w = win.buf;
    const whole = Math.min(RESYNC_PACKETS, Math.floor((size - cand) / P));
    let ok = whole >= 2;
    for (let i = 0; i < whole && ok; i++) ok = w[cand - win.start + so + i * P] === 0x47;
    if (ok) return cand;
    k = cand + 1;
  }
  return -1;
}

/** Where a picture or video appended after the last packet begins; null when none. */
export function appendedOfTs(s: Pick<TsStructure, 'trailing'>, size: number): { offset: number; foundAs: string } | null {
  return mediaAfterEnd(s.trailing, size, 'packet');
}

const secText = (t: number) => `${t.toFixed(t < 10 ? 2 : 1)} s`;
const clockText = (t: number) => {
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t - h * 3600 - m * 60;
  return `${h ? `${h}:${two(m)}` : m}:${sec.toFixed(2).padStart(5, '0')}`;
};

export type TsFindings = StructureFindings;

/** What the structure says, as metadata rows, highlights and flags. */
export function describeTsStructure(s: TsStructure): TsFindings {
  const group: Record<string, string> = {};
  const highlights: { label: string; value: string }[] = [];
  const flags: MetadataFlag[] = [];
  const kind = s.packetSize === 192 ? 'BDAV (M2TS: Blu-ray / AVCHD, 4-byte arrival time stamp)' : s.packetSize === 204 ? 'MPEG-TS with 16 bytes of Reed-Solomon parity' : 'MPEG-TS';
  group.packets = `${s.packets} packets of ${s.packetSize} bytes, ${kind}`;
  highlights.push({ label: 'Packets', value: `${s.packetSize}-byte ${s.packetSize === 192 ? 'M2TS (Blu-ray / AVCHD)' : 'MPEG-TS'}, ${s.packets} packets` });
  const names = new Map<number, string>([
    [0, 'PAT'],
    [0x11, 'SDT'],
    [0x12, 'EIT'],
    [0x14, 'TDT/TOT'],
    [0x1fff, 'null'],
  ]);
  for (const pr of s.programs) {
    names.set(pr.pmtPid, 'PMT');
    for (const st of pr.streams) names.set(st.pid, streamTypeName(st.streamType, st.registration));
  }
  group.pids = capText([...s.pids].map(([pid, n]) => `${hexPid(pid)} ${names.get(pid) ?? '?'} ×${n}`).join(' · '));
  s.programs.forEach((pr) => {
    group[`program${pr.number}`] = capText(
      [
        `PMT ${hexPid(pr.pmtPid)}`,
        pr.pcrPid !== null ? `clock on ${hexPid(pr.pcrPid)}` : null,
        pr.registration ? `registered '${pr.registration}'` : null,
        pr.streams.length ? `streams ${pr.streams.map((st) => `${hexPid(st.pid)} ${streamTypeName(st.streamType, st.registration)}${st.language ? ` (${st.language})` : ''}`).join(', ')}` : 'no stream list read',
      ]
        .filter(Boolean)
        .join('; '),
    );
  });
  if (s.programsCut) group.programsCut = `more than ${MAX_PROGRAMS} programmes listed; the first ${MAX_PROGRAMS} read`;
  if (s.service) {
    group.serviceProvider = s.service.provider;
    group.serviceName = s.service.name;
    highlights.push({ label: 'Service', value: [s.service.provider, s.service.name].filter(Boolean).join(' — ') });
  }
  const hdmv = s.programs.find((pr) => pr.registration === 'HDMV');
  if (s.service?.provider === 'FFmpeg') {
    highlights.push({ label: 'Written by', value: "FFmpeg's MPEG-TS muxer — its default service provider name" });
    flags.push({
      code: 'REENCODED',
      severity: 'notice',
      message: `The service description names "FFmpeg" as the provider, the default of FFmpeg's MPEG-TS muxer: written or re-muxed by FFmpeg-based software, not straight from a recorder, camera or broadcast.`,
    });
  } else if (hdmv) highlights.push({ label: 'Written by', value: "a Blu-ray / AVCHD writer — the programme registers 'HDMV'" });
  if (s.mdpm) {
    for (const [k, v] of Object.entries(s.mdpm)) group[`mdpm.${k}`] = v;
    const cam = [s.mdpm.make, s.mdpm.model].filter(Boolean).join(' ');
    if (cam) highlights.push({ label: 'Camera (AVCHD)', value: cam });
    if (s.mdpm.dateTimeOriginal) highlights.push({ label: 'Recorded (AVCHD)', value: s.mdpm.dateTimeOriginal });
    if (s.mdpm.gps) highlights.push({ label: 'Location (AVCHD)', value: s.mdpm.gps });
  }
  if (s.pcr.count) group.clock = `PCR on ${hexPid(s.pcr.pid!)}: ${s.pcr.count} values, ${secText(s.pcr.first!)} to ${secText(s.pcr.last!)}; ${secText(s.pcr.elapsed)} of recording counted without jumps`;
  const c = s.continuity;
  group.continuity = c.breaks
    ? `${c.breaks} break${c.breaks > 1 ? 's' : ''} in ${c.pids.size} stream${c.pids.size > 1 ? 's' : ''}; first at byte ${c.first[0]!.offset} (${hexPid(c.first[0]!.pid)})`
    : `no breaks${c.duplicates ? `; ${c.duplicates} repeated packets` : ''}`;
  if (c.breaks) {
    const places = c.first
      .filter((x, i, a) => a.findIndex((y) => Math.abs(y.offset - x.offset) < 64 * s.packetSize) === i)
      .slice(0, 3)
      .map((x) => `byte ${x.offset}${s.pcr.count ? ` (${clockText(x.at)} in)` : ''}`);
    const more = c.breaks > places.length ? ` and ${c.breaks - places.length} other place${c.breaks - places.length > 1 ? 's' : ''} nearby or later` : '';
    const reception = s.errorPackets ? ` The receiver marked ${s.errorPackets} packets as damaged, which points to reception errors rather than an edit.` : '';
    flags.push({
      code: 'CONTINUITY_ERRORS',
      severity: 'warning',
      message:
        `Packets are missing or out of order: the continuity counters break ${c.breaks} time${c.breaks > 1 ? 's' : ''} in ${c.pids.size} of the file's streams, at ${places.join(', ')}${more}. ` +
        `Packets were cut out or recordings joined there, or packets were lost while recording or receiving.${reception}`,
    });
  }
  const jumps: (TsJump & { clock: string })[] = s.pcr.jumps.length ? s.pcr.jumps.map((j) => ({ ...j, clock: 'programme clock' })) : s.dtsBack.first.map((j) => ({ ...j, clock: 'video decoding time' }));
  const jumpCount = s.pcr.jumps.length ? s.pcr.jumpCount : s.dtsBack.count;
  if (jumps.length) {
    group.clockJumps = capText(jumps.map((j) => `byte ${j.offset}: ${secText(j.from)} → ${secText(j.to)}`).join('; ') + (jumpCount > jumps.length ? '; …' : ''));
    const back = jumps.some((j) => clockStep(j.from, j.to) < 0);
    const named = jumps
      .slice(0, 3)
      .map((j) => {
        const d = clockStep(j.from, j.to);
        return `${d < 0 ? `goes back ${secText(-d)}` : `skips ${secText(d)}`} at byte ${j.offset}${s.pcr.count ? ` (${clockText(j.at)} in)` : ''}`;
      })
      .join(', ');
    flags.push({
      code: 'CLOCK_JUMP',
      severity: 'warning',
      message:
        `The ${jumps[0]!.clock} ${named}${jumpCount > 3 ? `, and ${jumpCount - 3} more time${jumpCount - 3 > 1 ? 's' : ''}` : ''}, without the discontinuity a writer signals at a splice: ` +
        (back ? 'recordings were joined there (the clock starts again), or parts put in another order.' : 'a part was cut out there, or the recorder stopped and resumed in the same file.'),
    });
  }
  const arrivalClock = s.arrival && s.arrival.steps > 0 && s.arrival.small / s.arrival.steps >= ATS_CLOCK_SHARE;
  if (s.arrival && s.arrival.steps > 0 && !arrivalClock) group.arrivalTimeStamps = 'do not follow a clock (software-written: FFmpeg steps them by a fixed amount)';
  if (s.arrival?.jumps && arrivalClock) {
    group.arrivalJumps = `${s.arrival.jumps}; first at byte ${s.arrival.first}`;
    if (!jumps.length) {
      flags.push({
        code: 'CLOCK_JUMP',
        severity: 'warning',
        message: `The packets' arrival time stamps skip ahead by a second or more ${s.arrival.jumps} time${s.arrival.jumps > 1 ? 's' : ''} (first at byte ${s.arrival.first}): a recorder writes them as packets arrive, so packets were removed or files joined there.`,
      });
    }
  }
  if (s.signalled) {
    group.signalledDiscontinuities = String(s.signalled);
    flags.push({
      code: 'SIGNALLED_DISCONTINUITY',
      severity: 'info',
      message: `The writer announced ${s.signalled} discontinuit${s.signalled > 1 ? 'ies' : 'y'} (discontinuity indicator): a splice said out loud — a broadcast switching programmes or advertisements, or a tool joining recordings.`,
    });
  }
  if (s.tableChanges.count) {
    group.tableChanges = `${s.tableChanges.count}; first at byte ${s.tableChanges.first} (${s.tableChanges.what})`;
    flags.push({
      code: 'PROGRAM_CHANGED',
      severity: 'notice',
      message: `${s.tableChanges.what![0]!.toUpperCase()}${s.tableChanges.what!.slice(1)} changes at byte ${s.tableChanges.first}${s.tableChanges.count > 1 ? ` (${s.tableChanges.count} changes in all)` : ''}: the stream was switched or parts from different recordings follow one another.`,
    });
  }
  if (s.programs.length > 1) {
    flags.push({ code: 'MULTIPLE_PROGRAMS', severity: 'info', message: `The stream carries ${s.programs.length}${s.programsCut ? '+' : ''} programmes (a broadcast multiplex); the frames analysed come from FFmpeg's choice of video stream.` });
  }
  if (s.scrambledPackets) {
    group.scrambled = `${s.scrambledPackets} packets`;
    flags.push({ code: 'SCRAMBLED', severity: 'warning', message: `${s.scrambledPackets} packets are scrambled (encrypted): the pictures they carry cannot be decoded or analysed.` });
  }
  if (s.errorPackets) {
    group.errorPackets = String(s.errorPackets);
    flags.push({ code: 'RECEPTION_ERRORS', severity: 'notice', message: `The receiver marked ${s.errorPackets} packets as damaged (transport error indicator): a recording of a weak or disturbed signal.` });
  }
  if (s.crcErrors || s.badAdaptation || s.syncLost.count) {
    const parts = [
      s.syncLost.count ? `packet sync is lost ${s.syncLost.count} time${s.syncLost.count > 1 ? 's' : ''} (${s.syncLost.skipped} bytes between packets, first at byte ${s.syncLost.first})` : null,
      s.crcErrors ? `${s.crcErrors} table section${s.crcErrors > 1 ? 's fail their' : ' fails its'} CRC-32` : null,
      s.badAdaptation ? `${s.badAdaptation} packet${s.badAdaptation > 1 ? 's' : ''} declare${s.badAdaptation > 1 ? '' : 's'} an adaptation field longer than the packet` : null,
    ].filter(Boolean);
    group.damage = parts.join('; ');
    flags.push({
      code: 'STRUCTURE_DAMAGED',
      severity: 'warning',
      message: `The packet structure is damaged: ${parts.join('; ')}. Bytes were inserted, removed or changed other than in whole packets — a damaged copy, or an edit made on the bytes.`,
    });
  }
  if (s.trailing) {
    const t = trailingFinding(s.trailing, 'packet');
    group.afterLastPacket = t.row;
    flags.push(t.flag);
  }
  if (s.cutShort) {
    group.cutShort = `last packet: ${s.cutShort.present} of ${s.packetSize} bytes, at byte ${s.cutShort.offset}`;
    flags.push({ code: 'TRUNCATED', severity: 'warning', message: `The file ends inside a packet: ${s.cutShort.present} of its ${s.packetSize} bytes are present (cut short; what followed is lost).` });
  }
  return { group, highlights, flags };
}
