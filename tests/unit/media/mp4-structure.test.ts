import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedOfMp4, describeMp4Structure, hiddenMedia, hiddenSpans, hiddenVideoOf, layoutText, readMp4Structure, writerOf, type Mp4Structure } from '../../../src-main/core/media/mp4-structure';
import { extractHiddenFrames } from '../../../src-main/core/media/frames';
import { readMetadata } from '../../../src-main/core/media/metadata';
import { extractFrames, probe } from '../../../src-main/core/media';
import { seededBytes } from '../../helpers/hostile-corpus';
import { box, elst, find, macSeconds, parseBoxes, serialise, setEdits, setTimes, timescale, tracks, xmpPacket, xmpUuidBox } from '../../helpers/mp4-boxes';
import { fixture, testTools } from './helpers';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-mp4-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Write bytes to a temp file and read its structure. */
async function structureOf(bytes: Buffer, name = `f${Math.random().toString(36).slice(2)}.mp4`): Promise<{ s: Mp4Structure | null; file: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { s: await readMp4Structure(file, bytes.length), file };
}

const codes = (s: Mp4Structure) => describeMp4Structure(s).flags.map((f) => f.code);

/** Share of a frame's pixels that are pure red (R > 200, G and B < 60). */
function redness(f: { data: Buffer }): number {
  let n = 0;
  for (let i = 0; i < f.data.length; i += 3) if (f.data[i]! > 200 && f.data[i + 1]! < 60 && f.data[i + 2]! < 60) n++;
  return n / (f.data.length / 3);
}

describe('MP4 structure: files as ffmpeg writes them', () => {
  it('reads the layout, brands, handlers and the start-up edit lists of a plain file, and flags nothing', async () => {
    const p = fixture('clip.mp4');
    const s = (await readMp4Structure(p, fs.statSync(p).size))!;
    expect(layoutText(s.layout)).toBe('ftyp · free · mdat · moov');
    expect(s.majorBrand).toBe('isom');
    expect(s.compatibleBrands).toEqual(['isom', 'iso2', 'avc1', 'mp41']);
    expect(s.tracks.map((t) => [t.id, t.handler, t.handlerName])).toEqual([
      [1, 'vide', 'VideoHandler'],
      [2, 'soun', 'SoundHandler'],
    ]);
    expect(writerOf(s)).toBe('FFmpeg (libavformat)');
    // B-frame delay and AAC priming: an edit list that skips a few hundredths of a second.
    expect(s.tracks[0]!.edits).toHaveLength(1);
    expect(s.tracks[0]!.hiddenSec!).toBeGreaterThan(0);
    expect(s.tracks[0]!.hiddenSec!).toBeLessThan(0.2);
    expect(s.tracks[0]!.mediaSec).toBeCloseTo(4, 1);
    expect(s.movie).toEqual({ created: null, modified: null, durationSec: 4 });
    expect(s.trailing).toBeNull();
    expect(s.cutShort).toBeNull();
    expect(codes(s)).toEqual([]);
    const d = describeMp4Structure(s);
    expect(d.highlights.map((h) => h.label)).toEqual(['Box layout', 'Brands', 'Written by']);
    expect(d.group.track1Edits).toMatch(/^1 edit: 4\.00 s from 0\.0\d s$/);
  });

  it('tells the index-first layout', async () => {
    const p = fixture('clip-faststart.mp4');
    expect(layoutText((await readMp4Structure(p, fs.statSync(p).size))!.layout)).toBe('ftyp · moov · free · mdat');
  });

  it('finds the media a cut without re-encoding leaves hidden, and the cut is not called truncation', async () => {
    const p = fixture('cut.mp4');
    const s = (await readMp4Structure(p, fs.statSync(p).size))!;
    const video = s.tracks[0]!;
    expect(video.mediaSec).toBeCloseTo(10, 1);
    expect(video.hiddenSec!).toBeCloseTo(3.2, 1);
    const flag = describeMp4Structure(s).flags.find((f) => f.code === 'HIDDEN_MEDIA')!;
    expect(flag.severity).toBe('warning');
    expect(flag.message).toMatch(/holds 3\.20 s of media that playback skips: its edit list plays 6\.80 s of 10\.0 s/);
    // The frames decoded are the played ones (170 of the 250 stored): not a damaged file.
    const tools = await testTools();
    const info = await probe(p, tools);
    expect(info.frameCount).toBe(250);
    const r = await extractFrames(p, info, tools, { strategy: { kind: 'even', count: 4 }, maxSide: 160 });
    expect(r.sampling.totalFrames).toBe(170);
    expect(r.sampling.warnings?.map((w) => w.code) ?? []).not.toContain('TRUNCATED');
    // The fixture's first 3.2 s are solid red: playback never shows them, the hidden-media frames are them.
    expect(r.frames.map(redness).every((x) => x < 0.5)).toBe(true);
    const hidden = hiddenVideoOf(s, info.videoStreamIndex)!;
    expect(hidden.spans).toEqual([[0, expect.closeTo(3.2, 3)]]);
    const h = await extractHiddenFrames(p, info, tools, hidden.spans, { count: 4, maxSide: 160 });
    expect(h.frames.map((f) => f.timeSec)).toEqual([0.4, 1.2, 2, 2.8].map((x) => expect.closeTo(x, 3)));
    expect(h.frames.map(redness).every((x) => x > 0.9)).toBe(true);
    expect(h.frames[0]!.width).toBe(160);
  });

  it('reports a file cut short inside its media data', async () => {
    const p = fixture('truncated-faststart.mp4');
    const s = (await readMp4Structure(p, fs.statSync(p).size))!;
    expect(s.cutShort).toMatchObject({ type: 'mdat', present: expect.any(Number) });
    expect(s.cutShort!.present).toBeLessThan(s.cutShort!.declared);
    expect(s.tracks).toHaveLength(2); // the index came first and is whole
    const flag = describeMp4Structure(s).flags.find((f) => f.code === 'TRUNCATED')!;
    expect(flag.message).toContain(`${s.cutShort!.present} of the ${s.cutShort!.declared} bytes`);
  });
});

