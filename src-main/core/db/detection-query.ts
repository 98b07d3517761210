/** Pure helpers of the detections repository: index rows, summaries, history queries, statistics. */
import type { DashboardStats } from '../../../src-shared/contract/history';
import type { Detection, DetectionSummary, JobState, VerdictBand } from '../../../src-shared/domain/detection';
import { AppError } from '../../../src-shared/result';
import { canSeeAllRecords, type Role } from '../../../src-shared/roles';
import type { Query } from './collection';
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

/** The effective band: an investigator's latest override wins, and is flagged as such. */
function effectiveBand(d: Detection): { band: VerdictBand; overridden: boolean } {
  for (let i = d.annotations.length - 1; i >= 0; i--) {
    const o = d.annotations[i]?.override;
    if (o) return { band: o.band, overridden: true };
  }
  return { band: d.verdict.band, overridden: false };
}

/** The index row stored for a record. */
export function rowOf(d: Detection): DetectionRow {
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

/**
 * The nedb query for what the scope may see, filtered. Plain fields stay at the top level
 * so nedb can answer them from its indexes (owner, band, status, date) instead of a scan.
 */
export function historyQuery(q: DetectionQuery, scope: Scope): Query {
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

/** Dashboard numbers over index rows: verdict split of finished analyses, per day (UTC), per user, recent. */
export function dashboardStats(rows: DetectionRow[], now: number, days = 30): DashboardStats {
  const byBand: Record<VerdictBand, number> = { authentic: 0, inconclusive: 0, manipulated: 0, undetermined: 0 };
  const byKind = { image: 0, video: 0 };
  const perDayMap = new Map<string, number>();
  const perUserMap = new Map<string, { ownerName: string; count: number }>();
  const today = Date.parse(new Date(now).toISOString().slice(0, 10));
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
