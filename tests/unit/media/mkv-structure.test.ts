import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedOfMkv, describeMkvStructure, orderedChapterGaps, readMkvStructure, type MkvStructure } from '../../../src-main/core/media/mkv-structure';
import { readMetadata } from '../../../src-main/core/media/metadata';
import { extractFrames, probe } from '../../../src-main/core/media';
import { seededBytes } from '../../helpers/hostile-corpus';
import { appendToSegment, el, floatEl, IDS, insertInSegment, level1, replaceElement, segmentOf, strEl, uintEl, withSize } from '../../helpers/ebml';
import { fixture, testTools } from './helpers';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-mkv-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function structureOf(bytes: Buffer, name = `f${Math.random().toString(36).slice(2)}.mkv`): Promise<{ s: MkvStructure | null; file: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { s: await readMkvStructure(file, bytes.length), file };
}

const codes = (s: MkvStructure) => describeMkvStructure(s).flags.map((f) => f.code);
const flag = (s: MkvStructure, code: string) => describeMkvStructure(s).flags.find((f) => f.code === code);
const clip = () => fs.readFileSync(fixture('clip.mkv'));

/** A chapter atom: [start, end) in seconds, optionally disabled or played from another segment. */
function chapter(start: number, end: number, opts: { title?: string; enabled?: boolean; segment?: Buffer } = {}): Buffer {
  return el(
    IDS.ChapterAtom,
    uintEl(IDS.ChapterTimeStart, BigInt(Math.round(start * 1e9))),
    uintEl(IDS.ChapterTimeEnd, BigInt(Math.round(end * 1e9))),
    ...(opts.enabled === false ? [uintEl(IDS.ChapterFlagEnabled, 0)] : []),
    ...(opts.segment ? [el(IDS.ChapterSegmentUUID, opts.segment)] : []),
    ...(opts.title ? [el(IDS.ChapterDisplay, strEl(IDS.ChapString, opts.title))] : []),
  );
}

const edition = (flags: { ordered?: boolean; isDefault?: boolean }, ...chapters: Buffer[]): Buffer =>
  el(IDS.EditionEntry, ...(flags.ordered ? [uintEl(IDS.EditionFlagOrdered, 1)] : []), ...(flags.isDefault ? [uintEl(IDS.EditionFlagDefault, 1)] : []), ...chapters);

const attachment = (name: string, type: string, data: Buffer): Buffer =>
  el(IDS.AttachedFile, strEl(IDS.FileName, name), strEl(IDS.FileMediaType, type), el(IDS.FileData, data), uintEl(IDS.FileUID, 7));

/** A small Matroska file from scratch: EBML header, a segment of the given level-1 elements. */
function synthetic(...level1Elements: Buffer[]): Buffer {
  return Buffer.concat([el(IDS.EBML, strEl(IDS.DocType, 'matroska')), el(IDS.Segment, ...level1Elements)]);
}

