import { describe, expect, it } from 'vitest';
import { decodeArgs, decoderErrorLines, FrameCollector, meanAbsDiff, outputSize, passthroughArgs } from '../../../src-main/core/media/frame-pipe';
import type { MediaInfo } from '../../../src-shared/domain/media';

describe('FrameCollector', () => {
  const stream = (frames: number, size: number) => Buffer.from(Array.from({ length: frames * size }, (_, i) => Math.floor(i / size) & 0xff));

  it('reassembles frames from chunks of any size, across boundaries', () => {
    for (const chunk of [1, 5, 6, 7, 13, 1000]) {
      const c = new FrameCollector(6, 10);
      const s = stream(4, 6);
      for (let o = 0; o < s.length; o += chunk) c.push(s.subarray(o, o + chunk));
      expect(c.frames.map((f) => [...f])).toEqual([0, 1, 2, 3].map((k) => Array(6).fill(k)));
      expect(c.partialBytes).toBe(0);
    }
  });

  it('reports an incomplete last frame and refuses more frames than requested', () => {
    const c = new FrameCollector(6, 2);
    c.push(stream(1, 6));
    c.push(Buffer.alloc(3));
    expect(c.frames).toHaveLength(1);
    expect(c.partialBytes).toBe(3);
    c.push(Buffer.alloc(3));
    expect(() => c.push(Buffer.alloc(1))).toThrow(/more than the 2 frames/);
  });

  it('streams frames without keeping them, the previous one intact', () => {
    const seen: number[] = [];
    let prev: Buffer | null = null;
    const c = new FrameCollector(4, 100, (f) => {
      if (prev) expect(prev[0]).toBe((f[0]! - 1) & 0xff);
      seen.push(f[0]!);
      prev = f;
    });
    c.push(stream(50, 4));
    expect(seen).toHaveLength(50);
    expect(c.frames).toHaveLength(0);
    expect(c.frameCount).toBe(50);
  });
});

describe('ffmpeg invocation', () => {
  const info = { width: 1920, height: 1080, videoStreamIndex: 1 } as MediaInfo;
  const tools = { ffmpeg: { path: '/usr/bin/ffmpeg', version: '5.1.9', source: 'path' as const }, ffprobe: { path: '/usr/bin/ffprobe', version: '5.1.9', source: 'path' as const } };

  it('fits the displayed picture inside maxSide without enlarging', () => {
    expect(outputSize({ width: 1920, height: 1080 }, 224)).toEqual({ width: 224, height: 126 });
    expect(outputSize({ width: 1080, height: 1920 }, 224)).toEqual({ width: 126, height: 224 });
    expect(outputSize({ width: 100, height: 50 }, 224)).toEqual({ width: 100, height: 50 });
    expect(outputSize({ width: 100, height: 50 })).toEqual({ width: 100, height: 50 });
  });

  it('names the input only as file:<absolute path>, never as an option, and keeps to the file protocol', () => {
    const args = decodeArgs('/cases/-i evil.mp4', info, tools, { width: 224, height: 126, maxFrames: 3, select: [1, 2, 9], what: 't' });
    expect(args).toContain('file:/cases/-i evil.mp4');
    expect(args).not.toContain('/cases/-i evil.mp4');
    expect(args.slice(args.indexOf('-protocol_whitelist'), args.indexOf('-protocol_whitelist') + 2)).toEqual(['-protocol_whitelist', 'file']);
    expect(args).toContain('0:1');
    const seek = decodeArgs('/cases/a.mp4', info, tools, { width: 224, height: 126, maxFrames: 2, seeksSec: [1.5, 3], what: 't' });
    expect(seek.filter((a) => a === 'file:/cases/a.mp4')).toHaveLength(2);
    expect(seek[seek.indexOf('-filter_complex') + 1]).toMatch(/concat=n=2/);
  });

  it('reads only the first bytes of a file with another appended: the subfile protocol over file:, nothing else', () => {
    const seek = decodeArgs('/cases/-i joined.mkv', info, tools, { width: 224, height: 126, maxFrames: 2, seeksSec: [1.5, 3], endByte: 183788, what: 't' });
    expect(seek.filter((a) => a === 'subfile,,start,0,end,183788,,:file:/cases/-i joined.mkv')).toHaveLength(2);
    expect(seek.filter((a) => a === '-protocol_whitelist').length).toBe(2);
    expect(seek[seek.indexOf('-protocol_whitelist') + 1]).toBe('subfile,file');
    const all = decodeArgs('/cases/joined.mkv', info, tools, { width: 224, height: 126, maxFrames: 3, select: [1], endByte: 10, what: 't' });
    expect(all).toContain('subfile,,start,0,end,10,,:file:/cases/joined.mkv');
  });

  it('uses -fps_mode from ffmpeg 5.1 and -vsync before', () => {
    expect(passthroughArgs('5.1.9-0+deb12u1')).toEqual(['-fps_mode', 'passthrough']);
    expect(passthroughArgs('4.4.2')).toEqual(['-vsync', 'passthrough']);
    expect(passthroughArgs('N-112345-g1234abcd')).toEqual(['-fps_mode', 'passthrough']);
  });

  it('picks decoder complaints out of stderr', () => {
    const err = '[h264 @ 0x55] error while decoding MB 20 0\n[mov,mp4 @ 0x1] stream 1, offset 0x30: partial file\nsomething else\n';
    expect(decoderErrorLines(err)).toEqual(['[h264 @ 0x55] error while decoding MB 20 0']);
  });

  it('measures picture difference', () => {
    expect(meanAbsDiff(Buffer.from([0, 10]), Buffer.from([10, 0]))).toBe(10);
    expect(meanAbsDiff(Buffer.from([1]), Buffer.from([1, 2]))).toBe(255);
  });
});
