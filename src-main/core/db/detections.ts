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
import { canSeeAllRecords, type Role } from '../../../src-shared/roles';
import type { Logger } from '../log/logger';
import type { ArtifactStore } from './artifacts';
import type { Collection, Query } from './collection';
import { detectionIssues } from './detection-schema';
import { writeFileAtomic } from './durable-file';
import { errnoCode, fsError } from './fs-errors';
import { KeyedMutex } from './mutex';
import type { DetectionRow } from './schemas';

/** Who is asking: a session satisfies this. */
export interface Scope {
  userId: string;
  role: Role;
}

/** history:list filters (the contract's parsed input). */
export interface DetectionQuery {
  search?: string;
  band?: VerdictBand;
  kind?: 'image' | 'video';
  ownerId?: string;
  status?: JobState;
  from?: string;
  to?: string;
  sort?: 'createdAt' | 'fileName' | 'probability';
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

const ACTIVE: JobState[] = ['queued', 'running'];

/** The effective band: an investigator's latest override wins, and is flagged as such. */
function effectiveBand(d: Detection): { band: VerdictBand; overridden: boolean } {
  for (let i = d.annotations.length - 1; i >= 0; i--) {
    const o = d.annotations[i]?.override;
    if (o) return { band: o.band, overridden: true };
  }
  return { band: d.verdict.band, overridden: false };
}

function rowOf(d: Detection): DetectionRow {
  const { band, overridden } = effectiveBand(d);
  return {
    _id: d.id,
    ownerId: d.ownerId,
    ownerName: d.ownerName,
    status: d.status,
    createdAt: d.createdAt,
    finishedAt: d.finishedAt,
    kind: d.kind,
    fileName: d.file.name,
    fileNameKey: d.file.name.toLowerCase(),
    sha256: d.file.hashes.sha256,
    band,
    probability: d.verdict.probability,
    overridden,
  };
}

/** The history-table view of an index row. */
export function summaryOf(r: DetectionRow): DetectionSummary {
  return {
    id: r._id,
    ownerId: r.ownerId,
    ownerName: r.ownerName,
    status: r.status,
    createdAt: r.createdAt,
    kind: r.kind,
    fileName: r.fileName,
    sha256: r.sha256,
    band: r.band,
    probability: r.probability,
    overridden: r.overridden,
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Normalise a date bound; a bare day as `to` includes that whole day. */
function bound(s: string, end: boolean): string {
  if (end && /^\d{4}-\d{2}-\d{2}$/.test(s)) return new Date(Date.parse(`${s}T00:00:00.000Z`) + 86_400_000).toISOString();
  return new Date(Date.parse(s)).toISOString();
}

/** Repository of detection records. */
export class DetectionsRepo {
  readonly recordsDir: string;
  private readonly locks = new KeyedMutex();

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

  private async readBody(id: string): Promise<Detection | null> {
    try {
      return JSON.parse(await fs.promises.readFile(this.bodyFile(id), 'utf8')) as Detection;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return null;
      if (e instanceof SyntaxError) throw new AppError('IO', `Record ${id} is damaged on disk and cannot be read.`);
      throw fsError(e, `record ${id}`);
    }
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
    return this.update(id, (d) => ({
      ...d,
      status,
      error: patch.error !== undefined ? patch.error : d.error,
      finishedAt: patch.finishedAt !== undefined ? patch.finishedAt : ACTIVE.includes(status) ? null : new Date(this.now()).toISOString(),
    }));
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

  /**
   * The nedb query for what the scope may see, filtered. Plain fields stay at the top level
   * so nedb can answer them from its indexes (owner, band, status, date) instead of a scan.
   */
  private scopedQuery(q: DetectionQuery, scope: Scope): Query {
    const query: Query = {};
    if (!canSeeAllRecords(scope.role)) {
      if (q.ownerId && q.ownerId !== scope.userId) throw new AppError('FORBIDDEN', 'You can only see your own records.');
      query.ownerId = scope.userId;
    } else if (q.ownerId) query.ownerId = q.ownerId;
    const s = q.search?.trim().toLowerCase();
    if (s) {
      const or: Query[] = [{ fileNameKey: { $regex: new RegExp(escapeRegex(s)) } }];
      if (/^[0-9a-f]{4,64}$/.test(s)) or.push({ sha256: { $regex: new RegExp(`^${s}`) } });
      query.$or = or;
    }
    if (q.band) query.band = q.band;
    if (q.kind) query.kind = q.kind;
    if (q.status) query.status = q.status;
    if (q.from || q.to) {
      query.createdAt = {
        ...(q.from ? { $gte: bound(q.from, false) } : {}),
        ...(q.to ? { $lt: bound(q.to, true) } : {}),
      };
    }
    return query;
  }

  /** A page of history, scoped by role, filtered, sorted. */
  async list(q: DetectionQuery, scope: Scope): Promise<HistoryPage> {
    const query = this.scopedQuery(q, scope);
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
    const rows = (await this.rows.find(this.scopedQuery({}, scope))) as DetectionRow[];
    const byBand: Record<VerdictBand, number> = { authentic: 0, inconclusive: 0, manipulated: 0, undetermined: 0 };
    const byKind = { image: 0, video: 0 };
    const perDayMap = new Map<string, number>();
    const perUserMap = new Map<string, { ownerName: string; count: number }>();
    const today = Date.parse(new Date(this.now()).toISOString().slice(0, 10));
    for (let i = days - 1; i >= 0; i--) perDayMap.set(new Date(today - i * 86_400_000).toISOString().slice(0, 10), 0);
    for (const r of rows) {
      byKind[r.kind]++;
      if (r.status === 'done') byBand[r.band]++;
      const day = r.createdAt.slice(0, 10);
      if (perDayMap.has(day)) perDayMap.set(day, (perDayMap.get(day) ?? 0) + 1);
      const u = perUserMap.get(r.ownerId) ?? { ownerName: r.ownerName, count: 0 };
      u.count++;
      perUserMap.set(r.ownerId, u);
    }
    const recent = [...rows].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)).slice(0, 10);
    return {
      total: rows.length,
      byBand,
      byKind,
      perDay: [...perDayMap].map(([day, count]) => ({ day, count })),
      perUser: [...perUserMap.values()].sort((a, b) => b.count - a.count || a.ownerName.localeCompare(b.ownerName)),
      recent: recent.map(summaryOf),
    };
  }

  /**
   * After a crash: records left queued/running are marked interrupted; bodies without a row
   * (crash during insert) are re-indexed; rows without a body (crash during delete) are dropped.
   */
  async recover(): Promise<{ interrupted: number; reindexed: number; dropped: number }> {
    let bodies: string[] = [];
    try {
      bodies = (await fs.promises.readdir(this.recordsDir)).filter((n) => /^[A-Za-z0-9_-]{1,64}\.json$/.test(n)).map((n) => n.slice(0, -5));
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw fsError(e, 'the records folder');
    }
    const rows = (await this.rows.find({})) as DetectionRow[];
    const rowIds = new Set(rows.map((r) => r._id));
    const bodyIds = new Set(bodies);
    let reindexed = 0;
    let dropped = 0;
    for (const id of bodies) {
      if (rowIds.has(id)) continue;
      const d = await this.readBody(id).catch(() => null);
      if (d && !detectionIssues(d)) {
        await this.rows.insert(rowOf(d));
        reindexed++;
      } else this.log.error('record body without index row could not be re-indexed; left on disk', { id });
    }
    for (const r of rows) {
      if (bodyIds.has(r._id)) continue;
      await this.rows.remove({ _id: r._id });
      dropped++;
    }
    let interrupted = 0;
    for (const r of (await this.rows.find({ status: { $in: ACTIVE } })) as DetectionRow[]) {
      await this.setStatus(r._id, 'interrupted', {
        error: { code: 'CANCELLED', message: 'The application stopped while this analysis was running.' },
      });
      interrupted++;
    }
    if (reindexed || dropped || interrupted) this.log.warn('recovered detection records', { interrupted, reindexed, dropped });
    return { interrupted, reindexed, dropped };
  }
}
