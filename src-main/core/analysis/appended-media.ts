/**
 * A second file inside the file: another MP4 after the first one's boxes, another Matroska file after
 * the first segment, or a video or picture appended after the last box or element (mp4-structure.ts,
 * mkv-structure.ts find where it begins). Players show the first file only, so nobody who plays the
 * evidence sees it (FFmpeg's Matroska demuxer reads on into a second segment's clusters as if they
 * continued the first, so the file's own frames are then read from its first bytes only: frames.ts endByte). Its bytes are copied to a temporary file (the evidence is never written),
 * hashed, probed, and a few of its frames — or its picture — run through the same models apart from the
 * file's own, with a picture of each for the record. Like the media an edit list hides, it does not vote
 * in the file's probability, but an appended part in the manipulated band keeps the file out of the
 * authentic band.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import type { AnalysisWarning, AppendedMediaCheck, Verdict } from '../../../src-shared/domain/detection';
import { article, formatName } from '../../../src-shared/domain/media';
import type { ModelThresholds } from '../../../src-shared/domain/models';
import type { AppSettings } from '../../../src-shared/domain/settings';
import { extractFrames } from '../media/frames';
import { identify } from '../media/identify';
import { probe } from '../media/probe';
import type { ResolvedTools } from '../media/tools';
import { pct } from './aggregate';
import { picturedApart } from './hidden-media';
import { runPipeline, stillCodingOf, type PipelineModels } from './pipeline';
import type { ArtifactOut, CancelCheck } from './types';

/** Frames analysed of an appended video at most (spread evenly over it). */
export const MAX_APPENDED_FRAMES = 8;

/** Where an appended file begins in the evidence, and how it was found. */
export interface AppendedAt {
  offset: number;
  /** In words: "a second MP4 file after the first one's boxes". */
  foundAs: string;
}

const secs = (x: number) => `${x.toFixed(2)} s`;
const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`);

/** Temporary space kept free beyond the copy itself. */
const SPACE_MARGIN = 256 * 1024 * 1024;

/** Copy bytes [from, end of file) of `src` to `dest` (or only read them, with no `dest`), returning their SHA-256. */
async function copyTail(src: string, from: number, dest: string | null, signal?: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha256');
  const read = fs.createReadStream(src, { start: from });
  if (dest === null) {
    for await (const chunk of read) {
      signal?.throwIfAborted();
      hash.update(chunk as Buffer);
    }
  } else {
    read.on('data', (chunk) => hash.update(chunk));
    await streamPipeline(read, fs.createWriteStream(dest, { flags: 'wx', mode: 0o600 }), { signal });
  }
  return hash.digest('hex');
}

/** Free bytes for an unprivileged writer where `dir` lies. */
async function freeSpace(dir: string): Promise<number> {
  const s = await fs.promises.statfs(dir);
  return s.bavail * s.bsize;
}

/** Probe, decode, score and picture the file appended at `at.offset` (see the module comment). */
export async function analyseAppendedMedia(a: {
  path: string;
  sizeBytes: number;
  at: AppendedAt;
  tools: ResolvedTools;
  models: PipelineModels;
  thresholds: ModelThresholds | null;
  limits: AppSettings['limits'];
  maxSide: number;
  signal?: AbortSignal;
  check: CancelCheck;
  /** Free temporary space (tests); statfs of the system's temporary folder otherwise. */
  freeBytes?: () => Promise<number>;
}): Promise<{ check: AppendedMediaCheck; artifacts: ArtifactOut[] }> {
  const bytes = a.sizeBytes - a.at.offset;
  const base: AppendedMediaCheck = {
    offset: a.at.offset,
    bytes,
    foundAs: a.at.foundAs,
    sha256: '',
    format: null,
    kind: null,
    durationSec: null,
    width: null,
    height: null,
    frames: [],
    probability: null,
    band: 'undetermined',
    note: '',
  };
  const unreadable = (why: string) => ({ check: { ...base, note: `It could not be analysed: ${why}`.slice(0, 2000) }, artifacts: [] });
  // The copy needs temporary space (copies earlier analyses left behind are swept first); without it the
  // appended bytes are only hashed, and the analysis goes on.
  await sweepStaleCopies();
  const free = await (a.freeBytes ?? (() => freeSpace(os.tmpdir())))().catch(() => Number.POSITIVE_INFINITY);
  if (free < bytes + SPACE_MARGIN) {
    base.sha256 = await copyTail(a.path, a.at.offset, null, a.signal);
    a.check();
    return unreadable(`copying it out needs ${mb(bytes)} of temporary space (and ${mb(SPACE_MARGIN)} to spare), and ${mb(free)} is free.`);
  }
  let dir: string;
  try {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), TEMP_PREFIX));
  } catch (e) {
    base.sha256 = await copyTail(a.path, a.at.offset, null, a.signal);
    return unreadable(`no temporary folder to copy it to (${e instanceof Error ? e.message.split('\n')[0] : String(e)}).`);
  }
  try {
    const tmp = path.join(dir, 'appended');
    try {
      base.sha256 = await copyTail(a.path, a.at.offset, tmp, a.signal);
    } catch (e) {
      a.check();
      base.sha256 = await copyTail(a.path, a.at.offset, null, a.signal);
      return unreadable(`it could not be copied out for analysis (${e instanceof Error ? e.message.split('\n')[0] : String(e)}).`);
    }
    a.check();
    let media: Awaited<ReturnType<typeof probe>>;
    try {
      // (identify refuses what is neither a picture nor a video, with the reason.)
      const identity = await identify(tmp, { tools: a.tools, signal: a.signal });
      media = await probe(tmp, a.tools, { signal: a.signal, limits: a.limits, identity, timeoutMs: 60_000 });
    } catch (e) {
      a.check();
      return unreadable(e instanceof Error ? e.message.split('\n')[0]! : String(e));
    }
    a.check();
    Object.assign(base, { format: media.format, kind: media.kind, durationSec: media.durationSec, width: media.width, height: media.height });
    let extracted: Awaited<ReturnType<typeof extractFrames>>;
    try {
      extracted = await extractFrames(tmp, media, a.tools, {
        strategy: { kind: 'even', count: MAX_APPENDED_FRAMES },
        ...(media.kind === 'video' ? { maxSide: a.maxSide } : {}),
        signal: a.signal,
        timeoutMs: 120_000,
        limits: { maxFrames: MAX_APPENDED_FRAMES },
      });
    } catch (e) {
      a.check();
      return unreadable(`none of its frames could be decoded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    a.check();
    const r = await runPipeline(
      {
        kind: media.kind,
        frames: extracted.frames,
        expectedFrames: extracted.frames.length,
        stillCoding: media.kind === 'image' ? stillCodingOf(media.format) : null,
        durationSec: media.durationSec,
        fps: media.fps,
      },
      a.models,
      { thresholds: a.thresholds, evidence: false, copyMove: false, check: a.check },
    );
    const { frames, artifacts } = await picturedApart(extracted.frames, r, 'appended', (f) => `Appended after the file's end (byte ${a.at.offset})${media.kind === 'video' ? ` at ${secs(f.timeSec)}` : ''}.`);
    const what = media.kind === 'video' ? `${frames.length} frame${frames.length === 1 ? '' : 's'} of it` : 'its picture';
    const note = `${what[0]!.toUpperCase()}${what.slice(1)} analysed apart from the file's own. ${r.verdict.explanation}`;
    return { check: { ...base, frames, probability: r.verdict.probability, band: r.verdict.band, note: note.slice(0, 2000) }, artifacts };
  } finally {
    // (A copy that cannot be removed now — a virus scanner holding it — is swept by a later analysis.)
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

const TEMP_PREFIX = 'mediaguard-appended-';
/** A copy older than this belongs to no running analysis (one that was killed, or could not remove it). */
const STALE_MS = 60 * 60 * 1000;

/** Remove copies of appended parts that earlier analyses left behind (a job ended by terminating its thread runs no finally). */
async function sweepStaleCopies(): Promise<void> {
  try {
    const now = Date.now();
    for (const name of await fs.promises.readdir(os.tmpdir())) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const p = path.join(os.tmpdir(), name);
      const st = await fs.promises.stat(p).catch(() => null);
      if (st?.isDirectory() && now - st.mtimeMs > STALE_MS) await fs.promises.rm(p, { recursive: true, force: true }).catch(() => undefined);
    }
  } catch {
    // Best effort: a temporary folder that cannot be listed is not this analysis's problem.
  }
}

