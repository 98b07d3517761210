import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFrames, probe } from '../../../src-main/core/media';
import type { FrameEntry } from '../../../src-main/core/media/sampling';
import { timelineFlags } from '../../../src-main/core/media/timeline-check';
import { fixture, testTools } from './helpers';

/** A frame index: `n` frames `step` s apart (times changed by `shift`), keyframes where `key(i)`. */
function index(n: number, step: number, key: (i: number) => boolean, shift: (i: number, t: number) => number = (_, t) => t): FrameEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const t = Math.round(shift(i, i * step) * 1e6) / 1e6;
    return { timeSec: t, ptsSec: t, key: key(i) };
  });
}
const codes = (f: { code: string }[]) => f.map((x) => x.code);

describe('timelineFlags', () => {
  it('says nothing about a regular stream, a phone-like jittery one, an x264-like one with scene cuts, or an all-intra one', () => {
    expect(timelineFlags(index(300, 1 / 30, (i) => i % 30 === 0), true)).toEqual([]);
    // Variable frame rate: intervals between 28 and 45 ms, one 120-ms hiccup.
    const jitter = [0.028, 0.033, 0.045, 0.031, 0.036];
    let t = 0;
    const vfr = index(400, 0, (i) => i % 60 === 0, (i) => (t += i === 200 ? 0.12 : jitter[i % 5]!));
    expect(timelineFlags(vfr, true)).toEqual([]);
    // Keyframes at irregular scene cuts: no fixed interval to be out of step with.
    const cuts = new Set([0, 37, 250, 301, 380, 630, 880, 911]);
    expect(timelineFlags(index(1000, 0.04, (i) => cuts.has(i)), true)).toEqual([]);
    expect(timelineFlags(index(100, 0.04, () => true), true)).toEqual([]);
    // Too few groups to tell an interval (FF++ c40: two keyframes in 13 s).
    expect(timelineFlags(index(330, 0.04, (i) => i % 100 === 0 || i === 250), true)).toEqual([]);
  });

  it('names jumps in time, shared times and a keyframe out of step', () => {
    const gap = timelineFlags(index(100, 0.04, (i) => i === 0, (i, t) => (i >= 50 ? t + 2 : t)), true);
    expect(gap).toEqual([
      {
        code: 'TIMESTAMP_GAP',
        severity: 'notice',
        message:
          "The video's timeline jumps by 2.04 s at 0:01.96 (after frame 49), where frames otherwise come every 0.040 s: frames were removed there, recordings were joined, or the recorder paused (screen recorders write no frame while the screen is still).",
      },
    ]);
    const twice = timelineFlags(index(200, 0.04, (i) => i === 0, (i, t) => t + (i >= 50 ? 1 : 0) + (i >= 150 ? 70 : 0)), true);
    expect(twice[0]!.message).toContain('jumps 2 times, by 1.04 s at 0:01.96 (after frame 49), by 70.04 s at 0:06.96 (after frame 149)');
    expect(codes(timelineFlags(index(50, 0.04, (i) => i === 0, (i, t) => (i === 10 || i === 20 ? t - 0.04 : t)), true))).toEqual(['TIMESTAMP_DUPLICATES']);
    // Keyframes every 25 frames; a 15-frame group where two recordings were joined.
    const joined = timelineFlags(index(140, 0.04, (i) => (i < 65 ? i % 25 === 0 : (i - 65) % 25 === 0)), true);
    expect(joined).toEqual([
      {
        code: 'GOP_BREAK',
        severity: 'notice',
        message:
          'Keyframes come every 25 frames, except the keyframe at 0:02.60 (frame 65), 15 frames after the one before: where a segment joined or cut without re-encoding would begin. An encoder also places one out of step at a scene change or when asked to.',
      },
    ]);
    // Without timestamps (raw elementary streams) times are made up: nothing is said.
    expect(timelineFlags(index(100, 0.04, (i) => i === 0, (i, t) => (i >= 50 ? t + 2 : t)), false)).toEqual([]);
  });
});

describe('timeline findings on files ffmpeg wrote', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-timeline-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ff = (...args: string[]) => execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args]);
  const fixed = ['-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', 'keyint=25:min-keyint=25:scenecut=0', '-pix_fmt', 'yuv420p'];
  const warnings = async (p: string) => {
    const tools = await testTools();
    const r = await extractFrames(p, await probe(p, tools), tools, { strategy: { kind: 'even', count: 4 }, maxSide: 64 });
    return r.sampling.warnings ?? [];
  };

  it('a gap in the timestamps and two recordings joined without re-encoding are named; the plain fixtures are not', async () => {
    const gap = path.join(dir, 'gap.mp4');
    ff('-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=4', '-vf', "setpts='if(gte(N,50),PTS+2/TB,PTS)'", '-fps_mode', 'passthrough', ...fixed, gap);
    expect((await warnings(gap)).find((w) => w.code === 'TIMESTAMP_GAP')?.message).toContain('jumps by 2.04 s at 0:01.96 (after frame 49)');

    const a = path.join(dir, 'a.mp4');
    const b = path.join(dir, 'b.mp4');
    ff('-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=2.6', ...fixed, a);
    ff('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=3', ...fixed, b);
    const list = path.join(dir, 'list.txt');
    fs.writeFileSync(list, `file '${a}'\nfile '${b}'\n`);
    const joined = path.join(dir, 'joined.mp4');
    ff('-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', joined);
    expect((await warnings(joined)).find((w) => w.code === 'GOP_BREAK')?.message).toContain('except the keyframe at 0:02.60 (frame 65), 15 frames after the one before');
    expect(codes(await warnings(a))).toEqual([]);

    for (const name of ['clip.mp4', 'clip.mkv', 'clip.webm', 'clip.avi', 'scenes.mp4', 'cut.mp4', 'trap.mp4']) expect(codes(await warnings(fixture(name))), name).toEqual([]);
  });
});
