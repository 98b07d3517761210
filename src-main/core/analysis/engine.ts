/**
 * The analysis engine as the rest of the app sees it: a queue of jobs (one runs at a
 * time; the models already use several threads), progress and done events for the caller
 * that queued them, cancel, timeouts, and the store writes — record, artifacts, audit.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { QueuedJob, StartResult } from '../../../src-shared/contract/analysis';
import { describeLeftOut, MAX_FOLDER_DEPTH, MAX_FOLDER_FILES, type FolderLeftOut } from '../../../src-shared/domain/folders';
import type { AnalysisProgress, Detection } from '../../../src-shared/domain/detection';
import type { AppSettings } from '../../../src-shared/domain/settings';
import { AppError, type AppErrorShape } from '../../../src-shared/result';
import type { AuditLog } from '../audit/audit-log';
import type { ArtifactStore } from '../db/artifacts';
import type { DetectionsRepo } from '../db/detections';
import type { EventBus } from '../events';
import type { Logger } from '../log/logger';
import { readHead } from '../media/identify';
import { FORMAT_EXTENSIONS, sniff } from '../media/sniff';
import { overallFraction, type AnalysisOutput, type JobOptions } from './analyze-file';
import { buildDetection, placeholderDetection } from './record';
import type { AnalysisRunner } from './worker-protocol';

/** Who queued a job. */
export interface JobOwner {
  userId: string;
  username: string;
  role: 'user' | 'investigator' | 'admin';
}

export interface EnqueueOptions {
  options?: JobOptions;
  /** Store a record (the app always does; the CLI only with --store). */
  store: boolean;
  /** The caller that receives analysis:progress / analysis:done events. */
  senderId: string | null;
  /** Also called with every progress event (CLI). */
  onProgress?: (p: AnalysisProgress) => void;
}

/** The finished outcome of a job. */
export interface JobOutcome {
  job: QueuedJob;
  output: AnalysisOutput | null;
  detection: Detection | null;
}

interface Job {
  pub: QueuedJob;
  owner: JobOwner | null;
  opts: EnqueueOptions;
  startedAt: number;
  output: AnalysisOutput | null;
  detection: Detection | null;
  done: Promise<JobOutcome>;
  finish: (o: JobOutcome) => void;
}

const MEDIA_EXTENSIONS = new Set(Object.values(FORMAT_EXTENSIONS).flat());
/** Entries a folder walk examines at most (media or not), so a huge tree cannot stall a request. */
const MAX_FOLDER_ENTRIES = 50_000;
const FINISHED_KEEP = 200;

/** What a file's first bytes say it is, for the folder walk: media (or possibly media), or not. */
async function looksLikeMedia(p: string): Promise<boolean | null> {
  const head = await readHead(p, 4096).catch(() => null);
  if (!head) return null;
  const s = sniff(head);
  // 'unknown' with a hint (an audio-or-video container) goes on: intake decides with ffprobe and says why.
  return s.kind === 'image' || s.kind === 'video' || (s.kind === 'unknown' && s.hint !== null);
}

/**
 * The files a path stands for: itself, or the images and videos inside a folder
 * (recursively, by content: a media extension, or else first bytes that sniff as media),
 * and for each folder what it held that was not queued (FolderLeftOut).
 */