/** What the appended file is, in words: "a 3.00-s MP4 video (160×120), 12.3 KB from byte 51234". */
export function appendedText(c: AppendedMediaCheck): string {
  const size = c.width ? ` (${c.width}×${c.height})` : '';
  const video = `${c.durationSec !== null ? `${secs(c.durationSec).replace(' s', '-s')} ` : ''}${formatName(c.format)} video${size}`;
  const picture = `${formatName(c.format)} picture${size}`;
  const what = c.kind === 'video' ? `${article(video)} ${video}` : c.kind === 'image' ? `${article(picture)} ${picture}` : 'data';
  return `${what}, ${mb(c.bytes)} from byte ${c.offset}`;
}

/** The analysis warning naming the appended file and what it showed. */
export function appendedMediaWarning(c: AppendedMediaCheck): AnalysisWarning {
  const found = c.frames.length ? `Analysed apart: ${c.probability !== null ? `${pct(c.probability)}, ${c.band}` : 'no verdict (nothing could be judged)'}.` : c.note;
  return {
    code: 'APPENDED_MEDIA',
    message: `The file holds ${appendedText(c)} — ${c.foundAs}. Players and viewers show the first file only, and only its frames were sampled for the verdict. ${found} It is not part of the verdict.`.slice(0, 1000),
  };
}

/** The file's verdict with the appended file's finding: named, and a manipulated one keeps it out of the authentic band. */
export function withAppendedMedia(v: Verdict, c: AppendedMediaCheck): Verdict {
  if (c.probability === null) return { ...v, explanation: `${v.explanation} The file appended inside it (${appendedText(c)}) could not be judged.` };
  const text = `the file appended inside it (${appendedText(c)}; not shown by players or viewers) reads ${pct(c.probability)}, ${c.band}`;
  if (c.band === 'manipulated' && v.band === 'authentic') {
    return { ...v, band: 'inconclusive', explanation: `${v.explanation} But ${text}. So the file is not called authentic: inconclusive; see the appended file.` };
  }
  return { ...v, explanation: `${v.explanation} Apart from the verdict, ${text}.` };
}