describe('Matroska structure: files as ffmpeg writes them', () => {
  it('reads the layout, applications, tracks, checksums and index of a plain file, and flags nothing', async () => {
    const p = fixture('clip.mkv');
    const s = (await readMkvStructure(p, fs.statSync(p).size))!;
    expect(s.docType).toBe('matroska');
    expect(s.segments).toHaveLength(1);
    const seg = s.segments[0]!;
    expect(seg.layout).toEqual(['SeekHead', 'Void', 'Info', 'Tracks', 'Tags', 'Cluster', 'Cluster', 'Cluster', 'Cluster', 'Cues']);
    expect(seg.info).toMatchObject({ muxingApp: expect.stringMatching(/^Lavf/), writingApp: expect.stringMatching(/^Lavf/), date: null });
    expect(seg.info!.durationSec).toBeCloseTo(4, 1);
    expect(seg.tracks.map((t) => [t.number, t.kind, t.codecId])).toEqual([
      [1, 'video', 'V_MPEG4/ISO/AVC'],
      [2, 'audio', 'A_AAC'],
    ]);
    // ffmpeg writes a CRC-32 into each level-1 metadata element; all match.
    expect(seg.crcChecked).toEqual(['SeekHead', 'Info', 'Tracks', 'Tags', 'Cues']);
    expect(seg.crcBad).toEqual([]);
    expect([seg.seekEntries, seg.seekBad, seg.cuePositions, seg.cueBad]).toEqual([4, [], 4, 0]);
    expect(s.trailing).toBeNull();
    expect(s.cutShort).toBeNull();
    expect(codes(s)).toEqual([]);
    const d = describeMkvStructure(s);
    expect(d.highlights.map((h) => h.label)).toEqual(['DocType', 'Element layout', 'Written by']);
    expect(d.group.layout).toBe('EBML · Segment [SeekHead · Void · Info · Tracks · Tags · Cluster ×4 · Cues]');
    expect(d.group.crc32).toBe('checked for SeekHead, Info, Tracks, Tags, Cues: all match');
    expect(d.group.index).toBe('SeekHead 4 entries, Cues 4 cluster positions');
  });

  it('reads WebM alike', async () => {
    const p = fixture('clip.webm');
    const s = (await readMkvStructure(p, fs.statSync(p).size))!;
    expect(s.docType).toBe('webm');
    expect(s.segments[0]!.tracks.map((t) => t.codecId)).toEqual(['V_VP8']);
    expect(codes(s)).toEqual([]);
  });

  it('is null for files that are not EBML', async () => {
    expect((await structureOf(fs.readFileSync(fixture('clip.mp4')))).s).toBeNull();
    expect((await structureOf(Buffer.alloc(0))).s).toBeNull();
    expect((await structureOf(Buffer.from([0x1a, 0x45, 0xdf]))).s).toBeNull();
  });
});

