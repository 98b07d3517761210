/**
 * Detection records. Each record is kept in two parts: a small index row in the nedb
 * `detections` collection (what history filters, sorts and pages over — fast at tens of
 * thousands of rows) and the full record as records/<id>.json (frames, tracks, metadata:
 * often tens of kB each, which nedb would otherwise hold in memory all at once). The body
 * is written first and both are fsynced before a write is acknowledged; open() reconciles
 * the two after a crash.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DashboardStats, HistoryPage } from '../../../src-shared/contract/history';
import type { Annotation, Detection, DetectionSummary, JobState, VerdictBand } from '../../../src-shared/domain/detection';
import { AppError } from '../../../src-shared/result';
import { canSeeAllRecords } from '../../../src-shared/roles';
import type { Logger } from '../log/logger';
import type { ArtifactStore } from './artifacts';
import type { Collection } from './collection';
import { dashboardStats, historyQuery, rowOf, summaryOf, type DetectionQuery, type Scope } from './detection-query';
import { detectionIssues } from './detection-schema';
import { writeFileAtomic } from './durable-file';
import { errnoCode, fsError } from './fs-errors';
import { KeyedMutex } from './mutex';
import type { DetectionRow } from './schemas';

export type { DetectionQuery, Scope } from './detection-query';
export { summaryOf } from './detection-query';

const ACTIVE: JobState[] = ['queued', 'running'];

/** What recover() changed at open (the core writes it to the audit log when it is not empty). */
export interface RecoveryReport {
  /** Records left queued or running by a crash, now 'interrupted'. */
  interrupted: { id: string; fileName: string }[];
  /** Record bodies without an index row (a crash while storing), indexed again. */
  reindexed: { id: string; fileName: string }[];
  /** Index rows whose body file is gone (a crash while deleting, or a file removed from the data folder), dropped. */
  dropped: { id: string; fileName: string }[];
  /** Record bodies without a row that could not be read: left on disk, not listed. */
  unindexable: { id: string; fileName: null }[];
  /** Listed records whose body is unreadable or fails validation (met while recovering): left as they are; opening one gives IO. */
  damaged: DamagedRecord[];
}

/** A record whose body file cannot be parsed or fails the record schema. */
export interface DamagedRecord {
  id: string;
  fileName: string | null;
  reasons: string[];
}

/** The verdict text of a record that stopped before it had a result (its error, shown beside it, says why). */
function unfinishedExplanation(status: JobState): string {
  const how = status === 'interrupted' ? 'was interrupted' : status === 'cancelled' ? 'was cancelled' : 'failed';
  return `No verdict: the analysis ${how} before it finished. Nothing was measured; re-run it to analyse the file.`;
}

/** Repository of detection records. */
export class DetectionsRepo {
  readonly recordsDir: string;
  private readonly locks = new KeyedMutex();
  /** Bodies found damaged since open, by id (each is logged and reported once). */
  private readonly damaged = new Map<string, DamagedRecord>();
  private readonly damagedListeners: ((d: DamagedRecord) => void)[] = [];

  constructor(
    dataDir: string,
    private readonly rows: Collection<DetectionRow>,
    private readonly artifacts: ArtifactStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.recordsDir = path.join(dataDir, 'records');
  }

  /** A fresh record id (use it before insert when artifacts are written first). */
  newId(): string {
    return crypto.randomUUID();
  }

  private bodyFile(id: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppError('VALIDATION', 'Invalid record id.');
    return path.join(this.recordsDir, `${id}.json`);
  }

  private check(d: Detection): void {
    const issues = detectionIssues(d);
    if (issues) throw new AppError('VALIDATION', `Refused to store an invalid detection record — ${issues.join('; ')}`, { issues });
  }

  private async writeBody(d: Detection): Promise<void> {
    try {
      await fs.promises.mkdir(this.recordsDir, { recursive: true });
      await writeFileAtomic(this.bodyFile(d.id), JSON.stringify(d));
    } catch (e) {
      throw fsError(e, `record ${d.id}`);
    }
  }