export async function expandPaths(paths: string[]): Promise<{ files: string[]; leftOut: FolderLeftOut[] }> {
  const files: string[] = [];
  const leftOut: FolderLeftOut[] = [];
  let examined = 0;
  for (const raw of paths) {
    const root = path.resolve(raw);
    const st = await fs.promises.stat(root).catch(() => null);
    if (!st?.isDirectory()) {
      files.push(root); // files (and missing paths) go through; the job reports what is wrong
      continue;
    }
    const l: FolderLeftOut = { folder: path.basename(root) || root, notMedia: 0, examples: [], hidden: 0, links: 0, unreadable: 0, tooDeep: 0, limitReached: false };
    const full = () => files.length >= MAX_FOLDER_FILES || examined >= MAX_FOLDER_ENTRIES;
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => null);
      if (!entries) {
        l.unreadable++;
        return;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (full()) {
          l.limitReached = true;
          return;
        }
        examined++;
        const p = path.join(dir, e.name);
        if (e.name.startsWith('.')) l.hidden++;
        else if (e.isSymbolicLink()) l.links++;
        else if (e.isDirectory()) {
          if (depth >= MAX_FOLDER_DEPTH) l.tooDeep++;
          else await walk(p, depth + 1);
        } else if (e.isFile()) {
          const byName = MEDIA_EXTENSIONS.has(path.extname(e.name).slice(1).toLowerCase());
          const media = byName || (await looksLikeMedia(p));
          if (media) files.push(p);
          else if (media === null) l.unreadable++;
          else {
            l.notMedia++;
            if (l.examples.length < 5) l.examples.push(path.relative(root, p));
          }
        } else l.notMedia++; // sockets, devices, pipes
      }
    };
    await walk(root, 0);
    if (l.notMedia || l.hidden || l.links || l.unreadable || l.tooDeep || l.limitReached) leftOut.push(l);
  }
  return { files, leftOut };
}

export class AnalysisEngine {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running: Job | null = null;
  private lastOwner: string | null = null;

