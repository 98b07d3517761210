/**
 * What a video's frame index says about its timeline, from the packets' presentation times and
 * keyframe flags that the frame index already reads (no decoding): jumps in time where frames are
 * missing, frames that share a time, and a keyframe out of step in a stream whose encoder places
 * them at a fixed interval — where a segment joined or cut without re-encoding begins.
 */
import type { MetadataFlag } from '../../../src-shared/domain/media';
import type { FrameEntry } from './sampling';

/** A jump counts when it is at least this long (s) and … */
export const GAP_MIN_SEC = 0.5;
/** … at least this many times the stream's median frame interval. */
export const GAP_FACTOR = 5;
/** Whole groups of pictures (keyframe to keyframe) needed before their lengths say anything. */
const MIN_GOPS = 4;
/** The common group length must cover this share of the groups to call the encoder's interval fixed. */
const FIXED_SHARE = 0.75;
/** Shorter common groups are not a fixed interval worth reading (all-intra and near all-intra streams). */
const MIN_GOP_FRAMES = 10;
/** At most this many places are named in a message. */
const NAMED = 3;

function clock(t: number): string {
  const m = Math.floor(t / 60);
  const s = t - m * 60;
  return `${m}:${s.toFixed(2).padStart(5, '0')}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** The timeline's findings for a frame index in presentation order (parsePacketCsv); none without real timestamps. */
export function timelineFlags(frames: readonly FrameEntry[], timestamps: boolean): MetadataFlag[] {
  if (!timestamps || frames.length < 3) return [];
  const flags: MetadataFlag[] = [];
  const steps = frames.slice(1).map((f, i) => f.timeSec - frames[i]!.timeSec);
  const typical = median(steps.filter((d) => d > 0));
  if (typical > 0) {
    const gaps = steps.map((d, i) => ({ d, i })).filter(({ d }) => d >= Math.max(GAP_MIN_SEC, GAP_FACTOR * typical));
    if (gaps.length) {
      const named = gaps
        .slice(0, NAMED)
        .map(({ d, i }) => `by ${d.toFixed(2)} s at ${clock(frames[i]!.timeSec)} (after frame ${i})`)
        .join(', ');
      flags.push({
        code: 'TIMESTAMP_GAP',
        severity: 'notice',
        message:
          `The video's timeline jumps ${gaps.length === 1 ? '' : `${gaps.length} times, `}${named}${gaps.length > NAMED ? ', …' : ''}, where frames otherwise come every ${typical.toFixed(3)} s: ` +
          'frames were removed there, recordings were joined, or the recorder paused (screen recorders write no frame while the screen is still).',
      });
    }
  }
  const same = steps.filter((d) => d === 0).length;
  if (same >= 2) {
    flags.push({ code: 'TIMESTAMP_DUPLICATES', severity: 'notice', message: `${same} frames share their presentation time with the frame before: a damaged or hand-assembled stream (players show only one of each pair).` });
  }
  const keys = frames.flatMap((f, i) => (f.key ? [i] : []));
  const gops = keys.slice(1).map((k, j) => ({ len: k - keys[j]!, at: k }));
  if (gops.length >= MIN_GOPS) {
    const counts = new Map<number, number>();
    for (const g of gops) counts.set(g.len, (counts.get(g.len) ?? 0) + 1);
    const [fixed, n] = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    // The first group is left out: an encoder may open a stream its own way, and nothing is joined before it.
    const odd = gops.slice(1).filter((g) => g.len !== fixed);
    if (fixed >= MIN_GOP_FRAMES && n / gops.length >= FIXED_SHARE && odd.length > 0 && odd.length <= 2) {
      const named = odd.map((g) => `at ${clock(frames[g.at]!.timeSec)} (frame ${g.at}), ${g.len} frames after the one before`).join(', and ');
      flags.push({
        code: 'GOP_BREAK',
        severity: 'notice',
        message:
          `Keyframes come every ${fixed} frames, except the keyframe${odd.length > 1 ? 's' : ''} ${named}: where a segment joined or cut without re-encoding would begin. ` +
          'An encoder also places one out of step at a scene change or when asked to.',
      });
    }
  }
  return flags;
}
