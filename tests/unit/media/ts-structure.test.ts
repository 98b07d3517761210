import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContainerStructure } from '../../../src-main/core/media/container-structure';
import { appendedOfTs, crc32Mpeg, describeTsStructure, readMdpm, readTsStructure, type TsStructure } from '../../../src-main/core/media/ts-structure';
import { readMetadata } from '../../../src-main/core/media/metadata';
import { probe } from '../../../src-main/core/media';
import { seededBytes } from '../../helpers/hostile-corpus';
import { crc32, descriptor, escapeRbsp, mdpmSei, pat, pmt, sdt, TsWriter } from '../../helpers/mpegts';
import { fixture, testTools } from './helpers';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-ts-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function structureOf(bytes: Buffer, name = `f${Math.random().toString(36).slice(2)}.ts`): Promise<{ s: TsStructure | null; file: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { s: await readTsStructure(file, bytes.length), file };
}

const codes = (s: TsStructure) => describeTsStructure(s).flags.map((f) => f.code).sort();
const flag = (s: TsStructure, code: string) => describeTsStructure(s).flags.find((f) => f.code === code);
/** The fixture: ffmpeg's MPEG-TS muxer, H.264 (x264) and AAC, 4 s. */
const clip = () => fs.readFileSync(fixture('clip.m2t'));
const packets = (b: Buffer, from: number, to?: number) => b.subarray(from * 188, to === undefined ? undefined : to * 188);

/** A programme of `frames` video PES packets (PCR on the video PID, 25 fps) after PAT and PMT; `edit` may change each frame's options. */
function programme(frames: number, opts: { pmtInfo?: Buffer; pcr?: boolean; es?: (i: number) => Buffer } = {}): TsWriter {
  const w = new TsWriter();
  w.table(0, pat([[1, 0x100]]));
  w.table(0x100, pmt(1, 0x1011, [{ type: 0x1b, pid: 0x1011 }, { type: 0x81, pid: 0x1100, descriptors: descriptor(0x0a, Buffer.from('eng\0', 'latin1')) }], { programInfo: opts.pmtInfo ?? Buffer.alloc(0) }));
  for (let i = 0; i < frames; i++) {
    const t = 1 + i * 0.04;
    w.pes(0x1011, opts.es?.(i) ?? Buffer.alloc(300, i & 0xff), t, opts.pcr === false ? {} : { pcr: t - 0.1 });
  }
  return w;
}

