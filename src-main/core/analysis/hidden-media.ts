/**
 * The part of a video that its edit list hides (an MP4/QuickTime file cut without re-encoding keeps
 * the cut-away frames; mp4-structure.ts finds them): a few of its frames decoded with the edit list
 * ignored, run through the same models as the played frames, apart from them, with a picture of each
 * for the record. The hidden part does not vote in the file's probability — nobody who plays the
 * file sees it — but a hidden part in the manipulated band keeps the file out of the authentic band.
 */
import { hiddenSpansText, type AnalysisWarning, type HiddenFrame, type HiddenMediaCheck, type Verdict } from '../../../src-shared/domain/detection';
import type { MediaInfo } from '../../../src-shared/domain/media';
import type { ModelThresholds } from '../../../src-shared/domain/models';
import { extractHiddenFrames, MAX_HIDDEN_FRAMES, type ExtractedFrame } from '../media/frames';
import type { HiddenVideo } from '../media/mp4-structure';
import type { ResolvedTools } from '../media/tools';
import { pct } from './aggregate';
import { bandOf } from './calibration';
import { bandColor } from './evidence';
import { runPipeline, type PipelineModels, type PipelineResult } from './pipeline';
import { drawBoxes, encodeJpeg, shrink } from './render';
import type { ArtifactOut, CancelCheck } from './types';

/** Hidden spans kept in the record (an edit list may list thousands; the total is kept whole). */
const MAX_SPANS_KEPT = 1000;

/** Longest side of the stored picture of a frame analysed apart. */
const PICTURE_PX = 480;

const secs = (x: number) => `${x.toFixed(2)} s`;

/** As many hidden frames as the played part got per second of it, at least 2, at most MAX_HIDDEN_FRAMES. */
export function hiddenFrameCount(playedFrames: number, playedSec: number | null, hiddenSec: number): number {
  const density = playedSec && playedSec > 0 ? playedFrames / playedSec : playedFrames;
  return Math.max(2, Math.min(MAX_HIDDEN_FRAMES, Math.round(density * hiddenSec)));
}

/**
 * Frames run through the models apart from the file's own (hidden by the edit list, or of an appended
 * file): a picture of each with its faces boxed in their bands' colours (artifacts `<prefix>-k`), and
 * what the models read there.
 */
export async function picturedApart(
  extracted: readonly ExtractedFrame[],
  r: PipelineResult,
  prefix: string,
  noteOf: (f: ExtractedFrame) => string,
): Promise<{ frames: HiddenFrame[]; artifacts: ArtifactOut[] }> {
  const thresholds = r.verdict.thresholds;
  const artifacts: ArtifactOut[] = [];
  const frames: HiddenFrame[] = [];
  for (const [k, f] of extracted.entries()) {
    const result = r.frames[k];
    const obs = r.faceTracks.flatMap((t) => t.observations.filter((o) => o.frameIndex === f.index && o.timeSec === f.timeSec));
    const small = await shrink(f, PICTURE_PX);
    const s = small.width / f.width;
    const boxed = drawBoxes(
      small,
      obs.map((o) => ({ box: { ...o.box, x: o.box.x * s, y: o.box.y * s, w: o.box.w * s, h: o.box.h * s }, color: bandColor(bandOf(o.probability, thresholds)) })),
    );
    const key = `${prefix}-${k}`;
    artifacts.push({ ref: { key, kind: 'hidden', mime: 'image/jpeg', width: boxed.width, height: boxed.height, frameIndex: f.index, note: noteOf(f) }, data: await encodeJpeg(boxed) });
    const probability = result?.probability ?? null;
    frames.push({ mediaSec: Math.round(f.timeSec * 1000) / 1000, faceCount: result?.faceCount ?? 0, probability, band: bandOf(probability, thresholds), artifact: key });
  }
  return { frames, artifacts };
}

