import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendedOfAvi, describeAviStructure, readAviStructure, type AviStructure } from '../../../src-main/core/media/avi-structure';
import { readMetadata } from '../../../src-main/core/media/metadata';
import { probe } from '../../../src-main/core/media';
import { seededBytes } from '../../helpers/hostile-corpus';
import { chunk, findChunk, parseRiff, writeRiff } from '../../helpers/riff';
import { fixture, testTools } from './helpers';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-avi-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function structureOf(bytes: Buffer, name = `f${Math.random().toString(36).slice(2)}.avi`): Promise<{ s: AviStructure | null; file: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { s: await readAviStructure(file, bytes.length), file };
}

const codes = (s: AviStructure) => describeAviStructure(s).flags.map((f) => f.code);
const clip = () => fs.readFileSync(fixture('clip.avi'));

describe('AVI structure', () => {
  it('reads the layout, streams, INFO software and index of a plain file, and flags nothing', async () => {
    const p = fixture('clip.avi');
    const s = (await readAviStructure(p, fs.statSync(p).size))!;
    expect(s.layout).toEqual(['RIFF AVI [hdrl · INFO · JUNK · movi · idx1]']);
    expect(s.info.ISFT).toMatch(/^Lavf/);
    expect(s.streams).toEqual([{ type: 'vids', handler: 'FMP4', name: null, makerData: null }]);
    expect(s.headerFrames).toBe(50);
    expect(s.index).toEqual({ entries: 50, videoEntries: 50, checked: 50, bad: 0 });
    expect(codes(s)).toEqual([]);
    const d = describeAviStructure(s);
    expect(d.highlights.map((h) => h.label)).toEqual(['Chunk layout', 'Written by']);
    expect(d.group.index).toBe('idx1: 50 entries (50 video); 50 checked, all point at their chunks');
    expect((await structureOf(fs.readFileSync(fixture('clip.mp4')))).s).toBeNull();
    expect((await structureOf(Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'))).s).toBeNull();
  });

  it("a camera's date and maker data (IDIT, strd) and an editor in INFO: read, and the editor flagged by the metadata report", async () => {
    const tree = parseRiff(clip());
    const hdrl = findChunk(tree, 'hdrl')!;
    findChunk(hdrl.children!, 'strl')!.children!.push({ id: 'strd', payload: Buffer.from('\0\0\0\0NIKON E5700 Ver1.0\0\0', 'latin1') });
    hdrl.children!.push({ id: 'IDIT', payload: Buffer.from('THU OCT 26 16:46:04 2006\n\0', 'latin1') });
    const info = findChunk(tree, 'INFO')!;
    info.children = [{ id: 'ISFT', payload: Buffer.from('Adobe Premiere Pro 2.0\0', 'latin1') }];
    const { s, file } = await structureOf(Buffer.concat(tree.map(writeRiff)));
    expect(s!.idit).toBe('THU OCT 26 16:46:04 2006');
    expect(s!.streams[0]!.makerData).toBe('NIKON E5700 Ver1.0');
    // Chunks added before 'movi' leave the index right: its offsets are relative to the list.
    expect(s!.index!.bad).toBe(0);
    const d = describeAviStructure(s!);
    expect(d.group.dateTimeOriginal).toBe('THU OCT 26 16:46:04 2006');
    expect(d.highlights.find((h) => h.label === 'Maker data')!.value).toBe('NIKON E5700 Ver1.0');
    const m = await readMetadata(file, await probe(file, await testTools()));
    expect(m.groups.structure!.software).toBe('Adobe Premiere Pro 2.0');
    expect(m.flags.find((f) => f.code === 'EDITING_SOFTWARE')!.message).toContain('Adobe Premiere Pro 2.0');
  });

  it('media chunks moved after the index was written: INDEX_MISMATCH; a header frame count that disagrees: FRAME_COUNT_MISMATCH', async () => {
    const tree = parseRiff(clip());
    const riff = tree[0]!;
    const movi = riff.children!.find((c) => c.id === 'LIST' && c.payload?.toString('latin1', 0, 4) === 'movi')!;
    movi.payload = Buffer.concat([movi.payload!.subarray(0, 4), chunk('JUNK', Buffer.alloc(8)), movi.payload!.subarray(4)]);
    const { s } = await structureOf(Buffer.concat(tree.map(writeRiff)));
    expect(s!.index).toMatchObject({ checked: 50, bad: 50 });
    expect(describeAviStructure(s!).flags.find((f) => f.code === 'INDEX_MISMATCH')!.message).toContain('50 of 50 entries');
    const b = clip();
    const avih = b.indexOf(Buffer.from('avih', 'latin1'));
    b.writeUInt32LE(40, avih + 8 + 16);
    const frames = await structureOf(b);
    expect(codes(frames.s!)).toEqual(['FRAME_COUNT_MISMATCH']);
    expect(describeAviStructure(frames.s!).flags[0]!.message).toContain('declares 40 frames but the index lists 50');
  });

  it('a second AVI after the first, appended bytes and a picture after the last chunk, a file cut short', async () => {
    const first = clip();
    const two = await structureOf(Buffer.concat([first, first]));
    expect(two.s!.secondFileAt).toBe(first.length);
    expect(codes(two.s!)).toEqual(['APPENDED_FILE']);
    expect(appendedOfAvi(two.s!, first.length * 2)).toEqual({ offset: first.length, foundAs: 'a second AVI file after the first' });
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200)]);
    const pic = await structureOf(Buffer.concat([first, jpeg]));
    expect(appendedOfAvi(pic.s!, first.length + jpeg.length)).toEqual({ offset: first.length, foundAs: 'a JPEG picture appended after the last chunk' });
    expect(describeAviStructure(pic.s!).flags[0]).toMatchObject({ code: 'TRAILING_DATA', severity: 'warning' });
    const cut = await structureOf(first.subarray(0, Math.floor(first.length / 2)));
    expect(cut.s!.cutShort).toMatchObject({ chunk: "RIFF 'AVI'", declared: first.length });
    expect(codes(cut.s!)).toEqual(['TRUNCATED']);
    expect(cut.s!.index).toBeNull();
  });

  it('placeholder sizes (0xFFFFFFFF, as ffmpeg leaves them writing to a pipe) run to the end of the file; a flood of empty RIFF forms stops at 1,000', async () => {
    const piped = execFileSync((await testTools()).ffmpeg.path, ['-v', 'error', '-i', fixture('clip.avi'), '-c', 'copy', '-f', 'avi', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
    expect(piped.readUInt32LE(4)).toBe(0xffffffff);
    const { s } = await structureOf(piped);
    expect(s!.cutShort).toBeNull();
    expect(codes(s!)).not.toContain('TRUNCATED');
    expect(s!.streams.map((x) => x.type)).toEqual(['vids']);
    const empty = Buffer.from('RIFF\x04\0\0\0AVIX', 'latin1');
    const flood = await structureOf(Buffer.concat([clip(), ...Array.from({ length: 3000 }, () => empty)]));
    expect(flood.s!.layoutCut).toBe(true);
    expect(flood.s!.layout).toHaveLength(1000);
    expect(describeAviStructure(flood.s!).group.layout!.length).toBeLessThanOrEqual(2000);
  });

  it('never throws on scribbled or cut files', async () => {
    const base = clip();
    const noise = seededBytes(23, 400_000);
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(base);
      const n = 1 + (noise[i * 3]! % 8);
      const span = i % 2 ? 4096 : b.length - 12;
      for (let k = 0; k < n; k++) b[12 + (noise.readUInt32BE(i * 37 + k * 4) % span)] = noise[i * 41 + k]!;
      const cut = i % 5 === 0 ? b.subarray(0, 12 + (noise.readUInt32BE(i * 13 + 7) % (b.length - 12))) : b;
      const { s } = await structureOf(cut, 'mangled.avi');
      expect(s).not.toBeNull();
      const d = describeAviStructure(s!);
      for (const f of d.flags) expect(f.message.length).toBeLessThan(700);
      if (s!.streams.length) read++;
    }
    expect(read).toBeGreaterThan(100);
  });
});