  /**
   * Read and validate a body. One that does not parse or fails the record schema (or holds
   * another record) fails with IO for this record only, and is reported once: history and
   * statistics work from the index rows, so the other records are not affected.
   */
  private async readBody(id: string): Promise<Detection | null> {
    let raw: string;
    try {
      raw = await fs.promises.readFile(this.bodyFile(id), 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return null;
      throw fsError(e, `record ${id}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw this.damagedBody(id, ['(record): not valid JSON']);
    }
    const issues = detectionIssues(body) ?? ((body as Detection).id !== id ? [`id: the file of record ${id} holds record ${String((body as Detection).id)}`] : null);
    if (issues) throw this.damagedBody(id, issues, (body as { file?: { name?: unknown } }).file?.name);
    return body as Detection;
  }

  private damagedBody(id: string, reasons: string[], fileName?: unknown): AppError {
    if (!this.damaged.has(id)) {
      const d: DamagedRecord = { id, fileName: typeof fileName === 'string' ? fileName : null, reasons };
      this.damaged.set(id, d);
      this.log.error('record body is damaged (unreadable or fails the record schema); left on disk as it is', { id, reasons });
      for (const fn of this.damagedListeners) fn(d);
    }
    return new AppError('IO', `Record ${id} is damaged on disk and cannot be opened (${reasons.slice(0, 3).join('; ')}). Its file is kept as it is; other records are not affected.`, {
      issues: reasons,
    });
  }

  /** Records whose body was found damaged since the store opened (each also logged once). */
  damagedRecords(): DamagedRecord[] {
    return [...this.damaged.values()];
  }

  /** Be told (once per record) when a body is found damaged, e.g. to write it to the audit log. */
  onDamaged(fn: (d: DamagedRecord) => void): void {
    this.damagedListeners.push(fn);
  }

  /** Store a new record durably (an empty id gets a fresh one). */
  async insert(rec: Detection): Promise<Detection> {
    const d: Detection = { ...rec, id: rec.id || this.newId() };
    this.check(d);
    return this.locks.run(d.id, async () => {
      if (await this.rows.findOne({ _id: d.id })) throw new AppError('CONFLICT', `Record ${d.id} already exists.`);
      await this.writeBody(d);
      await this.rows.insert(rowOf(d));
      return d;
    });
  }

  /** Replace a whole record durably (e.g. when an analysis finishes). */
  async save(rec: Detection): Promise<Detection> {
    this.check(rec);
    return this.locks.run(rec.id, async () => {
      if (!(await this.rows.findOne({ _id: rec.id }))) throw new AppError('NOT_FOUND', `Record ${rec.id} not found.`);
      await this.writeBody(rec);
      await this.rows.mutate({ _id: rec.id }, () => rowOf(rec));
      return rec;
    });
  }

  /** Read-modify-write one record under its lock; fn returns the new record. */
  async update(id: string, fn: (d: Detection) => Detection | Promise<Detection>): Promise<Detection> {
    return this.locks.run(id, async () => {
      const cur = await this.readBody(id);
      if (!cur) throw new AppError('NOT_FOUND', `Record ${id} not found.`);
      const next = await fn(structuredClone(cur));
      if (next.id !== id) throw new Error('update may not change a record id');
      this.check(next);
      await this.writeBody(next);
      await this.rows.mutate({ _id: id }, () => rowOf(next));
      return next;
    });
  }

  /** Change a record's job state (finishedAt is set when it reaches a final state). */
  async setStatus(id: string, status: JobState, patch: { error?: Detection['error']; finishedAt?: string | null } = {}): Promise<Detection> {
    return this.update(id, (d) => {
      const error = patch.error !== undefined ? patch.error : d.error;
      // A record that stops without a result keeps the placeholder's empty verdict; say why instead of "in progress".
      const unfinished = status !== 'done' && !ACTIVE.includes(status) && d.verdict.decidedBy === 'none' && d.verdict.probability === null;
      return {
        ...d,
        status,
        error,
        verdict: unfinished ? { ...d.verdict, band: 'undetermined', explanation: unfinishedExplanation(status) } : d.verdict,
        finishedAt: patch.finishedAt !== undefined ? patch.finishedAt : ACTIVE.includes(status) ? null : new Date(this.now()).toISOString(),
      };
    });
  }

  /** One record, or null. No scope check: handlers use getScoped. */
  async get(id: string): Promise<Detection | null> {
    if (!(await this.rows.findOne({ _id: id }))) return null;
    return this.readBody(id);
  }

  /** One record the scope may see; NOT_FOUND otherwise (another user's record is not revealed). */
  async getScoped(id: string, scope: Scope): Promise<Detection> {
    const row = await this.rows.findOne({ _id: id });
    if (!row || (!canSeeAllRecords(scope.role) && row.ownerId !== scope.userId)) throw new AppError('NOT_FOUND', `Record ${id} not found.`);
    const d = await this.readBody(id);
    if (!d) throw new AppError('NOT_FOUND', `Record ${id} not found.`);
    return d;
  }

  /** A page of history, scoped by role, filtered, sorted. */
  async list(q: DetectionQuery, scope: Scope): Promise<HistoryPage> {
    const query = historyQuery(q, scope);
    const offset = q.offset ?? 0;
    const limit = Math.min(q.limit ?? 50, 500);
    const dir = q.order === 'asc' ? 1 : -1;
    const field = q.sort === 'fileName' ? 'fileNameKey' : q.sort === 'probability' ? 'probability' : 'createdAt';
    const total = await this.rows.count(query);
    const rows = (await this.rows.find(query).sort({ [field]: dir, createdAt: dir, _id: dir }).skip(offset).limit(limit)) as DetectionRow[];
    return { items: rows.map(summaryOf), total, offset, limit };
  }

  /** Records whose SHA-256 equals or starts with the given hex (scoped). */
  async findBySha256(hex: string, scope: Scope): Promise<DetectionSummary[]> {
    const h = hex.toLowerCase();
    if (!/^[0-9a-f]{4,64}$/.test(h)) throw new AppError('VALIDATION', 'A SHA-256 prefix is 4–64 hex digits.');
    return (await this.list({ search: h, limit: 500 }, scope)).items.filter((i) => i.sha256.startsWith(h));
  }

  /** Delete a record with its artifacts. Running records must be cancelled first. */
  async remove(id: string): Promise<void> {
    await this.locks.run(id, async () => {
      const row = await this.rows.findOne({ _id: id });
      if (!row) throw new AppError('NOT_FOUND', `Record ${id} not found.`);
      if (ACTIVE.includes(row.status)) throw new AppError('CONFLICT', 'This analysis is still queued or running; cancel it first.');
      // Files first, row last: a crash in between leaves a row without a body, swept at open.
      await this.artifacts.remove(id);
      try {
        await fs.promises.rm(this.bodyFile(id), { force: true });
      } catch (e) {
        throw fsError(e, `record ${id}`);
      }
      await this.rows.remove({ _id: id });
    });
  }

  /** Add an investigator's note, optionally overriding the verdict band. */
  async annotate(id: string, author: { userId: string; username: string }, note: string, override?: { band: VerdictBand; reason: string }): Promise<Detection> {
    return this.update(id, (d) => {
      if (ACTIVE.includes(d.status)) throw new AppError('CONFLICT', 'This analysis has not finished yet.');
      if (override && d.status !== 'done') throw new AppError('CONFLICT', 'This analysis did not finish, so it has no verdict to override; add a note, or re-run it.');
      const a: Annotation = {
        id: this.newId(),
        authorId: author.userId,
        authorName: author.username,
        createdAt: new Date(this.now()).toISOString(),
        note,
        ...(override ? { override } : {}),
      };
      return { ...d, annotations: [...d.annotations, a] };
    });
  }

  /** Attach an exported report's reference to its record. */
  async addReport(id: string, ref: Detection['reports'][number]): Promise<Detection> {
    return this.update(id, (d) => ({ ...d, reports: [...d.reports.filter((r) => r.id !== ref.id), ref] }));
  }

  /** Dashboard numbers over the records the scope may see. */
  async stats(scope: Scope, days = 30): Promise<DashboardStats> {
    return dashboardStats((await this.rows.find(historyQuery({}, scope))) as DetectionRow[], this.now(), days);
  }

  /**
   * After a crash: records left queued/running are marked interrupted; bodies without a row
   * (crash during insert) are re-indexed; rows without a body (crash during delete) are dropped.
   */
  async recover(): Promise<RecoveryReport> {
    let bodies: string[] = [];
    try {
      bodies = (await fs.promises.readdir(this.recordsDir)).filter((n) => /^[A-Za-z0-9_-]{1,64}\.json$/.test(n)).map((n) => n.slice(0, -5));
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw fsError(e, 'the records folder');
    }
    const rows = (await this.rows.find({})) as DetectionRow[];
    const rowIds = new Set(rows.map((r) => r._id));
    const bodyIds = new Set(bodies);
    const out: RecoveryReport = { interrupted: [], reindexed: [], dropped: [], unindexable: [], damaged: [] };
    for (const id of bodies) {
      if (rowIds.has(id)) continue;
      const d = await this.readBody(id).catch(() => null);
      if (d && !detectionIssues(d)) {
        await this.rows.insert(rowOf(d));
        out.reindexed.push({ id, fileName: d.file.name });
      } else {
        this.log.error('record body without index row could not be re-indexed; left on disk', { id });
        out.unindexable.push({ id, fileName: null });
      }
    }
    for (const r of rows) {
      if (bodyIds.has(r._id)) continue;
      await this.rows.remove({ _id: r._id });
      out.dropped.push({ id: r._id, fileName: r.fileName });
    }
    for (const r of (await this.rows.find({ status: { $in: ACTIVE } })) as DetectionRow[]) {
      try {
        await this.setStatus(r._id, 'interrupted', {
          error: { code: 'CANCELLED', message: 'The application stopped while this analysis was running.' },
        });
      } catch (e) {
        // A damaged body must not stop the store from opening: it is reported and left as it is.
        const d = this.damaged.get(r._id);
        if (!d) throw e;
        out.damaged.push({ ...d, fileName: r.fileName });
        continue;
      }
      out.interrupted.push({ id: r._id, fileName: r.fileName });
    }
    const n = out.interrupted.length + out.reindexed.length + out.dropped.length + out.unindexable.length + out.damaged.length;
    if (n) {
      this.log.warn('recovered detection records', {
        interrupted: out.interrupted.length,
        reindexed: out.reindexed.length,
        dropped: out.dropped.length,
        unindexable: out.unindexable.length,
        damaged: out.damaged.length,
      });
    }
    return out;
  }
}