  constructor(
    private readonly deps: {
      runner: AnalysisRunner;
      settings: () => AppSettings;
      detections: DetectionsRepo | null;
      artifacts: ArtifactStore | null;
      audit: AuditLog | null;
      events: EventBus;
      log: Logger;
      appVersion: string;
      /** The camera library's folder (still pictures are compared with its fingerprints); none: no comparison. */
      camerasDir?: string;
      /** Per-job time limit (default: 30 min). */
      timeoutMs?: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Queue files (folders expand to their media files); the jobs only. */
  async enqueue(paths: string[], owner: JobOwner | null, opts: EnqueueOptions): Promise<QueuedJob[]> {
    return (await this.start(paths, owner, opts)).jobs;
  }

  /** Queue files (folders expand to their images and videos), and say what the folders held that was not queued. */
  async start(paths: string[], owner: JobOwner | null, opts: EnqueueOptions): Promise<StartResult> {
    if (opts.store && (!owner || !this.deps.detections)) throw new AppError('UNAUTHENTICATED', 'Storing results needs a signed-in account.');
    const { files, leftOut } = await expandPaths(paths);
    if (!files.length) throw new AppError('NOT_FOUND', ['No images or videos were found in the folders given.', ...leftOut.map(describeLeftOut)].join(' '));
    const queued = files.map((file) => {
      let finish!: (o: JobOutcome) => void;
      const done = new Promise<JobOutcome>((r) => (finish = r));
      const job: Job = {
        pub: { jobId: crypto.randomUUID(), fileName: path.basename(file), path: file, state: 'queued', progress: null, detectionId: null, error: null, ownerId: owner?.userId ?? 'cli' },
        owner,
        opts,
        startedAt: 0,
        output: null,
        detection: null,
        done,
        finish,
      };
      this.jobs.set(job.pub.jobId, job);
      this.queue.push(job);
      this.emitProgress(job, { stage: 'queued', fraction: 0, etaSec: null });
      return { ...job.pub };
    });
    // Start after returning, so the caller has the job ids before the first events arrive.
    queueMicrotask(() => this.pump());
    return { jobs: queued, leftOut };
  }

  /** Wait for a job to end (done, failed or cancelled). */
  wait(jobId: string): Promise<JobOutcome> {
    const j = this.jobs.get(jobId);
    if (!j) return Promise.reject(new AppError('NOT_FOUND', `No job ${jobId}.`));
    return j.done;
  }

  /** Jobs visible to a caller: their own, or all for admins. */
  list(owner: JobOwner | null): QueuedJob[] {
    return [...this.jobs.values()].filter((j) => !owner || owner.role === 'admin' || j.pub.ownerId === owner.userId).map((j) => ({ ...j.pub }));
  }

  /** Cancel a queued or running job (own jobs; admins: any). */
  cancel(jobId: string, by: JobOwner | null): void {
    const j = this.jobs.get(jobId);
    if (!j || (by && by.role !== 'admin' && j.pub.ownerId !== by.userId)) throw new AppError('NOT_FOUND', 'No such job.');
    if (j.pub.state === 'queued') {
      this.queue.splice(this.queue.indexOf(j), 1);
      // A running job's cancellation is audited when it stops (execute); one that never started, here.
      void Promise.resolve(
        this.deps.audit?.append({ actor: by, action: 'analysis.cancelled', target: j.pub.jobId, details: { file: j.pub.fileName, path: j.pub.path, code: 'CANCELLED', message: 'cancelled before it started' } }),
      )
        .catch((e: unknown) => this.deps.log.error('could not audit a cancelled job', { jobId: j.pub.jobId, error: String(e) }))
        .then(() => this.end(j, 'cancelled', { code: 'CANCELLED', message: 'The analysis was cancelled before it started.' }));
    } else if (j.pub.state === 'running') {
      this.deps.runner.cancel(jobId);
    }
  }

  private emitProgress(j: Job, p: Omit<AnalysisProgress, 'jobId' | 'fileName'>): void {
    const full: AnalysisProgress = { jobId: j.pub.jobId, fileName: j.pub.fileName, ...p };
    j.pub.progress = full;
    if (j.opts.senderId) this.deps.events.emit(j.opts.senderId, 'analysis:progress', full);
    j.opts.onProgress?.(full);
  }

  private pump(): void {
    if (this.running || !this.queue.length) return;
    // Round-robin between owners: one user's folder of 500 files does not starve another's one file.
    const other = this.queue.findIndex((q) => q.pub.ownerId !== this.lastOwner);
    const [j] = this.queue.splice(other >= 0 ? other : 0, 1);
    if (!j) return;
    this.lastOwner = j.pub.ownerId;
    this.running = j;
    void this.execute(j).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private async execute(j: Job): Promise<void> {
    j.pub.state = 'running';
    j.startedAt = this.now();
    const actor = j.owner ? { userId: j.owner.userId, username: j.owner.username } : null;
    try {
      if (j.opts.store) {
        const rec = await this.deps.detections!.insert(placeholderDetection(this.deps.detections!.newId(), j.owner!, j.pub, new Date(j.startedAt).toISOString(), this.deps.appVersion));
        j.pub.detectionId = rec.id;
      }
      await this.deps.audit?.append({ actor, action: 'analysis.started', target: j.pub.detectionId ?? j.pub.jobId, details: { file: j.pub.fileName, jobId: j.pub.jobId, stored: j.opts.store } });
      const output = await this.deps.runner.run(
        { jobId: j.pub.jobId, path: j.pub.path, options: j.opts.options ?? {}, settings: this.deps.settings(), timeoutMs: this.deps.timeoutMs ?? 30 * 60_000, ...(this.deps.camerasDir ? { camerasDir: this.deps.camerasDir } : {}) },
        (stage, f, message) => {
          const fraction = overallFraction(stage, f);
          const elapsed = (this.now() - j.startedAt) / 1000;
          const etaSec = fraction > 0.05 ? Math.round((elapsed * (1 - fraction)) / fraction) : null;
          this.emitProgress(j, { stage, fraction, etaSec, ...(message ? { message } : {}) });
        },
      );
      j.output = output;
      if (j.opts.store) {
        this.emitProgress(j, { stage: 'store', fraction: overallFraction('store', 0), etaSec: 0 });
        const id = j.pub.detectionId!;
        const t0 = performance.now();
        for (const a of output.result.artifacts) await this.deps.artifacts!.write(id, a.ref.key, a.data, { mime: a.ref.mime, width: a.ref.width, height: a.ref.height });
        const rec = buildDetection(id, j.owner!, output, new Date(j.startedAt).toISOString(), new Date(this.now()).toISOString(), this.deps.appVersion);
        rec.timingsMs.store = Math.round((performance.now() - t0) * 10) / 10;
        j.detection = await this.deps.detections!.save(rec);
      }
      await this.deps.audit?.append({
        actor,
        action: 'analysis.finished',
        target: j.pub.detectionId ?? j.pub.jobId,
        details: { file: j.pub.fileName, sha256: output.file.hashes.sha256, band: output.result.verdict.band, probability: output.result.verdict.probability, models: output.result.models.map((m) => `${m.id}@${m.sha256.slice(0, 12)}`) },
      });
      await this.end(j, 'done', null);
    } catch (e) {
      const shape: AppErrorShape = e instanceof AppError ? e.toShape() : { code: 'INTERNAL', message: 'Internal error in the analysis engine. It has been logged.' };
      if (!(e instanceof AppError)) this.deps.log.error('analysis failed unexpectedly', { jobId: j.pub.jobId, error: e instanceof Error ? e.stack ?? e.message : String(e) });
      const cancelled = shape.code === 'CANCELLED';
      if (j.pub.detectionId) {
        // No partial records: the audit log keeps the trace of what was tried and why it stopped.
        const id = j.pub.detectionId;
        await this.deps.detections!
          .setStatus(id, cancelled ? 'cancelled' : 'failed', { error: { code: shape.code, message: shape.message } })
          .then(() => this.deps.detections!.remove(id))
          .catch((err: unknown) => this.deps.log.error('could not remove a failed record', { id: j.pub.detectionId, error: String(err) }));
      }
      await this.deps.audit
        ?.append({ actor, action: cancelled ? 'analysis.cancelled' : 'analysis.failed', target: j.pub.jobId, details: { file: j.pub.fileName, code: shape.code, message: shape.message } })
        .catch(() => undefined);
      j.pub.detectionId = null;
      await this.end(j, cancelled ? 'cancelled' : 'failed', { code: shape.code, message: shape.message });
    }
  }

  private async end(j: Job, state: 'done' | 'failed' | 'cancelled', error: { code: string; message: string } | null): Promise<void> {
    j.pub.state = state;
    j.pub.error = error;
    if (state === 'done') this.emitProgress(j, { stage: 'done', fraction: 1, etaSec: 0 });
    if (j.opts.senderId) this.deps.events.emit(j.opts.senderId, 'analysis:done', { jobId: j.pub.jobId, state, detectionId: j.pub.detectionId, error });
    j.finish({ job: { ...j.pub }, output: j.output, detection: j.detection });
    // Keep finished jobs for the queue view, but not forever.
    const finished = [...this.jobs.values()].filter((x) => x.pub.state !== 'queued' && x.pub.state !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_KEEP))) this.jobs.delete(old.pub.jobId);
  }

  /** Forget loaded models (after an import). */
  reloadModels(): void {
    this.deps.runner.reloadModels();
  }

  /** Cancel everything and stop the worker. */
  /** Jobs not finished yet (the window asks before quitting while there are any). */
  pending(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.running ? 1 : 0 };
  }

  /**
   * Stop: the files still queued are cancelled and named in one audit entry (they never
   * started, so no record exists for them), then the worker is stopped.
   */
  async close(): Promise<void> {
    const left = [...this.queue];
    this.queue.length = 0;
    if (left.length) {
      await this.deps.audit
        ?.append({
          actor: null,
          action: 'analysis.cancelled',
          target: 'queue',
          details: { reason: 'the application closed before these analyses started', count: left.length, files: left.slice(0, 200).map((j) => j.pub.path) },
        })
        .catch((e: unknown) => this.deps.log.error('could not audit the files left in the queue', { error: String(e) }));
    }
    for (const j of left) await this.end(j, 'cancelled', { code: 'CANCELLED', message: 'The application closed before this analysis started.' });
    await this.deps.runner.close();
  }
}