describe('Matroska structure: what edits leave', () => {
  it('ordered chapters that skip parts of the media: HIDDEN_MEDIA with the spans players skip', async () => {
    const b = appendToSegment(clip(), el(IDS.Chapters, edition({ ordered: true, isDefault: true }, chapter(0, 1, { title: 'A' }), chapter(2.5, 4.023, { title: 'B' }))));
    const { s } = await structureOf(b);
    const gaps = orderedChapterGaps(s!.segments[0]!)!;
    expect(gaps.spans).toEqual([[1, 2.5]]);
    expect(gaps.hiddenSec).toBeCloseTo(1.5, 6);
    const f = flag(s!, 'HIDDEN_MEDIA')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('play 2.52 s of the 4.02 s stored');
    expect(f.message).toContain('skip 1.00–2.50 s');
    expect(describeMkvStructure(s!).group.edition1).toBe('ordered, default: 2 chapters — "A" 0.00 s–1.00 s; "B" 2.50 s–4.02 s');
    // Appended after the index: the index still fits; a Chapters element after the clusters is what an editor leaves.
    expect(codes(s!)).toEqual(['HIDDEN_MEDIA', 'REWRITTEN_IN_PLACE']);
  });

  it('plain chapters, disabled chapters and editions players do not play', async () => {
    const plain = await structureOf(appendToSegment(clip(), el(IDS.Chapters, edition({}, chapter(0, 1), chapter(3, 4)))));
    expect(orderedChapterGaps(plain.s!.segments[0]!)).toBeNull();
    expect(codes(plain.s!)).toEqual(['REWRITTEN_IN_PLACE']);
    // A disabled chapter is not played.
    const disabled = await structureOf(appendToSegment(clip(), el(IDS.Chapters, edition({ ordered: true }, chapter(0, 2), chapter(2, 4.023, { enabled: false })))));
    expect(orderedChapterGaps(disabled.s!.segments[0]!)!.spans).toEqual([[2, 4.023]]);
    // Players play the default edition: here the plain second one, so nothing is skipped.
    const second = await structureOf(appendToSegment(clip(), el(IDS.Chapters, edition({ ordered: true }, chapter(0, 1)), edition({ isDefault: true }, chapter(0, 4)))));
    expect(orderedChapterGaps(second.s!.segments[0]!)).toBeNull();
    // Under half a second skipped is not reported.
    const small = await structureOf(appendToSegment(clip(), el(IDS.Chapters, edition({ ordered: true }, chapter(0, 3.8)))));
    expect(codes(small.s!)).not.toContain('HIDDEN_MEDIA');
  });

  it('chapters that play from another file: LINKED_SEGMENTS', async () => {
    const other = Buffer.alloc(16, 0x42);
    const { s } = await structureOf(appendToSegment(clip(), el(IDS.Chapters, edition({ ordered: true }, chapter(0, 4.023), chapter(0, 10, { segment: other })))));
    expect(orderedChapterGaps(s!.segments[0]!)).toMatchObject({ hiddenSec: 0, foreign: 1 });
    expect(flag(s!, 'LINKED_SEGMENTS')!.message).toContain('1 of its chapters play from other Matroska files');
  });

  it('attached files: fonts are info, anything else a warning with what it looks like', async () => {
    const fonts = await structureOf(appendToSegment(clip(), el(IDS.Attachments, attachment('DejaVuSans.ttf', 'application/x-truetype-font', Buffer.alloc(300)))));
    expect(flag(fonts.s!, 'ATTACHED_FILES')!.severity).toBe('info');
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(500)]);
    const { s } = await structureOf(
      appendToSegment(clip(), el(IDS.Attachments, attachment('DejaVuSans.ttf', 'font/ttf', Buffer.alloc(300)), attachment('notes.dat', 'application/octet-stream', zip))),
    );
    expect(s!.segments[0]!.attachments.map((a) => [a.name, a.bytes, a.looksLike])).toEqual([
      ['DejaVuSans.ttf', 300, null],
      ['notes.dat', 504, 'a ZIP archive'],
    ]);
    const f = flag(s!, 'ATTACHED_FILES')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('1 attached file other than fonts and cover art: "notes.dat" (application/octet-stream, 504 bytes, a ZIP archive)');
    expect(describeMkvStructure(s!).group.attachment2).toBe('notes.dat (application/octet-stream, 504 bytes, begins like a ZIP archive)');
  });

  it('an Info element changed without its checksum: CRC_MISMATCH', async () => {
    const b = clip();
    const info = level1(b).find((x) => x.id === IDS.Info)!;
    const at = b.indexOf(Buffer.from('Lavf', 'latin1'), info.start);
    b.write('Lavg', at, 'latin1');
    const { s } = await structureOf(b);
    expect(s!.segments[0]!.crcBad).toEqual(['Info']);
    expect(flag(s!, 'CRC_MISMATCH')!.message).toContain('of its Info element does not match');
  });

  it('an Info element rewritten whole (writing application, muxing date): read, and the editor named by the metadata report', async () => {
    const b = clip();
    const info = level1(b).find((x) => x.id === IDS.Info)!;
    const date = BigInt(Date.UTC(2024, 4, 1, 10, 20, 30) - Date.UTC(2001, 0, 1)) * 1_000_000n;
    const next = el(IDS.Info, uintEl(IDS.TimestampScale, 1_000_000), strEl(IDS.MuxingApp, 'Lavf'), strEl(IDS.WritingApp, 'HandBrake 1.6'), floatEl(IDS.Duration, 4023), el(IDS.DateUTC, Buffer.from(date.toString(16).padStart(16, '0'), 'hex')));
    const { s, file } = await structureOf(replaceElement(b, info, next));
    expect(s!.segments[0]!.info).toMatchObject({ writingApp: 'HandBrake 1.6', date: Date.UTC(2024, 4, 1, 10, 20, 30), durationSec: 4.023 });
    expect(s!.segments[0]!.crcChecked).not.toContain('Info');
    expect(codes(s!)).toEqual([]);
    const m = await readMetadata(file, await probe(file, await testTools()));
    expect(m.groups.structure!.writingApp).toBe('HandBrake 1.6');
    expect(m.groups.structure!.muxed).toBe('2024-05-01T10:20:30Z');
    expect(m.flags.find((f) => f.code === 'EDITING_SOFTWARE')!.message).toContain('HandBrake 1.6');
  });

  it('bytes inserted before the clusters: the index no longer fits (INDEX_MISMATCH), and the file still plays', async () => {
    const b = clip();
    const firstCluster = level1(b).find((x) => x.id === IDS.Cluster)!;
    const { s, file } = await structureOf(insertInSegment(b, firstCluster.at, Buffer.from([IDS.Void, 0x88, 0, 0, 0, 0, 0, 0, 0, 0])));
    const seg = s!.segments[0]!;
    expect(seg.layout).toEqual(['SeekHead', 'Void', 'Info', 'Tracks', 'Tags', 'Void', 'Cluster', 'Cluster', 'Cluster', 'Cluster', 'Cues']);
    expect(seg.seekBad).toEqual(['Cues']);
    expect(seg.cueBad).toBe(4);
    expect(flag(s!, 'INDEX_MISMATCH')!.message).toContain('1 of 4 SeekHead entries (Cues) and 4 of 4 Cues positions point where no such element begins');
    const info = await probe(file, await testTools());
    expect(info.durationSec).toBeCloseTo(4, 0);
  });

  it("a second file after the first: EXTRA_SEGMENTS with where it begins; the probe reports the first file's duration", async () => {
    const first = clip();
    const webm = fs.readFileSync(fixture('clip.webm'));
    const { s, file } = await structureOf(Buffer.concat([first, webm]));
    expect(s!.segments.map((x) => x.offset)).toEqual([40, first.length + 36]);
    expect(s!.segments[1]!.tracks.map((t) => t.codecId)).toEqual(['V_VP8']);
    expect(flag(s!, 'EXTRA_SEGMENTS')!.message).toContain(`from byte ${first.length}.`);
    // (ffmpeg's WebM: a 36-byte EBML header, then the segment's 12-byte header.)
    expect(describeMkvStructure(s!).group.segment2).toMatch(new RegExp(`^at byte ${first.length + 36}, ${webm.length - 48} bytes, written by Lavf[\\d.]+, 1\\.00 s$`));
    const info = await probe(file, await testTools());
    expect(info.durationSec).toBeCloseTo(4, 0);
  });

  it('a second segment without an EBML header of its own begins where the segment does', async () => {
    const first = clip();
    const { s, file } = await structureOf(Buffer.concat([first, Buffer.from([0x18, 0x53, 0x80, 0x67, 0x80])]));
    expect(s!.segments.map((x) => [x.offset, x.fileOffset])).toEqual([
      [40, 0],
      [first.length, first.length],
    ]);
    expect(appendedOfMkv(s!, first.length + 5)).toEqual({ offset: first.length, foundAs: 'a second Matroska file after the first segment' });
    // The file's own frames are read from its first bytes, and they are all there.
    const tools = await testTools();
    const info = await probe(file, tools);
    const { frames } = await extractFrames(file, info, tools, { strategy: { kind: 'even', count: 4 }, endByte: first.length });
    expect(frames).toHaveLength(4);
  });

  it('appended bytes: TRAILING_DATA, sniffed; zero padding is info', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), seededBytes(3, 700)]);
    const { s } = await structureOf(Buffer.concat([clip(), zip]));
    expect(s!.trailing).toEqual({ bytes: 704, allZero: false, looksLike: 'a ZIP archive' });
    expect(flag(s!, 'TRAILING_DATA')!.severity).toBe('warning');
    const zeros = await structureOf(Buffer.concat([clip(), Buffer.from([0x00]), Buffer.alloc(99)]));
    expect(flag(zeros.s!, 'TRAILING_DATA')!.severity).toBe('info');
  });

  it('a file cut short: TRUNCATED names the element it ends in', async () => {
    const b = clip();
    const { s } = await structureOf(b.subarray(0, Math.floor(b.length / 2)));
    expect(s!.cutShort).toMatchObject({ element: 'Segment', present: Math.floor(b.length / 2) - 40 });
    expect(flag(s!, 'TRUNCATED')!.message).toContain('ends inside its Segment element');
    // No index check on a segment that was not walked to its end.
    expect(s!.segments[0]!.cuePositions).toBe(0);
    const header = await structureOf(b.subarray(0, 30));
    expect(header.s!.cutShort).toMatchObject({ element: 'EBML header' });
  });
});

