/**
 * A small MPEG transport-stream writer for the structure tests, written from ISO/IEC 13818-1 (packets,
 * adaptation fields, PES headers, PAT/PMT sections with their CRC-32) and EN 300 468 (the SDT's service
 * descriptor), independently of src-main/core/media/ts-structure.ts: packets with chosen PIDs,
 * continuity counters, clocks and flags, so that each finding can be produced on purpose.
 */

/** CRC-32/MPEG-2, bit by bit (the reader uses a table). */
export function crc32(b: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of b) {
    crc ^= byte << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  }
  return crc >>> 0;
}

/** A long-form table section (syntax indicator set) with its CRC. */
export function section(tableId: number, idExtension: number, version: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head[0] = tableId;
  head.writeUInt16BE(0xb000 | (5 + body.length + 4), 1);
  head.writeUInt16BE(idExtension, 3);
  head[5] = 0xc1 | ((version & 0x1f) << 1);
  head[6] = 0;
  head[7] = 0;
  const s = Buffer.concat([head, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(s));
  return Buffer.concat([s, crc]);
}

export function pat(programs: [program: number, pmtPid: number][], version = 0): Buffer {
  const body = Buffer.alloc(programs.length * 4);
  programs.forEach(([n, pid], i) => {
    body.writeUInt16BE(n, i * 4);
    body.writeUInt16BE(0xe000 | pid, i * 4 + 2);
  });
  return section(0x00, 1, version, body);
}

export interface PmtStream {
  type: number;
  pid: number;
  descriptors?: Buffer;
}

export function pmt(program: number, pcrPid: number, streams: PmtStream[], opts: { version?: number; programInfo?: Buffer } = {}): Buffer {
  const info = opts.programInfo ?? Buffer.alloc(0);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xe000 | pcrPid, 0);
  head.writeUInt16BE(0xf000 | info.length, 2);
  const es = streams.map((s) => {
    const d = s.descriptors ?? Buffer.alloc(0);
    const b = Buffer.alloc(5);
    b[0] = s.type;
    b.writeUInt16BE(0xe000 | s.pid, 1);
    b.writeUInt16BE(0xf000 | d.length, 3);
    return Buffer.concat([b, d]);
  });
  return section(0x02, program, opts.version ?? 0, Buffer.concat([head, info, ...es]));
}

/** A descriptor: tag, length, body. */
export const descriptor = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag, body.length]), body]);

/** The SDT (actual transport stream) with one service and its service descriptor. */
export function sdt(provider: string, name: string): Buffer {
  const d = descriptor(0x48, Buffer.concat([Buffer.from([0x01, provider.length]), Buffer.from(provider, 'latin1'), Buffer.from([name.length]), Buffer.from(name, 'latin1')]));
  const svc = Buffer.alloc(5);
  svc.writeUInt16BE(1, 0);
  svc[2] = 0xfc;
  svc.writeUInt16BE(0x8000 | d.length, 3);
  const onid = Buffer.from([0xff, 0x01, 0xff]);
  return section(0x42, 1, 0, Buffer.concat([onid, svc, d]));
}

export interface PacketSpec {
  pid: number;
  payload?: Buffer;
  start?: boolean;
  /** Programme clock (s). */
  pcr?: number;
  discontinuity?: boolean;
  transportError?: boolean;
  scrambled?: boolean;
  /** Continuity counter (the writer's own running one when absent). */
  cc?: number;
}

/** Packets written in order, with running continuity counters per PID. */
export class TsWriter {
  packets: Buffer[] = [];
  private cc = new Map<number, number>();