describe('MP4 structure: edits made by box surgery', () => {
  const clip = () => parseBoxes(fs.readFileSync(fixture('clip.mp4')));

  it('counts separate segments and the media no segment plays', async () => {
    const file = clip();
    const video = tracks(file)[0]!;
    const mediaScale = timescale(find(find(video.children!, 'mdia').children!, 'mdhd'));
    const movieScale = timescale(find(find(file, 'moov').children!, 'mvhd'));
    // Plays 0–1 s, then 2.5–3.5 s: 1.5 s of the 4 s skipped in the middle, 0.5 s at the end.
    setEdits(video, elst([[movieScale, 0, 1], [movieScale, 2.5 * mediaScale, 1]]));
    const { s } = await structureOf(serialise(file));
    expect(s!.tracks[0]!.edits).toEqual([
      { segmentSec: 1, mediaStartSec: 0, rate: 1 },
      { segmentSec: 1, mediaStartSec: 2.5, rate: 1 },
    ]);
    expect(s!.tracks[0]!.hiddenSec).toBeCloseTo(2, 5);
    const d = describeMp4Structure(s!);
    expect(d.flags.map((f) => f.code)).toEqual(['HIDDEN_MEDIA', 'EDIT_LIST']);
    expect(d.flags[1]!.message).toContain('plays its media as 2 separate segments');
    expect(d.group.track1Hidden).toBe('2.00 s of media not played');
  });

  it('says when the movie was rewritten after it was recorded, and when a track is from another time', async () => {
    const file = clip();
    const moov = find(file, 'moov').children!;
    const t0 = macSeconds(Date.UTC(2024, 4, 1, 10, 0, 0) / 1000);
    setTimes(find(moov, 'mvhd'), t0, t0 + 2 * 86_400);
    setTimes(find(tracks(file)[0]!.children!, 'tkhd'), t0 - 3 * 3600, t0 - 3 * 3600);
    setTimes(find(tracks(file)[1]!.children!, 'tkhd'), t0, t0); // same as the movie: fine
    const { s } = await structureOf(serialise(file));
    expect(s!.movie!.created).toBe(Date.UTC(2024, 4, 1, 10, 0, 0));
    const d = describeMp4Structure(s!);
    expect(d.flags.map((f) => [f.code, f.severity])).toEqual([
      ['MODIFIED_AFTER_CAPTURE', 'notice'],
      ['DATE_MISMATCH', 'notice'],
    ]);
    expect(d.flags[0]!.message).toContain('modified 48 h after it was created (2024-05-01T10:00:00Z → 2024-05-03T10:00:00Z)');
    expect(d.flags[1]!.message).toBe('The video track (track 1) was created 3 h before the movie: its media may come from another recording.');
    expect(d.group.movieModified).toBe('2024-05-03T10:00:00Z');
  });

  it('accepts a recorder that stamps the modification when it stops, and flags a modification before creation', async () => {
    const file = clip();
    const mvhd = find(find(file, 'moov').children!, 'mvhd');
    const t0 = macSeconds(1_700_000_000);
    setTimes(mvhd, t0, t0 + 30); // a 4 s clip closed half a minute later
    expect(codes((await structureOf(serialise(file))).s!)).toEqual([]);
    setTimes(mvhd, t0, t0 - 3600);
    const { s } = await structureOf(serialise(file));
    expect(describeMp4Structure(s!).flags).toEqual([{ code: 'DATE_MISMATCH', severity: 'notice', message: "The movie header's modification time is 60 min before its creation time." }]);
  });

  it('reads XMP from a uuid box and from QuickTime udta/XMP_, and names the editor from the edit history', async () => {
    const file = clip();
    const moov = find(file, 'moov').children!;
    moov.push({ type: 'udta', children: [{ type: 'XMP_', payload: Buffer.from(xmpPacket('Adobe Premiere Pro 2024.0 (Windows)', ['Adobe Premiere Pro 2024.0 (Windows)']), 'utf8') }] });
    const { s: inUdta, file: p1 } = await structureOf(serialise(file));
    expect(inUdta!.xmp).toHaveLength(1);
    const tools = await testTools();
    const m1 = await readMetadata(p1, await probe(p1, tools));
    expect(m1.groups.xmp).toMatchObject({ CreatorTool: 'Adobe Premiere Pro 2024.0 (Windows)', DocumentID: 'xmp.did:0001', OriginalDocumentID: 'xmp.did:0000' });
    expect(m1.groups.xmp!.History).toBe('saved by Adobe Premiere Pro 2024.0 (Windows) at 2024-03-01T11:00:00Z');
    expect(m1.flags.find((f) => f.code === 'EDITING_SOFTWARE')?.message).toContain('Adobe Premiere Pro');
    expect(m1.highlights.find((h) => h.label === 'Software')?.value).toBe('Adobe Premiere Pro 2024.0 (Windows)');
    expect(m1.groups.structure!.xmpPackets).toBe('1');

    // A camera's creator tool, the editor only in the history, in a top-level uuid box after the movie box.
    const plain = fs.readFileSync(fixture('clip.mp4'));
    const p2 = path.join(dir, 'uuid-xmp.mp4');
    fs.writeFileSync(p2, Buffer.concat([plain, xmpUuidBox(xmpPacket('Sony ILCE-7M3', ['Sony ILCE-7M3', 'DaVinci Resolve 18.6']))]));
    const m2 = await readMetadata(p2, await probe(p2, tools));
    expect(m2.groups.structure!.layout).toBe('ftyp · free · mdat · moov · uuid');
    expect(m2.groups.xmp!.HistorySoftwareAgent).toBe('Sony ILCE-7M3; DaVinci Resolve 18.6');
    expect(m2.flags.find((f) => f.code === 'EDITING_SOFTWARE')?.message).toContain('DaVinci Resolve');
    expect(m2.highlights.find((h) => h.label === 'Edit history')?.value).toContain('saved by DaVinci Resolve 18.6');
  });

  it('reports bytes appended after the last box, and what they look like', async () => {
    const plain = fs.readFileSync(fixture('clip.mp4'));
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), seededBytes(3, 500)]);
    const { s, file } = await structureOf(Buffer.concat([plain, zip]));
    expect(s!.trailing).toEqual({ bytes: 504, allZero: false, looksLike: 'a ZIP archive' });
    const flag = describeMp4Structure(s!).flags.find((f) => f.code === 'TRAILING_DATA')!;
    expect(flag.severity).toBe('warning');
    expect(flag.message).toBe("504 bytes after the file's last box belong to no box and begin like a ZIP archive: data appended after the file was written, or a damaged end. Players ignore them.");
    // The file still plays: the metadata report carries the flag beside ffprobe's tags.
    const m = await readMetadata(file, await probe(file, await testTools()));
    expect(m.flags.map((f) => f.code)).toContain('TRAILING_DATA');

    const padded = (await structureOf(Buffer.concat([plain, Buffer.alloc(6)]))).s!;
    expect(padded.trailing).toEqual({ bytes: 6, allZero: true, looksLike: null });
    expect(describeMp4Structure(padded).flags).toEqual([{ code: 'TRAILING_DATA', severity: 'info', message: '6 zero bytes pad the file after its last box.' }]);
  });
});