describe('Matroska structure: live-written files and synthetic layouts', () => {
  it('a segment and clusters of unknown size (as MediaRecorder writes): walked to the end, LIVE_RECORDING only', async () => {
    let b: Buffer = clip();
    for (const c of level1(b).filter((x) => x.id === IDS.Cluster)) b = withSize(b, c, null);
    b = withSize(b, segmentOf(b), null);
    const { s } = await structureOf(b);
    const seg = s!.segments[0]!;
    expect(seg.declaredBytes).toBeNull();
    expect(seg.liveClusters).toBe(4);
    expect(seg.layout).toEqual(['SeekHead', 'Void', 'Info', 'Tracks', 'Tags', 'Cluster', 'Cluster', 'Cluster', 'Cluster', 'Cues']);
    expect([seg.seekBad, seg.cueBad]).toEqual([[], 0]);
    expect(codes(s!)).toEqual(['LIVE_RECORDING']);
    expect(describeMkvStructure(s!).group.writtenLive).toBe("the segment's size is unknown, 4 clusters of unknown size");
    // Bytes after a live segment are not taken for its elements.
    const tail = await structureOf(Buffer.concat([b, Buffer.from('%PDF-1.7 trailing', 'latin1')]));
    expect(tail.s!.segments[0]!.layout).toHaveLength(10);
    expect(tail.s!.trailing).toMatchObject({ bytes: 17, looksLike: 'a PDF document' });
  });

  it('two video tracks, one disabled: MULTIPLE_VIDEO_TRACKS', async () => {
    const track = (n: number, enabled: boolean) => el(IDS.TrackEntry, uintEl(IDS.TrackNumber, n), uintEl(IDS.TrackType, 1), strEl(IDS.CodecID, 'V_VP9'), ...(enabled ? [] : [uintEl(IDS.FlagEnabled, 0)]));
    const { s } = await structureOf(synthetic(el(IDS.Tracks, track(1, true), track(2, false)), el(IDS.Cluster, uintEl(IDS.Timestamp, 0))));
    expect(s!.segments[0]!.tracks.map((t) => [t.number, t.enabled])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(flag(s!, 'MULTIPLE_VIDEO_TRACKS')!.message).toContain('2 video tracks (track 1; track 2, disabled)');
    const one = await structureOf(synthetic(el(IDS.Tracks, track(1, false))));
    expect(codes(one.s!)).toEqual(['TRACK_DISABLED']);
  });

  it('a segment whose declared size runs past a damaged element: STRUCTURE_DAMAGED', async () => {
    const inner = Buffer.concat([el(IDS.Info, strEl(IDS.WritingApp, 'x')), Buffer.from([0x00, 0x00, 0x00, 0x00])]);
    const b = Buffer.concat([el(IDS.EBML, strEl(IDS.DocType, 'webm')), el(IDS.Segment, inner)]);
    const { s } = await structureOf(b);
    expect(s!.segments[0]!.damagedAt).toBe(b.length - 4);
    expect(codes(s!)).toEqual(['STRUCTURE_DAMAGED']);
  });

  it('never throws on scribbled or cut files', async () => {
    const base = clip();
    const noise = seededBytes(17, 400_000);
    let withInfo = 0;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(base);
      // Scribble 1–8 bytes in the first 2 KiB (headers, sizes, metadata) or anywhere, then maybe cut.
      const n = 1 + (noise[i * 3]! % 8);
      const span = i % 2 ? 2048 : b.length;
      for (let k = 0; k < n; k++) b[40 + (noise.readUInt32BE(i * 37 + k * 4) % span)] = noise[i * 41 + k]!;
      const cut = i % 5 === 0 ? b.subarray(0, 40 + (noise.readUInt32BE(i * 13 + 7) % (b.length - 40))) : b;
      const { s } = await structureOf(cut, 'mangled.mkv');
      if (!s) continue;
      const d = describeMkvStructure(s);
      expect(typeof d.group.layout).toBe('string');
      for (const f of d.flags) expect(f.message.length).toBeLessThan(700);
      if (s.segments[0]?.info) withInfo++;
    }
    expect(withInfo).toBeGreaterThan(100);
    // Random bytes after a valid EBML header.
    for (let i = 0; i < 50; i++) {
      const { s } = await structureOf(Buffer.concat([base.subarray(0, 40), seededBytes(100 + i, 3000)]), 'noise.mkv');
      expect(s).not.toBeNull();
      describeMkvStructure(s!);
    }
  });
});

