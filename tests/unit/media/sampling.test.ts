import { describe, expect, it } from 'vitest';
import { keyBefore, parsePacketCsv, pickScenes, planIndices, preferSeek, spread, type FrameEntry } from '../../../src-main/core/media/sampling';

/** n frames at fps with a keyframe every gop frames. */
function frames(n: number, fps = 25, gop = 25): FrameEntry[] {
  return Array.from({ length: n }, (_, i) => ({ timeSec: i / fps, ptsSec: i / fps, key: i % gop === 0 }));
}

describe('parsePacketCsv', () => {
  it('orders packets by presentation time, keeps key flags, drops discarded packets and reads the start', () => {
    const csv = ['packet,0.000000,-0.080000,K_', 'packet,0.160000,-0.040000,__', 'packet,0.080000,0.000000,__', 'packet,0.040000,0.040000,_D', 'packet,N/A,0.120000,__', 'format,0.000000', ''].join('\n');
    const r = parsePacketCsv(csv);
    expect(r.frames.map((f) => f.timeSec)).toEqual([0, 0.08, 0.12, 0.16]);
    expect(r.frames.map((f) => f.key)).toEqual([true, false, false, false]);
    expect(r.formatStart).toBe(0);
  });
  it('makes times relative to the first frame when the stream starts late', () => {
    const r = parsePacketCsv('packet,1.500000,1.500000,K_\npacket,1.540000,1.540000,__\nformat,1.400000\n');
    expect(r.frames.map((f) => f.timeSec)).toEqual([0, 0.04]);
    expect(r.frames[0]!.ptsSec).toBe(1.5);
    expect(r.formatStart).toBe(1.4);
  });
  it('times frames of a raw stream without timestamps from the frame rate', () => {
    const r = parsePacketCsv('packet,N/A,N/A,K_\npacket,N/A,N/A,__\npacket,N/A,N/A,__\n', 25);
    expect(r.timestamps).toBe(false);
    expect(r.frames.map((f) => [f.timeSec, f.key])).toEqual([[0, true], [0.04, false], [0.08, false]]);
    expect(parsePacketCsv('packet,0.1,0.1,K_\n').timestamps).toBe(true);
  });
  it('ignores garbage lines', () => {
    expect(parsePacketCsv('nonsense\npacket,abc,def,K\n').frames).toEqual([]);
  });
});

describe('planIndices', () => {
  const f = frames(100);
  it('even: centres of equal segments, capped by the frame limit and the frame count', () => {
    expect(planIndices(f, { kind: 'even', count: 4 }, 256)).toEqual([12, 37, 62, 87]);
    expect(planIndices(f, { kind: 'even', count: 50 }, 10)).toHaveLength(10);
    expect(planIndices(frames(3), { kind: 'even', count: 16 }, 256)).toEqual([0, 1, 2]);
    expect(planIndices([], { kind: 'even', count: 4 }, 256)).toEqual([]);
  });
  it('rate: one frame per period at its exact index, spread when over the maximum', () => {
    expect(planIndices(f, { kind: 'rate', fps: 1, max: 100 }, 256)).toEqual([0, 25, 50, 75]);
    expect(planIndices(f, { kind: 'rate', fps: 5, max: 100 }, 256)).toHaveLength(20);
    const capped = planIndices(f, { kind: 'rate', fps: 25, max: 10 }, 256);
    expect(capped).toHaveLength(10);
    expect(capped[capped.length - 1]).toBeGreaterThan(80); // spread over the whole video, not the first 10
  });
  it('keyframes: the key-flagged frames', () => {
    expect(planIndices(f, { kind: 'keyframes', max: 10 }, 256)).toEqual([0, 25, 50, 75]);
    expect(planIndices(f, { kind: 'keyframes', max: 2 }, 256)).toEqual([25, 75]);
  });
  it('scene needs pictures, not the index', () => {
    expect(() => planIndices(f, { kind: 'scene', threshold: 0.3, max: 8 }, 256)).toThrow();
  });
});

describe('seek planning', () => {
  it('finds the keyframe a seek starts from', () => {
    const f = frames(100);
    expect(keyBefore(f, 0)).toBe(0);
    expect(keyBefore(f, 24)).toBe(0);
    expect(keyBefore(f, 25)).toBe(25);
    expect(keyBefore(f, 99)).toBe(75);
  });
  it('seeks for a few frames of a long video and decodes short ones from the start', () => {
    expect(preferSeek(frames(10_000, 25, 50), [500, 3000, 6000, 9000], 50)).toBe(true);
    expect(preferSeek(frames(100, 25, 25), [12, 37, 62, 87], 50)).toBe(false);
    // Every frame wanted: sequential.
    const all = Array.from({ length: 200 }, (_, i) => i);
    expect(preferSeek(frames(200, 25, 50), all, 50)).toBe(false);
    // One GOP for the whole file: a seek decodes as much as a sequential pass.
    expect(preferSeek(frames(1000, 25, 100_000), [900], 50)).toBe(false);
  });
  it('spreads picks evenly without duplicates', () => {
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([2, 6, 9]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
    expect(spread([1, 2], 0)).toEqual([]);
  });
});

describe('pickScenes', () => {
  it('keeps frame 0 and the strongest changes above the threshold, in order', () => {
    const scores = [1, 0.01, 0.02, 0.5, 0.01, 0.9, 0.01, 0.35];
    expect(pickScenes(scores, 0.3, 8)).toEqual([0, 3, 5, 7]);
    expect(pickScenes(scores, 0.3, 3)).toEqual([0, 3, 5]);
    expect(pickScenes(scores, 0.95, 8)).toEqual([0]);
    expect(pickScenes([], 0.3, 8)).toEqual([]);
  });
});

describe('selectExpr', () => {
  it('merges runs and nests sums so ffmpeg can parse hundreds of frames', async () => {
    const { selectExpr } = await import('../../../src-main/core/media/frame-pipe');
    expect(selectExpr([5])).toBe('eq(n\\,5)');
    expect(selectExpr([3, 1, 2, 7])).toBe('(between(n\\,1\\,3)+eq(n\\,7))');
    expect(selectExpr([])).toBe('0');
    const sparse = selectExpr(Array.from({ length: 256 }, (_, i) => i * 3));
    // Nesting depth grows with log2 of the terms, not with their number.
    let depth = 0;
    let max = 0;
    for (const c of sparse) {
      if (c === '(') max = Math.max(max, ++depth);
      if (c === ')') depth--;
    }
    expect(max).toBeLessThanOrEqual(10);
  });
});
