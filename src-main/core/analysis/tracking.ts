/**
 * Follow faces across sampled frames. Frames are often seconds apart, so overlap alone is
 * not enough: a detection joins the track whose last box it overlaps, or whose centre is
 * within half a face of it at a similar size. Greedy assignment, best match first.
 */
import type { FaceBox } from '../../../src-shared/domain/detection';
import { iou } from './face-detect';

export interface TrackedFace {
  trackId: number;
  frameIndex: number;
  box: FaceBox;
}

interface OpenTrack {
  id: number;
  last: FaceBox;
  lastFrame: number;
}

/** Similarity of a detection to a track's last box: higher is better, 0 means no match. */
export function matchScore(a: FaceBox, b: FaceBox): number {
  const o = iou(a, b);
  if (o >= 0.2) return 1 + o;
  const size = Math.max(a.w, a.h, b.w, b.h);
  const dist = Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2));
  const ratio = (a.w * a.h) / Math.max(1e-6, b.w * b.h);
  if (dist < 0.5 * size && ratio > 0.5 && ratio < 2) return 1 - dist / size;
  return 0;
}

/** Incremental tracker: feed each frame's detections in time order. */
export class FaceTracker {
  private readonly open: OpenTrack[] = [];
  private nextId = 1;

  /** maxGap: how many sampled frames a face may be missing before its track closes. */
  constructor(private readonly maxGap = 2) {}

  /** Assign this frame's boxes to tracks (new ones when nothing matches). */
  update(frameIndex: number, boxes: FaceBox[]): TrackedFace[] {
    for (let i = this.open.length - 1; i >= 0; i--) {
      if (frameIndex - this.open[i]!.lastFrame > this.maxGap + 1) this.open.splice(i, 1);
    }
    const pairs: { t: number; b: number; s: number }[] = [];
    this.open.forEach((t, ti) => boxes.forEach((b, bi) => {
      const s = matchScore(t.last, b);
      if (s > 0) pairs.push({ t: ti, b: bi, s });
    }));
    pairs.sort((p, q) => q.s - p.s);
    const usedT = new Set<number>();
    const assigned = new Map<number, number>();
    for (const p of pairs) {
      if (usedT.has(p.t) || assigned.has(p.b)) continue;
      usedT.add(p.t);
      assigned.set(p.b, p.t);
    }
    return boxes.map((box, bi) => {
      const ti = assigned.get(bi);
      let track: OpenTrack;
      if (ti === undefined) {
        track = { id: this.nextId++, last: box, lastFrame: frameIndex };
        this.open.push(track);
      } else {
        track = this.open[ti]!;
        track.last = box;
        track.lastFrame = frameIndex;
      }
      return { trackId: track.id, frameIndex, box };
    });
  }
}