describe('Matroska structure: metadata rewritten in place', () => {
  const lavfInfo = (app = 'Lavf60.16.100') => el(IDS.Info, strEl(IDS.MuxingApp, app), strEl(IDS.WritingApp, app));
  const seekHead = el(0x114d9b74);
  const tracks = el(IDS.Tracks, el(IDS.TrackEntry, uintEl(IDS.TrackNumber, 1), uintEl(IDS.TrackType, 1)));
  const cluster = el(IDS.Cluster, uintEl(IDS.Timestamp, 0));
  const voidEl = Buffer.from([IDS.Void, 0x85, 0, 0, 0, 0, 0]);

  it('Info moved after the clusters', async () => {
    const b = clip();
    const info = level1(b).find((x) => x.id === IDS.Info)!;
    const moved = appendToSegment(replaceElement(b, info, Buffer.alloc(0)), b.subarray(info.at, info.end));
    const { s } = await structureOf(moved);
    expect(s!.segments[0]!.layout.slice(-3)).toEqual(['Cluster', 'Cues', 'Info']);
    expect(flag(s!, 'REWRITTEN_IN_PLACE')!.message).toContain('(Info after the clusters)');
    // Its SeekHead entry was not updated here (mkvpropedit does update it).
    expect(s!.segments[0]!.seekBad).toEqual(['Info']);
  });

  it("an element in the room FFmpeg and mkvmerge leave after their SeekHead; other writers' layouts are not judged", async () => {
    const roomed = async (...els: Buffer[]) => (await structureOf(synthetic(...els))).s!;
    expect(flag(await roomed(seekHead, lavfInfo(), voidEl, tracks, cluster), 'REWRITTEN_IN_PLACE')!.message).toContain('(Info written into the room Lavf60.16.100 leaves empty after its SeekHead)');
    expect(flag(await roomed(seekHead, voidEl, tracks, voidEl, lavfInfo(), cluster), 'REWRITTEN_IN_PLACE')!.message).toContain('(Tracks written into the room');
    // As the writers lay files out: the room first (or none left when every SeekHead entry is used).
    expect(codes(await roomed(seekHead, voidEl, lavfInfo(), tracks, cluster))).toEqual([]);
    expect(codes(await roomed(seekHead, lavfInfo(), tracks, cluster))).toEqual([]);
    // A writer whose layout is not known: not judged.
    expect(codes(await roomed(seekHead, lavfInfo('Chrome'), voidEl, tracks, cluster))).toEqual([]);
  });
});

