/**
 * The container-structure readers (MP4 boxes, Matroska elements — as written and written live, with
 * unknown sizes — AVI chunks, MPEG-TS packets) and the picture-end walk, next to what the app runs on
 * the same file anyway: ffprobe's format and stream probe (videos) and a SHA-256 read of the file
 * (pictures, and the transport stream, which the reader walks whole).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readContainerStructure } from '../src-main/core/media/container-structure';
import { readPictureEnd } from '../src-main/core/media/picture-end';
import type { BenchContext, Figure } from './types';

type Ctx = Pick<BenchContext, 'cacheDir' | 'quick' | 'log' | 'time' | 'ffmpeg'>;

const vintLen = (first: number) => 8 - Math.floor(Math.log2(first));

/** A copy of a Matroska file with its segment's and clusters' sizes rewritten as unknown (as MediaRecorder writes them). */
function liveWritten(src: Buffer): Buffer {
  const b = Buffer.from(src);
  const unknown = (at: number) => {
    const idLen = vintLen(b[at]!);
    const s = at + idLen;
    const len = vintLen(b[s]!);
    b[s] = 0xff >> (len - 1);
    for (let i = 1; i < len; i++) b[s + i] = 0xff;
    return { start: s + len };
  };
  const ebmlSize = b[4]! & 0x7f; // ffmpeg writes a one-byte EBML header size
  const segAt = 5 + ebmlSize;
  const sizeAt = segAt + 4;
  const segLen = vintLen(b[sizeAt]!);
  let segSize = b[sizeAt]! & (0xff >> segLen);
  for (let i = 1; i < segLen; i++) segSize = segSize * 256 + b[sizeAt + i]!;
  const segEnd = sizeAt + segLen + segSize;
  let pos = sizeAt + segLen;
  while (pos < segEnd) {
    const idLen = vintLen(b[pos]!);
    const id = b.readUIntBE(pos, idLen);
    const s = pos + idLen;
    const len = vintLen(b[s]!);
    let size = b[s]! & (0xff >> len);
    for (let i = 1; i < len; i++) size = size * 256 + b[s + i]!;
    const next = s + len + size;
    if (id === 0x1f43b675) unknown(pos);
    pos = next;
  }
  unknown(segAt);
  return b;
}

export default {
  name: 'structure',
  description: 'container structure (MP4, Matroska, AVI, MPEG-TS) and picture-end reads, next to ffprobe and a full read',
  async run(ctx: Ctx): Promise<Figure[]> {
    const secs = ctx.quick ? 60 : 300;
    const mkv = path.join(ctx.cacheDir, `structure-${secs}s.mkv`);
    const files = { mkv, mp4: mkv.replace(/\.mkv$/, '.mp4'), avi: mkv.replace(/\.mkv$/, '.avi'), live: mkv.replace(/\.mkv$/, '-live.mkv'), ts: mkv.replace(/\.mkv$/, '.m2t') };
    if (!fs.existsSync(files.live)) {
      ctx.log(`generating ${secs}-s clips (MKV, MP4, AVI, live-written MKV)`);
      const ff = (...a: string[]) => execFileSync(ctx.ffmpeg, ['-v', 'error', '-y', ...a]);
      ff('-f', 'lavfi', '-i', `testsrc2=s=320x240:r=30:d=${secs}`, '-f', 'lavfi', '-i', `sine=d=${secs}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'libopus', mkv);
      ff('-i', mkv, '-c:v', 'copy', '-c:a', 'aac', files.mp4);
      ff('-i', mkv, '-c:v', 'copy', '-bsf:v', 'h264_mp4toannexb', '-c:a', 'pcm_s16le', files.avi);
      fs.writeFileSync(files.live, liveWritten(fs.readFileSync(mkv)));
    }
    if (!fs.existsSync(files.ts)) execFileSync(ctx.ffmpeg, ['-v', 'error', '-y', '-i', files.mp4, '-c', 'copy', '-f', 'mpegts', files.ts]);
    const jpeg = path.join(ctx.cacheDir, 'structure-12mp.jpg');
    if (!fs.existsSync(jpeg)) execFileSync(ctx.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=4000x3000', '-frames:v', '1', '-q:v', '3', jpeg]);
    const figures: Figure[] = [];
    for (const [name, file, format] of [
      ['MP4', files.mp4, 'mp4'],
      ['Matroska', files.mkv, 'matroska'],
      ['Matroska written live', files.live, 'matroska'],
      ['AVI', files.avi, 'avi'],
      ['MPEG-TS', files.ts, 'mpegts'],
    ] as const) {
      const sizeBytes = fs.statSync(file).size;
      const ours = await ctx.time(() => readContainerStructure(file, { kind: 'video', format, sizeBytes }));
      if (!ours.result) throw new Error(`no structure read from ${file}`);
      const base = await ctx.time(() => execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]));
      const label = `${name} (${secs} s, ${(sizeBytes / 1024 / 1024).toFixed(1)} MB)`;
      figures.push({ figure: `structure: ${label}`, value: Math.round(ours.medianMs * 10) / 10, unit: 'ms', compareTo: `ffprobe: ${label}` });
      figures.push({ figure: `ffprobe: ${label}`, value: Math.round(base.medianMs * 10) / 10, unit: 'ms', detail: 'baseline: the probe every video gets' });
      if (format === 'mpegts') {
        const whole = await ctx.time(() => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
        figures.push({ figure: `SHA-256 read: ${label}`, value: Math.round(whole.medianMs * 10) / 10, unit: 'ms', detail: 'baseline: one full read and digest (the packet walk reads the whole file too)' });
      }
    }
    const jpegBytes = fs.statSync(jpeg).size;
    const end = await ctx.time(() => readPictureEnd(jpeg, 'jpeg', jpegBytes));
    if (!end.result || end.result.cutShort) throw new Error('the picture-end walk did not find the JPEG end');
    const read = await ctx.time(() => crypto.createHash('sha256').update(fs.readFileSync(jpeg)).digest('hex'));
    const label = `12 MP JPEG (${(jpegBytes / 1024 / 1024).toFixed(1)} MB)`;
    figures.push({ figure: `picture end: ${label}`, value: Math.round(end.medianMs * 10) / 10, unit: 'ms', compareTo: `SHA-256 read: ${label}` });
    figures.push({ figure: `SHA-256 read: ${label}`, value: Math.round(read.medianMs * 10) / 10, unit: 'ms', detail: 'baseline: one full read and digest' });
    return figures;
  },
};