describe('MPEG-TS structure', () => {
  it("reads ffmpeg's file: packets, tables, service, clock, x264's settings from the video stream; flags the FFmpeg writer only", async () => {
    const p = fixture('clip.m2t');
    const s = (await readTsStructure(p, fs.statSync(p).size))!;
    expect(s.packetSize).toBe(188);
    expect(s.packets).toBe(fs.statSync(p).size / 188);
    expect(s.programs).toHaveLength(1);
    expect(s.programs[0]!.pmtPid).toBe(0x1000);
    expect(s.programs[0]!.streams.map((x) => [x.pid, x.streamType])).toEqual([
      [0x100, 0x1b],
      [0x101, 0x0f],
    ]);
    expect(s.service).toEqual({ provider: 'FFmpeg', name: 'Service01' });
    expect(s.continuity.breaks).toBe(0);
    expect(s.pcr.jumpCount).toBe(0);
    expect(s.pcr.elapsed).toBeGreaterThan(3);
    expect(s.x264).toMatch(/^core \d+; cabac=/);
    expect(codes(s)).toEqual(['REENCODED']);
    const d = describeTsStructure(s);
    expect(d.highlights.map((h) => h.label)).toEqual(['Packets', 'Service', 'Written by']);
    expect(d.group.pids).toMatch(/^0x0000 PAT ×\d+ · 0x0011 SDT ×\d+ · 0x0100 H\.264 video ×\d+ · 0x0101 AAC audio ×\d+ · 0x1000 PMT ×\d+$/);
    expect(d.group.continuity).toBe('no breaks');
    // Through the metadata report: the structure group, and x264's settings whole, as read from the
    // stream (the file-wide text search stops at the first packet header, 184 bytes on: "options: cabG").
    const m = await readMetadata(p, await probe(p, await testTools()));
    expect(m.groups.structure!.serviceProvider).toBe('FFmpeg');
    expect(m.groups.encoder!.x264).toMatch(/^core \d+; cabac=1 ref=\d+ deblock=.* threads=\d+ .* bframes=\d+/);
    expect(m.flags.filter((f) => f.code === 'REENCODED').map((f) => f.message)).toEqual([expect.stringMatching(/x264 software encoder/), expect.stringMatching(/"FFmpeg" as the provider/)]);
    expect((await structureOf(fs.readFileSync(fixture('clip.mp4')))).s).toBeNull();
  });

  it('packets cut out: continuity breaks and a clock that skips; two recordings joined: a clock that goes back', async () => {
    const b = clip();
    const cut = (await structureOf(Buffer.concat([packets(b, 0, 100), packets(b, 600)]))).s!;
    expect(codes(cut)).toEqual(['CLOCK_JUMP', 'CONTINUITY_ERRORS', 'REENCODED']);
    expect(cut.continuity.breaks).toBeGreaterThanOrEqual(2);
    // The first packet after the cut on a PID whose counter no longer follows (a PID may match by chance, 1 in 16).
    expect(cut.continuity.first[0]!.offset).toBeGreaterThanOrEqual(100 * 188);
    expect(cut.continuity.first[0]!.offset).toBeLessThan(130 * 188);
    expect(flag(cut, 'CLOCK_JUMP')!.message).toMatch(/^The programme clock skips \d\.\d\d s at byte \d+ \(0:0\d\.\d\d in\).*a part was cut out there/);
    const joined = (await structureOf(Buffer.concat([b, b]))).s!;
    expect(codes(joined)).toEqual(['CLOCK_JUMP', 'CONTINUITY_ERRORS', 'REENCODED']);
    expect(joined.continuity.first[0]!.offset).toBe(b.length);
    expect(flag(joined, 'CLOCK_JUMP')!.message).toMatch(/goes back \d\.\d\d s at byte \d+ \(0:0\d\.\d\d in\).*recordings were joined there/);
    expect(flag(joined, 'CONTINUITY_ERRORS')!.message).toMatch(new RegExp(`at byte ${b.length} \\(0:0\\d\\.\\d\\d in\\)`));
    // The same cut with the splice announced (discontinuity indicators): no jump, an info.
    const w = programme(60);
    const all = w.packets;
    const spliced = new TsWriter();
    spliced.packets = all.slice(0, 30);
    const edited = Buffer.concat(all.slice(40).map((p, i) => (i === 0 ? withDiscontinuity(p) : p)));
    const sig = (await structureOf(Buffer.concat([...spliced.packets, edited]))).s!;
    expect(sig.signalled).toBe(1);
    expect(codes(sig)).toEqual(['SIGNALLED_DISCONTINUITY']);
  });

  it('bytes removed other than whole packets: sync lost and regained, STRUCTURE_DAMAGED; a cut last packet, appended data and padding', async () => {
    const b = clip();
    const damaged = (await structureOf(Buffer.concat([b.subarray(0, 100 * 188 + 50), b.subarray(100 * 188 + 1050)]))).s!;
    expect(damaged.syncLost.count).toBe(1);
    // The packet at byte 18800 begins in step; the one after it does not.
    expect(damaged.syncLost.first).toBe(101 * 188);
    expect(codes(damaged)).toContain('STRUCTURE_DAMAGED');
    expect(flag(damaged, 'STRUCTURE_DAMAGED')!.message).toMatch(/packet sync is lost 1 time \(\d+ bytes between packets, first at byte 18988\)/);
    const cutShort = (await structureOf(b.subarray(0, b.length - 100))).s!;
    expect(cutShort.cutShort).toEqual({ present: 88, offset: b.length - 188 });
    expect(codes(cutShort)).toEqual(['REENCODED', 'TRUNCATED']);
    const jpeg = fs.readFileSync(fixture('camera.jpg'));
    const appended = (await structureOf(Buffer.concat([b, jpeg]))).s!;
    expect(appended.trailing).toMatchObject({ bytes: jpeg.length, looksLike: 'a JPEG picture' });
    expect(appendedOfTs(appended, b.length + jpeg.length)).toEqual({ offset: b.length, foundAs: 'a JPEG picture appended after the last packet' });
    expect(flag(appended, 'TRAILING_DATA')!.severity).toBe('warning');
    const padded = (await structureOf(Buffer.concat([b, Buffer.alloc(4096)]))).s!;
    expect(flag(padded, 'TRAILING_DATA')!.severity).toBe('info');
    expect(appendedOfTs(padded, b.length + 4096)).toBeNull();
  });

  it("M2TS: ffmpeg's 192-byte packets (arrival stamps that are no clock: not read as jumps); a recorder's stamps that skip: CLOCK_JUMP", async () => {
    const m2ts = path.join(dir, 'ff.m2ts');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', fixture('clip.m2t'), '-c', 'copy', '-f', 'mpegts', '-mpegts_m2ts_mode', '1', m2ts]);
    const s = (await readTsStructure(m2ts, fs.statSync(m2ts).size))!;
    expect(s.packetSize).toBe(192);
    expect(s.programs[0]!.registration).toBe('HDMV');
    expect(codes(s)).toEqual(['REENCODED']);
    expect(describeTsStructure(s).group.arrivalTimeStamps).toMatch(/do not follow a clock/);
    // A recorder's stamps: 50 ms per packet; 50 packets removed leave a 2.55 s step. No PCR here, so the stamps speak
    // (a step counts only where nearly all others are steady: hundreds of packets).
    const w = programme(400, { pcr: false });
    const whole = w.bytes(192, 0.05);
    const n = whole.length / 192;
    const removed = Buffer.concat([whole.subarray(0, 20 * 192), whole.subarray(70 * 192, n * 192)]);
    const r = (await structureOf(removed, 'rec.m2ts')).s!;
    expect(r.arrival).toMatchObject({ jumps: 1, first: 20 * 192 });
    expect(codes(r)).toEqual(['CLOCK_JUMP', 'CONTINUITY_ERRORS']);
    expect(flag(r, 'CLOCK_JUMP')!.message).toMatch(/arrival time stamps skip ahead by a second or more 1 time \(first at byte 3840\)/);
    expect(codes((await structureOf(whole, 'rec-whole.m2ts')).s!)).toEqual([]);
    // 204-byte packets (Reed-Solomon parity after each).
    const rs = (await structureOf(w.bytes(204))).s!;
    expect(rs.packetSize).toBe(204);
    expect(rs.packets).toBe(w.packets.length);
    expect(codes(rs)).toEqual([]);
  });

  it("an AVCHD camcorder's MDPM camera data: make, model, date, time code and GPS; 'HDMV' names the writer", async () => {
    const sei = mdpmSei([
      [0x13, [0x12, 0x30, 0x15, 0x10]],
      [0x18, [0x04, 0x20, 0x14, 0x07]],
      [0x19, [0x21, 0x10, 0x32, 0x07]],
      [0xb1, [0x4e, 0, 0, 0]],
      [0xb2, [0, 48, 0, 1]],
      [0xb3, [0, 0, 0, 1]],
      [0xb4, [0x0b, 0xb8, 0, 100]],
      [0xb5, [0x45, 0, 0, 0]],
      [0xb6, [0, 2, 0, 1]],
      [0xb7, [0, 17, 0, 1]],
      [0xb8, [0, 0, 0, 1]],
      [0xe0, [0x01, 0x08, 0x30, 0x01]],
      [0xe4, [0x48, 0x44, 0x52, 0x2d]],
      [0xe5, [0x43, 0x58, 0x34, 0x30]],
      [0xe6, [0x35, 0, 0, 0]],
    ]);
    // The escaping put 03 bytes in (00 00 00 01 of the rationals): the reader must take them out again.
    expect(sei.includes(Buffer.from([0, 0, 3]))).toBe(true);
    const access = Buffer.concat([Buffer.from([0, 0, 0, 1, 0x09, 0xf0]), sei, Buffer.from([0, 0, 0, 1, 0x65]), Buffer.alloc(200, 0x55)]);
    const w = programme(10, { pmtInfo: descriptor(0x05, Buffer.from('HDMV', 'latin1')), es: (i) => (i === 0 ? access : Buffer.alloc(300, 7)) });
    const s = (await structureOf(w.bytes(192, 0.0004), 'cam.mts')).s!;
    expect(s.mdpm).toEqual({ dateTimeOriginal: '2014-07-21 10:32:07 +02:00', timeCode: '10:15:30:12', gps: '48.008333, 2.283333', make: 'Sony', model: 'HDR-CX405' });
    const d = describeTsStructure(s);
    expect(Object.fromEntries(d.highlights.map((h) => [h.label, h.value]))).toMatchObject({
      'Written by': "a Blu-ray / AVCHD writer — the programme registers 'HDMV'",
      'Camera (AVCHD)': 'Sony HDR-CX405',
      'Recorded (AVCHD)': '2014-07-21 10:32:07 +02:00',
      'Location (AVCHD)': '48.008333, 2.283333',
    });
    expect(d.group['mdpm.make']).toBe('Sony');
    expect(d.group.program1).toBe("PMT 0x0100; clock on 0x1011; registered 'HDMV'; streams 0x1011 H.264 video, 0x1100 AC-3 audio (eng)");
    expect(codes(s)).toEqual([]);
  });

  it('readMdpm: tags out of order end the list; unknown makers by code; nothing without the UUID', () => {
    const body = (entries: [number, number[]][]) => mdpmSei(entries);
    expect(readMdpm(body([[0xe0, [0x77, 0x01, 0, 0]]]))).toEqual({ make: 'maker code 0x7701' });
    expect(readMdpm(body([[0xe0, [0x10, 0x11, 0, 0]], [0x18, [0, 0x20, 0x20, 0x01]], [0x19, [0x01, 0, 0, 0]]]))).toEqual({ make: 'Canon' });
    // Not BCD: no date.
    expect(readMdpm(body([[0x18, [0, 0x20, 0x2a, 0x01]], [0x19, [0x01, 0, 0, 0]]]))).toBeNull();
    expect(readMdpm(Buffer.from('no camera data here'))).toBeNull();
    expect(escapeRbsp(Buffer.from([0, 0, 1, 0, 0, 0]))).toEqual(Buffer.from([0, 0, 3, 1, 0, 0, 3, 0]));
  });

  it('programme changes, several programmes, scrambled packets, reception errors, duplicates, CRC failures, KLV metadata', async () => {
    const w = programme(20);
    w.table(0x100, pmt(1, 0x1011, [{ type: 0x1b, pid: 0x1011 }], { version: 1 }));
    for (let i = 0; i < 5; i++) w.pes(0x1011, Buffer.alloc(300, 1), 2 + i * 0.04, { pcr: 1.9 + i * 0.04 });
    const changed = (await structureOf(w.bytes())).s!;
    expect(codes(changed)).toEqual(['PROGRAM_CHANGED']);
    expect(flag(changed, 'PROGRAM_CHANGED')!.message).toMatch(/^Programme 1's stream list \(PMT\) changes at byte \d+:/);

    const multi = new TsWriter();
    multi.table(0, pat([
      [1, 0x100],
      [2, 0x200],
    ]));
    multi.table(0x100, pmt(1, 0x101, [{ type: 0x02, pid: 0x101 }]));
    multi.table(0x200, pmt(2, 0x201, [{ type: 0x15, pid: 0x202, descriptors: descriptor(0x05, Buffer.from('KLVA', 'latin1')) }]));
    multi.packet({ pid: 0x101, payload: Buffer.alloc(184, 1), scrambled: true });
    multi.packet({ pid: 0x101, payload: Buffer.alloc(184, 1), scrambled: true });
    multi.packet({ pid: 0x101, payload: Buffer.alloc(184, 1), cc: 1 }); // a duplicate: allowed once, not a break
    multi.packet({ pid: 0x202, payload: Buffer.alloc(184, 1) });
    multi.packet({ pid: 0x202, payload: Buffer.alloc(184, 1), transportError: true });
    multi.packet({ pid: 0x202, payload: Buffer.alloc(184, 1), cc: 2 });
    const m = (await structureOf(multi.bytes())).s!;
    expect(m.programs.map((p) => p.number)).toEqual([1, 2]);
    expect(m.scrambledPackets).toBe(2);
    expect(m.continuity.duplicates).toBe(1);
    expect(m.errorPackets).toBe(1);
    expect(codes(m)).toEqual(['CONTINUITY_ERRORS', 'MULTIPLE_PROGRAMS', 'RECEPTION_ERRORS', 'SCRAMBLED']);
    expect(flag(m, 'CONTINUITY_ERRORS')!.message).toMatch(/The receiver marked 1 packets as damaged/);
    expect(describeTsStructure(m).group.program2).toBe('PMT 0x0200; clock on 0x0201; streams 0x0202 KLV metadata (MISB telemetry)');

    // A broadcaster's service description: named, and no FFmpeg finding.
    const tv = programme(5);
    tv.table(0x11, sdt('BBC', 'BBC ONE HD'));
    const t = (await structureOf(tv.bytes())).s!;
    expect(t.service).toEqual({ provider: 'BBC', name: 'BBC ONE HD' });
    expect(describeTsStructure(t).highlights.find((h) => h.label === 'Service')!.value).toBe('BBC — BBC ONE HD');
    expect(codes(t)).toEqual([]);

    // A changed byte in the PMT: its CRC fails, the section is not read.
    const bad = programme(5);
    const pmtPacket = bad.packets[1]!;
    pmtPacket[4 + 1 + 13] = pmtPacket[4 + 1 + 13]! ^ 0x01;
    const c = (await structureOf(bad.bytes())).s!;
    expect(c.crcErrors).toBeGreaterThan(0);
    expect(c.programs[0]!.streams).toEqual([]);
    expect(flag(c, 'STRUCTURE_DAMAGED')!.message).toMatch(/table sections? fails? (its|their) CRC-32/);
  });

  it('the CRC matches the standard check value, as the test writer computes it', () => {
    const check = Buffer.from('123456789', 'latin1');
    expect(crc32Mpeg(check)).toBe(0x0376e6e7);
    expect(crc32(check)).toBe(0x0376e6e7);
    const sec = pat([[1, 0x100]]);
    expect(crc32Mpeg(sec)).toBe(0);
  });

  it('never throws on scribbled, cut or sync-less files; a flood of junk between packets is skipped in one pass; a cancelled read stops', async () => {
    const b = clip();
    for (let seed = 1; seed <= 12; seed++) {
      const x = Buffer.from(b);
      const r = seededBytes(seed, 400);
      for (let i = 0; i < 400; i += 4) x[(r[i]! * 65536 + r[i + 1]! * 256 + r[i + 2]!) % x.length] = r[i + 3]!;
      const s = (await structureOf(x)).s;
      if (s) expect(() => describeTsStructure(s)).not.toThrow();
    }
    for (const n of [1, 187, 188, 189, 377, 1000]) {
      const s = (await structureOf(b.subarray(0, n))).s;
      if (s) expect(() => describeTsStructure(s)).not.toThrow();
    }
    // 3 MiB of junk without a sync byte run between two halves.
    const junk = Buffer.alloc(3 * 1024 * 1024, 0x11);
    const s = (await structureOf(Buffer.concat([packets(b, 0, 200), junk, packets(b, 200)]))).s!;
    expect(s.syncLost).toEqual({ count: 1, skipped: junk.length, first: 200 * 188 });
    expect(s.packets).toBe(b.length / 188);
    // Adaptation fields longer than the packet.
    const w = programme(3);
    w.packets[3]![3] = (w.packets[3]![3]! & 0xcf) | 0x30;
    w.packets[3]![4] = 200;
    expect((await structureOf(w.bytes())).s!.badAdaptation).toBe(1);
    // Cancelled: the reader stops; the container reader answers null.
    const file = path.join(dir, 'c.ts');
    fs.writeFileSync(file, b);
    const ac = new AbortController();
    ac.abort();
    // (Small files are read in the first piece, before any check: a large one meets the signal.)
    const big = path.join(dir, 'big.ts');
    fs.writeFileSync(big, Buffer.concat(Array.from({ length: 60 }, () => b)));
    await expect(readTsStructure(big, fs.statSync(big).size, ac.signal)).rejects.toThrow();
    expect(await readContainerStructure(big, { kind: 'video', format: 'mpegts', sizeBytes: fs.statSync(big).size }, ac.signal)).toBeNull();
    expect(await readContainerStructure(file, { kind: 'video', format: 'mpegts', sizeBytes: b.length })).toMatchObject({ kind: 'ts' });
  });
});

/** A packet with the discontinuity indicator set in its adaptation field (which it must have). */
function withDiscontinuity(p: Buffer): Buffer {
  const q = Buffer.from(p);
  if (!(q[3]! & 0x20) || q[4] === 0) throw new Error('no adaptation field flags');
  q[5] = q[5]! | 0x80;
  return q;
}