/** Run an MKVToolNix program (Debian: mkvtoolnix). */
function mkvtool(program: 'mkvmerge' | 'mkvpropedit', args: string[]): void {
  const r = spawnSync(program, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${program} (apt-get install mkvtoolnix): ${r.error.message}`);
  // mkvmerge exits 1 on warnings.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${program} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
}

describe('Matroska structure: files as MKVToolNix writes and edits them', () => {
  const ordered = `<?xml version="1.0"?><Chapters><EditionEntry><EditionFlagOrdered>1</EditionFlagOrdered><EditionFlagDefault>1</EditionFlagDefault>
<ChapterAtom><ChapterTimeStart>00:00:00.000</ChapterTimeStart><ChapterTimeEnd>00:00:01.500</ChapterTimeEnd></ChapterAtom>
<ChapterAtom><ChapterTimeStart>00:00:03.000</ChapterTimeStart><ChapterTimeEnd>00:00:04.000</ChapterTimeEnd></ChapterAtom></EditionEntry></Chapters>`;
  const read = async (file: string) => (await readMkvStructure(file, fs.statSync(file).size))!;

  it('mkvmerge: its layout, writer and muxing date; ordered chapters as it writes them; a split into linked parts', async () => {
    const out = path.join(dir, 'merged.mkv');
    mkvtool('mkvmerge', ['-q', '-o', out, fixture('clip.mkv')]);
    const s = await read(out);
    expect(s.segments[0]!.layout.slice(0, 4)).toEqual(['SeekHead', 'Void', 'Info', 'Tracks']);
    expect(s.segments[0]!.info!.writingApp).toMatch(/^mkvmerge v/);
    expect(s.segments[0]!.info!.date).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(codes(s)).toEqual([]);
    const xml = path.join(dir, 'ordered.xml');
    fs.writeFileSync(xml, ordered);
    const withChapters = path.join(dir, 'ordered.mkv');
    mkvtool('mkvmerge', ['-q', '-o', withChapters, '--chapters', xml, fixture('clip.mkv')]);
    const o = await read(withChapters);
    expect(codes(o)).toEqual(['HIDDEN_MEDIA']);
    expect(flag(o, 'HIDDEN_MEDIA')!.message).toContain('skip 1.50–3.00 s');
    mkvtool('mkvmerge', ['-q', '-o', path.join(dir, 'part.mkv'), '--split', '2s', '--link', fixture('clip.mkv')]);
    expect(codes(await read(path.join(dir, 'part-002.mkv')))).toEqual(['LINKED_SEGMENTS']);
  });

  it('mkvpropedit: a new title or date, a renamed track, an added attachment — each leaves REWRITTEN_IN_PLACE, on FFmpeg and mkvmerge files alike', async () => {
    const merged = path.join(dir, 'merged-src.mkv');
    mkvtool('mkvmerge', ['-q', '-o', merged, fixture('clip.mkv')]);
    const note = path.join(dir, 'note.txt');
    fs.writeFileSync(note, 'hello');
    const edits: [string[], string[]][] = [
      [['--edit', 'info', '--set', 'title=Edited'], ['REWRITTEN_IN_PLACE']],
      [['--edit', 'info', '--set', 'date=2020-01-01T00:00:00Z'], ['REWRITTEN_IN_PLACE']],
      [['--edit', 'track:v1', '--set', 'name=Camera'], ['REWRITTEN_IN_PLACE']],
      [['--add-attachment', note], ['ATTACHED_FILES', 'REWRITTEN_IN_PLACE']],
    ];
    for (const src of [fixture('clip.mkv'), merged]) {
      for (const [args, expected] of edits) {
        const f = path.join(dir, 'edited.mkv');
        fs.copyFileSync(src, f);
        mkvtool('mkvpropedit', ['-q', f, ...args]);
        // mkvpropedit keeps the index right and the original writing application.
        expect(codes(await read(f)), `${path.basename(src)} ${args.join(' ')}`).toEqual(expected);
      }
    }
  });
});

describe('Matroska structure in the metadata report', () => {
  it("reports the structure group and highlights, and reads Matroska's upper-case tags (ENCODER)", async () => {
    const p = fixture('clip.mkv');
    const m = await readMetadata(p, await probe(p, await testTools()));
    expect(m.groups.structure!.layout).toContain('Cluster ×4');
    expect(m.highlights.map((h) => h.label)).toEqual(expect.arrayContaining(['DocType', 'Element layout', 'Written by']));
    // ffmpeg's Matroska muxer tags the container ENCODER=Lavf…: the re-muxing notice was missed before.
    expect(m.flags.find((f) => f.code === 'REENCODED' && f.message.includes('libavformat'))).toBeDefined();
    expect(m.highlights.find((h) => h.label === 'Encoder')!.value).toMatch(/^Lav[cf]/);
  });

  it('puts an ordered-chapters warning first', async () => {
    const { file } = await structureOf(appendToSegment(clip(), el(IDS.Chapters, edition({ ordered: true }, chapter(0, 1)))));
    const m = await readMetadata(file, await probe(file, await testTools()));
    expect(m.flags[0]!.code).toBe('HIDDEN_MEDIA');
  });
});