describe('MP4 structure: damaged and hostile boxes', () => {
  it('is not read for files that do not begin with a box', async () => {
    expect((await structureOf(seededBytes(5, 4096))).s).toBeNull();
    expect((await structureOf(Buffer.alloc(0))).s).toBeNull();
    expect((await structureOf(Buffer.concat([box('abcd', Buffer.alloc(8)), Buffer.alloc(100)]))).s).toBeNull();
    await expect(readMp4Structure(path.join(dir, 'missing.mp4'), 10)).rejects.toThrow();
  });

  it('reads 64-bit sizes, a last box sized "to the end", version-1 headers and a lying edit count', async () => {
    const ftyp = box('ftyp', Buffer.from('qt  \0\0\0\0qt  ', 'latin1'));
    const mvhd = Buffer.alloc(108);
    mvhd[0] = 1;
    mvhd.writeBigUInt64BE(BigInt(macSeconds(1_600_000_000)), 4);
    mvhd.writeBigUInt64BE(BigInt(macSeconds(1_600_000_000)), 12);
    mvhd.writeUInt32BE(600, 20);
    mvhd.writeBigUInt64BE(6000n, 24);
    const lying = Buffer.alloc(8 + 12);
    lying.writeUInt32BE(0xffffffff, 4); // declares 4 billion entries, holds one
    lying.writeUInt32BE(600, 8);
    lying.writeInt16BE(1, 16);
    const trak = box('trak', [
      { type: 'edts', children: [{ type: 'elst', payload: lying }] },
      { type: 'mdia', children: [{ type: 'hdlr', payload: Buffer.concat([Buffer.from('\0\0\0\0mhlrvide', 'latin1'), Buffer.alloc(12), Buffer.from('\x10Core Media Video', 'latin1')]) }] },
    ]);
    const moov = box('moov', Buffer.concat([box('mvhd', mvhd), trak]));
    const big = Buffer.alloc(16 + 64);
    big.writeUInt32BE(1);
    big.write('wide', 4, 'latin1');
    big.writeBigUInt64BE(80n, 8);
    const last = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('mdat', 'latin1'), Buffer.alloc(300)]);
    const { s } = await structureOf(Buffer.concat([ftyp, big, moov, last]));
    expect(s!.layout.map((b) => [b.type, b.size])).toEqual([
      ['ftyp', 20],
      ['wide', 80],
      ['moov', moov.length],
      ['mdat', 308],
    ]);
    expect(s!.majorBrand).toBe('qt  ');
    expect(s!.movie).toEqual({ created: 1_600_000_000_000, modified: 1_600_000_000_000, durationSec: 10 });
    const t = s!.tracks[0]!;
    expect(t.handlerName).toBe('Core Media Video'); // QuickTime's counted string
    expect(writerOf(s!)).toBe('Apple Core Media (iPhone, iPad, Mac)');
    expect(t.edits).toHaveLength(1);
    expect(t.editsCut).toBe(true);
    expect(t.hiddenSec).toBeNull();
    expect(describeMp4Structure(s!).group.track1Edits).toBe('1+ edit: 1.00 s from 0.00 s');
  });

  it('a second MP4 appended after the first (cat a.mp4 b.mp4): APPENDED_FILE with where it begins; a video after the last box of a Matroska file alike', async () => {
    const clip = fs.readFileSync(fixture('clip.mp4'));
    const { s } = await structureOf(Buffer.concat([clip, fs.readFileSync(fixture('clip-faststart.mp4'))]));
    expect(s!.secondFileAt).toBe(clip.length);
    expect(appendedOfMp4(s!, 0)).toEqual({ offset: clip.length, foundAs: 'a second MP4/QuickTime file after the first one’s boxes' });
    expect(describeMp4Structure(s!).flags.find((f) => f.code === 'APPENDED_FILE')!.message).toContain(`A second MP4/QuickTime file begins at byte ${clip.length}`);
    // The second file's boxes say nothing about the first: its brands are not added to the first's.
    const mov = path.join(dir, 'second.mov');
    execFileSync((await testTools()).ffmpeg.path, ['-v', 'error', '-y', '-i', fixture('clip.mp4'), '-c', 'copy', '-f', 'mov', mov]);
    const withMov = await structureOf(Buffer.concat([clip, fs.readFileSync(mov)]));
    expect([withMov.s!.majorBrand, withMov.s!.compatibleBrands]).toEqual(['isom', ['isom', 'iso2', 'avc1', 'mp41']]);
    // Only one file: no second ftyp (the faststart layout has its movie box first).
    const fast = await structureOf(fs.readFileSync(fixture('clip-faststart.mp4')));
    expect(fast.s!.secondFileAt).toBeNull();
    // A Matroska file after the last box is trailing data that looks like a video.
    const mkv = fs.readFileSync(fixture('clip.mkv'));
    const both = Buffer.concat([clip, mkv]);
    const tail = await structureOf(both);
    expect(tail.s!.trailing).toMatchObject({ bytes: mkv.length, looksLike: 'a Matroska/WebM video' });
    expect(appendedOfMp4(tail.s!, both.length)).toEqual({ offset: clip.length, foundAs: 'a Matroska/WebM video appended after the last box' });
  });

  it('never throws on mangled movie boxes', async () => {
    const clip = fs.readFileSync(fixture('clip.mp4'));
    const moovAt = clip.lastIndexOf(Buffer.from('moov', 'latin1')) - 4;
    const noise = seededBytes(11, 200_000);
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(clip);
      // Scribble 1–8 bytes in the movie box (sizes, counts, versions, types).
      const n = 1 + (noise[i * 3]! % 8);
      for (let k = 0; k < n; k++) {
        const at = moovAt + ((noise.readUInt32BE(i * 37 + k * 4) % (clip.length - moovAt)) >>> 0);
        b[at] = noise[i * 41 + k]!;
      }
      const { s } = await structureOf(b, 'mangled.mp4');
      expect(s).not.toBeNull(); // the first boxes are intact
      const d = describeMp4Structure(s!);
      expect(typeof d.group.layout).toBe('string');
      for (const f of d.flags) expect(f.message.length).toBeLessThan(600);
      if (s!.tracks.length) read++;
    }
    expect(read).toBeGreaterThan(100);
  });

  it('leaves a movie box over the read limit unread and says so', async () => {
    const { MAX_MOOV_BYTES } = await import('../../../src-main/core/media/mp4-structure');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + MAX_MOOV_BYTES + 1);
    head.write('moov', 4, 'latin1');
    const file = path.join(dir, 'huge-moov.mp4');
    fs.writeFileSync(file, Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0', 'latin1')), head]));
    fs.truncateSync(file, 20 + 8 + MAX_MOOV_BYTES + 1); // sparse: the size is real, nothing is written
    const s = (await readMp4Structure(file, fs.statSync(file).size))!;
    expect(s.moovNotRead).toContain('over the');
    expect(s.tracks).toEqual([]);
    expect(describeMp4Structure(s).group.movieBox).toMatch(/^not read: its movie box is \d+ bytes/);
  });
});