/** Decode, score and picture the hidden part of a video (see the module comment). */
export async function analyseHiddenMedia(a: {
  path: string;
  media: MediaInfo;
  tools: ResolvedTools;
  hidden: HiddenVideo;
  /** Frames sampled from the played part (for the same density). */
  playedFrames: number;
  models: PipelineModels;
  thresholds: ModelThresholds | null;
  maxSide: number;
  signal?: AbortSignal;
  check: CancelCheck;
}): Promise<{ check: HiddenMediaCheck; artifacts: ArtifactOut[] }> {
  const { hidden } = a;
  const base = {
    trackId: hidden.trackId,
    spans: hidden.spans.slice(0, MAX_SPANS_KEPT).map(([startSec, endSec]) => ({ startSec, endSec })),
    hiddenSec: hidden.hiddenSec,
    mediaSec: hidden.mediaSec,
  };
  const count = hiddenFrameCount(a.playedFrames, a.media.durationSec, hidden.hiddenSec);
  let extracted: Awaited<ReturnType<typeof extractHiddenFrames>>;
  try {
    extracted = await extractHiddenFrames(a.path, a.media, a.tools, hidden.spans, { count, maxSide: a.maxSide, signal: a.signal, timeoutMs: 120_000 });
  } catch (e) {
    a.check();
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { check: { ...base, frames: [], probability: null, band: 'undetermined', note: `None of its frames could be decoded: ${why}` }, artifacts: [] };
  }
  a.check();
  if (!extracted.frames.length) {
    return { check: { ...base, frames: [], probability: null, band: 'undetermined', note: 'None of its frames could be decoded.' }, artifacts: [] };
  }
  const r = await runPipeline(
    { kind: 'video', frames: extracted.frames, expectedFrames: extracted.frames.length, durationSec: hidden.hiddenSec, fps: a.media.fps },
    a.models,
    { thresholds: a.thresholds, evidence: false, copyMove: false, check: a.check },
  );
  const { frames, artifacts } = await picturedApart(extracted.frames, r, 'hidden', (f) => `Hidden by the edit list: the track's media at ${secs(f.timeSec)}.`);
  const missing = count - extracted.frames.length;
  const note =
    `${extracted.frames.length} frame${extracted.frames.length === 1 ? '' : 's'} of the hidden part analysed apart from the played ones (the edit list ignored)` +
    `${missing > 0 ? `; ${missing} could not be decoded` : ''}. ${r.verdict.explanation}`;
  return { check: { ...base, frames, probability: r.verdict.probability, band: r.verdict.band, note: note.slice(0, 2000) }, artifacts };
}

/** The analysis warning naming the hidden part and what its frames showed. */
export function hiddenMediaWarning(h: HiddenMediaCheck): AnalysisWarning {
  const found = h.frames.length
    ? `${h.frames.length} of its frames were analysed apart: ${h.probability !== null ? `${pct(h.probability)}, ${h.band}` : 'no verdict (nothing could be judged)'}.`
    : h.note;
  return {
    code: 'HIDDEN_MEDIA',
    message: `${secs(h.hiddenSec)} of the video track's media (at ${hiddenSpansText(h.spans)} of ${secs(h.mediaSec)}) is never played: the edit list skips it. ${found} They are not part of the verdict.`,
  };
}

/** The file's verdict with the hidden part's finding: named, and a manipulated hidden part keeps it out of the authentic band. */
export function withHiddenMedia(v: Verdict, h: HiddenMediaCheck): Verdict {
  if (h.probability === null) return { ...v, explanation: `${v.explanation} The ${secs(h.hiddenSec)} of video its edit list hides could not be judged.` };
  const text = `the ${secs(h.hiddenSec)} of video its edit list hides (never played; ${h.frames.length} frame${h.frames.length === 1 ? '' : 's'} analysed apart) reads ${pct(h.probability)}, ${h.band}`;
  if (h.band === 'manipulated' && v.band === 'authentic') {
    return { ...v, band: 'inconclusive', explanation: `${v.explanation} But ${text}. So the file is not called authentic: inconclusive; see the hidden frames.` };
  }
  return { ...v, explanation: `${v.explanation} Apart from the verdict, ${text}.` };
}