  packet(p: PacketSpec): Buffer {
    const payload = p.payload ?? Buffer.alloc(0);
    const needAf = p.pcr !== undefined || p.discontinuity || payload.length < 184;
    let af = Buffer.alloc(0);
    if (needAf) {
      const fields: number[] = [];
      let flags = p.discontinuity ? 0x80 : 0;
      if (p.pcr !== undefined) {
        flags |= 0x10;
        const base = Math.floor(p.pcr * 90000);
        const ext = Math.round((p.pcr * 90000 - base) * 300) % 300;
        fields.push(Math.floor(base / 2 ** 25) & 0xff, Math.floor(base / 2 ** 17) & 0xff, Math.floor(base / 2 ** 9) & 0xff, Math.floor(base / 2) & 0xff, ((base & 1) << 7) | 0x7e | (ext >> 8), ext & 0xff);
      }
      const room = 184 - payload.length - 1;
      const body = [flags, ...fields];
      if (room === 0 && !flags) af = Buffer.from([0]);
      else {
        if (room < body.length) throw new Error('payload too long for the adaptation field');
        while (body.length < room) body.push(0xff);
        af = Buffer.from([room, ...body]);
      }
    }
    const hasPayload = payload.length > 0;
    const cc = p.cc ?? (hasPayload ? ((this.cc.get(p.pid) ?? -1) + 1) & 15 : (this.cc.get(p.pid) ?? 0));
    if (hasPayload) this.cc.set(p.pid, cc);
    const h = Buffer.alloc(4);
    h[0] = 0x47;
    h[1] = (p.transportError ? 0x80 : 0) | (p.start ? 0x40 : 0) | (p.pid >> 8);
    h[2] = p.pid & 0xff;
    h[3] = (p.scrambled ? 0x80 : 0) | ((needAf ? 2 : 0) | (hasPayload ? 1 : 0)) << 4 | cc;
    const out = Buffer.concat([h, af, payload]);
    if (out.length !== 188) throw new Error(`packet of ${out.length} bytes`);
    this.packets.push(out);
    return out;
  }

  /** A table section in one or more packets (pointer field 0, stuffing after). */
  table(pid: number, sec: Buffer): void {
    const data = Buffer.concat([Buffer.from([0]), sec]);
    for (let i = 0; i < data.length; i += 184) {
      const part = data.subarray(i, i + 184);
      this.packet({ pid, start: i === 0, payload: Buffer.concat([part, Buffer.alloc(184 - part.length, 0xff)]) });
    }
  }

  /** A PES packet (video stream id 0xe0, PTS and DTS) split over packets; a PCR on its first packet when given. */
  pes(pid: number, es: Buffer, dts: number, opts: { pcr?: number; discontinuity?: boolean } = {}): void {
    const ts = (v: number, prefix: number) => {
      const t = Math.round(v * 90000);
      return Buffer.from([(prefix << 4) | ((Math.floor(t / 2 ** 30) & 7) << 1) | 1, Math.floor(t / 2 ** 22) & 0xff, ((Math.floor(t / 2 ** 15) & 0x7f) << 1) | 1, Math.floor(t / 2 ** 7) & 0xff, ((t & 0x7f) << 1) | 1]);
    };
    const head = Buffer.concat([Buffer.from([0, 0, 1, 0xe0, 0, 0, 0x80, 0xc0, 10]), ts(dts + 0.04, 3), ts(dts, 1)]);
    const data = Buffer.concat([head, es]);
    let i = 0;
    let first = true;
    while (i < data.length) {
      const af = first && (opts.pcr !== undefined || opts.discontinuity) ? 8 : 0;
      const take = Math.min(184 - af, data.length - i);
      this.packet({ pid, start: first, payload: data.subarray(i, i + take), ...(first && opts.pcr !== undefined ? { pcr: opts.pcr } : {}), ...(first && opts.discontinuity ? { discontinuity: true } : {}) });
      i += take;
      first = false;
    }
  }

  /** The stream as bytes: 188-byte packets, or 192 with an arrival time stamp (27 MHz, `atsStep` s per packet), or 204 with 16 parity bytes. */
  bytes(size: 188 | 192 | 204 = 188, atsStep = 0.0005): Buffer {
    return Buffer.concat(
      this.packets.map((p, i) => {
        if (size === 188) return p;
        if (size === 204) return Buffer.concat([p, Buffer.alloc(16, 0xa5)]);
        const ats = Buffer.alloc(4);
        ats.writeUInt32BE(Math.round(i * atsStep * 27e6) % 2 ** 30);
        return Buffer.concat([ats, p]);
      }),
    );
  }
}

/** H.264 emulation prevention: 03 inserted after 00 00 before a byte ≤ 3. */
export function escapeRbsp(b: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const x of b) {
    if (zeros >= 2 && x <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(x);
    zeros = x === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** An H.264 SEI NAL unit (Annex B start code) with one user-data-unregistered message holding AVCHD's MDPM entries. */
export function mdpmSei(entries: [tag: number, data: number[]][]): Buffer {
  const uuid = Buffer.from('17ee8c60f84d11d98cd60800200c9a66', 'hex');
  const body = Buffer.concat([uuid, Buffer.from('MDPM', 'latin1'), Buffer.from([entries.length]), ...entries.map(([t, d]) => Buffer.from([t, ...d]))]);
  const payload = Buffer.concat([Buffer.from([5, body.length]), body, Buffer.from([0x80])]);
  return Buffer.concat([Buffer.from([0, 0, 0, 1, 0x06]), escapeRbsp(payload)]);
}