describe('hiddenMedia and layoutText', () => {
  it('measures the union of the played spans, ignoring pauses and dwells', () => {
    expect(hiddenMedia([], 5)).toBe(5);
    expect(hiddenMedia([{ segmentSec: 5, mediaStartSec: 0, rate: 1 }], 5)).toBe(0);
    expect(hiddenMedia([{ segmentSec: 1, mediaStartSec: null, rate: 1 }, { segmentSec: 2, mediaStartSec: 1, rate: 1 }], 5)).toBe(3);
    // Overlapping and repeated segments count once; a dwell (rate 0) plays no media; spans past the end are clipped.
    expect(
      hiddenMedia(
        [
          { segmentSec: 2, mediaStartSec: 0, rate: 1 },
          { segmentSec: 2, mediaStartSec: 1, rate: 1 },
          { segmentSec: 3, mediaStartSec: 4, rate: 0 },
          { segmentSec: 9, mediaStartSec: 4.5, rate: 1 },
        ],
        5,
      ),
    ).toBeCloseTo(1.5, 10);
    expect(hiddenMedia([{ segmentSec: 1, mediaStartSec: 0, rate: 2 }], 5)).toBe(3);
    expect(hiddenSpans([{ segmentSec: 1, mediaStartSec: 1, rate: 1 }, { segmentSec: 1, mediaStartSec: 3, rate: 1 }], 5)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('folds repeated boxes and fragments', () => {
    const L = (...t: string[]) => t.map((type) => ({ type, size: 8 }));
    expect(layoutText(L('ftyp', 'moov', 'moof', 'mdat', 'moof', 'mdat', 'moof', 'mdat', 'mfra'))).toBe('ftyp · moov · (moof · mdat) ×3 · mfra');
    expect(layoutText(L('ftyp', 'free', 'free', 'mdat', 'moov'))).toBe('ftyp · free ×2 · mdat · moov');
    expect(layoutText(L('ftyp', 'moov', 'mdat'), true)).toBe('ftyp · moov · mdat · …');
  });
});
