/**
 * Live monitoring: frames from a capture device are scored one at a time (face boxes and
 * probabilities back within one call), faces are tracked across the session, and stopping
 * stores a summary record like any other analysis. One frame in flight per session keeps
 * latency bounded (a caller that sends faster gets CONFLICT and should drop frames).
 *
 * Where the work runs: the frame's decoding, face detection and face classifiers
 * (live-frame.ts) run in the live-monitor worker thread (runner.ts, createLiveRunner), with
 * the same models as files and the same reloads after an import — never on the main
 * thread, which serves the window's IPC. This class, in main, keeps only the session state:
 * tracking (cheap, and it survives a crash of the worker), the frames and tracks kept for
 * the summary, limits, the idle timeout, the audit entries and the summary record. A frame
 * lost to a worker crash fails with a clear error; the session goes on with the next frame
 * (a new thread) and still stops with its summary. With the in-process runner (tests) the
 * same frame work runs on the calling thread.
 */
import crypto from 'node:crypto';
import type { LiveFrameResult } from '../../../src-shared/contract/live';
import type { Detection, FaceObservation, FaceTrack, FrameResult } from '../../../src-shared/domain/detection';
import type { ModelRef } from '../../../src-shared/domain/models';
import type { AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import type { AuditLog } from '../audit/audit-log';
import type { DetectionsRepo } from '../db/detections';
import { decide, facesProbability, scoreTracks } from './aggregate';
import { DEFAULT_THRESHOLDS } from './calibration';
import type { LiveModelSet } from './live-frame';
import { placeholderDetection } from './record';
import { FaceTracker } from './tracking';
import type { JobOwner } from './engine';
import type { AnalysisRunner } from './worker-protocol';

const MAX_SESSIONS_PER_USER = 2;
const MAX_FRAMES_KEPT = 3600;
const IDLE_MS = 10 * 60_000;
/** The live worker (its own copy of the detector and face models) is ended this long after the last session. */
const RELEASE_AFTER_MS = 2 * 60_000;

interface LiveSession {
  id: string;
  owner: JobOwner;
  deviceLabel: string;
  startedAt: number;
  lastSeen: number;
  busy: boolean;
  tracker: FaceTracker;
  seq: number;
  frames: FrameResult[];
  tracks: Map<number, FaceObservation[]>;
  /** The latest frame's models (thresholds and exceedance table of the summary's verdict). */
  models: LiveModelSet;
  /** Every model that scored a frame of the session (a reload mid-session adds the new ones). */
  modelRefs: Map<string, ModelRef>;
}

const refKey = (r: ModelRef) => `${r.id}@${r.sha256}`;

function noteModels(s: LiveSession, m: LiveModelSet): void {
  s.models = m;
  for (const r of m.models) if (!s.modelRefs.has(refKey(r))) s.modelRefs.set(refKey(r), r);
}

/** What a live call gets once the service has been closed (the app is quitting). */
const closing = () => new AppError('CANCELLED', 'Live monitoring stopped: the application is closing.');

export class LiveService {
  private readonly sessions = new Map<string, LiveSession>();
  private closed = false;
  /** Runs while the live worker may hold models: sweeps idle sessions and releases the worker when none is left. */
  private idleTimer: NodeJS.Timeout | null = null;
  /** When the last session ended (or was swept); null while one is open. */
  private emptySince: number | null = null;

  constructor(
    private readonly deps: {
      /**
       * Where frames are scored: the live-monitor worker, or the in-process runner (tests).
       * `release` (the worker's) ends the thread and frees its models once no session has used
       * it for `releaseAfterMs`; absent for the in-process runner, whose models serve files too.
       */
      runner: Pick<AnalysisRunner, 'liveModels' | 'liveFrame'> & { release?: () => Promise<boolean> };
      /** Release the live worker after this long without a session (default 2 minutes). */
      releaseAfterMs?: number;
      detections: DetectionsRepo;
      audit: AuditLog;
      settings: () => AppSettings;
      appVersion: string;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private sweep(): void {
    for (const [id, s] of this.sessions) if (this.now() - s.lastSeen > IDLE_MS) this.sessions.delete(id);
    if (!this.sessions.size && this.emptySince === null) this.emptySince = this.now();
  }

  private get releaseAfterMs(): number {
    return this.deps.releaseAfterMs ?? RELEASE_AFTER_MS;
  }

  /** Start the idle check (first session): it stops once the worker has been released. */
  private watchIdle(): void {
    if (this.idleTimer || !this.deps.runner.release) return;
    const every = Math.max(10, Math.min(60_000, this.releaseAfterMs / 2));
    this.idleTimer = setInterval(() => void this.checkIdle(), every);
    this.idleTimer.unref();
  }

  private async checkIdle(): Promise<void> {
    this.sweep();
    if (this.closed || this.sessions.size || this.emptySince === null || this.now() - this.emptySince < this.releaseAfterMs) return;
    // Nothing in flight (a frame of a just-stopped session) → the thread ends; the next session starts a new one.
    if (await this.deps.runner.release?.()) {
      if (this.idleTimer) clearInterval(this.idleTimer);
      this.idleTimer = null;
    }
  }

  /**
   * Stop serving: drop every session (their models are about to be released). Calls that
   * arrive afterwards — a camera frame already on its way while the app quits — and a frame
   * whose models are released under it are answered CANCELLED, not as an internal error.
   */
  close(): void {
    this.closed = true;
    this.sessions.clear();
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
  }

  /** Open a session; the models are loaded (in the worker) now so a missing one is reported at once. */
  async start(owner: JobOwner, deviceLabel = 'camera'): Promise<{ liveId: string }> {
    if (this.closed) throw closing();
    this.sweep();
    if ([...this.sessions.values()].filter((s) => s.owner.userId === owner.userId).length >= MAX_SESSIONS_PER_USER) {
      throw new AppError('CONFLICT', `At most ${MAX_SESSIONS_PER_USER} live sessions at a time; stop one first.`);
    }
    let models: LiveModelSet;
    try {
      models = await this.deps.runner.liveModels();
    } catch (e) {
      if (this.closed) throw closing();
      throw e;
    }
    if (this.closed) throw closing();
    const id = crypto.randomUUID();
    this.emptySince = null;
    this.watchIdle();
    this.sessions.set(id, { id, owner, deviceLabel, startedAt: this.now(), lastSeen: this.now(), busy: false, tracker: new FaceTracker(5), seq: 0, frames: [], tracks: new Map(), models, modelRefs: new Map() });
    await this.deps.audit.append({ actor: owner, action: 'analysis.started', target: id, details: { live: true, device: deviceLabel } });
    return { liveId: id };
  }

  private get(liveId: string, owner: JobOwner): LiveSession {
    if (this.closed) throw closing();
    const s = this.sessions.get(liveId);
    if (!s || s.owner.userId !== owner.userId) throw new AppError('NOT_FOUND', 'No such live session (it may have expired).');
    return s;
  }

  /** Score one JPEG frame. */
  async frame(liveId: string, owner: JobOwner, timeSec: number, jpegBase64: string): Promise<LiveFrameResult> {
    const s = this.get(liveId, owner);
    if (s.busy) throw new AppError('CONFLICT', 'The previous frame is still being analysed; drop this one.');
    s.busy = true;
    s.lastSeen = this.now();
    const t0 = performance.now();
    try {
      // Decoding, detection and the classifiers run in the live-monitor worker (see the header).
      const scored = await this.deps.runner.liveFrame({ jobId: crypto.randomUUID(), jpegBase64 });
      noteModels(s, scored.models);
      const tracked = s.tracker.update(s.seq, scored.faces.map((f) => f.box));
      const faces = tracked.map((t, i) => {
        const probability = scored.faces[i]!.probability;
        const obs: FaceObservation = { frameIndex: s.seq, timeSec, box: t.box, probability, rawLogit: null };
        const list = s.tracks.get(t.trackId) ?? [];
        if (list.length < MAX_FRAMES_KEPT) list.push(obs);
        s.tracks.set(t.trackId, list);
        return { box: t.box, probability };
      });
      const ps = faces.map((f) => f.probability).filter((p): p is number => p !== null);
      const probability = ps.length ? Math.max(...ps) : null;
      if (s.frames.length < MAX_FRAMES_KEPT) s.frames.push({ index: s.seq, timeSec, faceCount: faces.length, probability });
      s.seq++;
      return { faces, probability, elapsedMs: Math.round(performance.now() - t0) };
    } catch (e) {
      // Closed while this frame ran: whatever failed (the worker stopped, a released model session) failed because of that.
      if (this.closed) throw closing();
      throw e;
    } finally {
      s.busy = false;
    }
  }

  /** End a session and store its summary (null when no frame was scored). */
  async stop(liveId: string, owner: JobOwner): Promise<{ detectionId: string | null }> {
    const s = this.get(liveId, owner);
    this.sessions.delete(liveId);
    if (!this.sessions.size) this.emptySince = this.now();
    if (!s.frames.length) return { detectionId: null };
    const thresholds = this.deps.settings().thresholds ?? s.models.thresholds ?? DEFAULT_THRESHOLDS;
    const tracks: FaceTrack[] = scoreTracks(
      [...s.tracks.entries()].map(([trackId, observations]) => ({ trackId, observations, probability: null, band: 'undetermined' })),
      thresholds,
    );
    const fp = facesProbability(tracks, { table: s.models.realExceedance ?? undefined, thresholds });
    const verdict = decide({
      faces: { ...fp, trackCount: tracks.length },
      image: { probability: null, modelId: null },
      thresholds,
      undeterminedReason: tracks.length ? 'No verdict: the faces seen during the live session were too small to judge.' : 'No verdict: no face was seen during the live session.',
    });
    const createdAt = new Date(s.startedAt).toISOString();
    const base = placeholderDetection('', s.owner, { jobId: s.id, fileName: `live-${s.deviceLabel}`, path: `live:${s.deviceLabel}`, state: 'done', progress: null, detectionId: null, error: null, ownerId: s.owner.userId }, createdAt, this.deps.appVersion);
    const models = [...s.modelRefs.values()];
    const rec: Detection = {
      ...base,
      id: this.deps.detections.newId(),
      status: 'done',
      kind: 'video',
      finishedAt: new Date(this.now()).toISOString(),
      file: { ...base.file, claimedExtension: '' },
      verdict,
      faceTracks: tracks,
      frames: s.frames,
      models,
      warnings: tracks.length ? [] : [{ code: 'NO_FACE', message: 'No face was seen during the live session.' }],
      tools: { ...base.tools, executionProvider: [...new Set(models.map((m) => m.provider))].join('+') },
    };
    const saved = await this.deps.detections.insert(rec);
    await this.deps.audit.append({ actor: owner, action: 'analysis.finished', target: saved.id, details: { live: true, frames: s.frames.length, band: verdict.band, probability: verdict.probability } });
    return { detectionId: saved.id };
  }
}
