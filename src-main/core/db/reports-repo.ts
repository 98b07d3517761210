/** Records of exported PDF reports: which file, its hash, who issued it, for which record. */
import crypto from 'node:crypto';
import type { ReportRecord } from '../../../src-shared/contract/reports';
import { AppError } from '../../../src-shared/result';
import { canSeeAllRecords } from '../../../src-shared/roles';
import type { Collection } from './collection';
import type { Scope } from './detections';
import type { ReportDoc } from './schemas';

export interface NewReport {
  /** The id printed in the PDF (defaults to a new UUID). */
  id?: string;
  detectionId: string;
  /** Owner of the analysed record (reports are visible to whoever may see that record). */
  ownerId: string;
  fileName: string;
  path: string;
  sha256: string;
  authorId: string;
  authorName: string;
  caseReference?: string | null;
  /** Defaults to now. */
  createdAt?: string;
}

/** The contract's view of a stored report. */
export function reportRecordOf(d: ReportDoc): ReportRecord {
  return {
    id: d._id,
    detectionId: d.detectionId,
    ownerId: d.ownerId,
    path: d.path,
    sha256: d.sha256,
    createdAt: d.createdAt,
    authorId: d.authorId,
    authorName: d.authorName,
    fileName: d.fileName,
  };
}

/** Repository of exported reports (core.reportsRepo). */
export class ReportsRepo {
  constructor(
    private readonly docs: Collection<ReportDoc>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record an exported report durably. */
  async insert(r: NewReport): Promise<ReportRecord> {
    const doc: ReportDoc = {
      _id: r.id ?? crypto.randomUUID(),
      detectionId: r.detectionId,
      ownerId: r.ownerId,
      fileName: r.fileName,
      path: r.path,
      sha256: r.sha256.toLowerCase(),
      createdAt: r.createdAt ?? new Date(this.now()).toISOString(),
      authorId: r.authorId,
      authorName: r.authorName,
      caseReference: r.caseReference ?? null,
    };
    return reportRecordOf(await this.docs.insert(doc));
  }

  /** Reports the scope may see (own records' reports, or all for investigators and admins), newest first. */
  async list(scope: Scope, opts: { detectionId?: string } = {}): Promise<ReportRecord[]> {
    const q: Record<string, unknown> = {};
    if (!canSeeAllRecords(scope.role)) q.ownerId = scope.userId;
    if (opts.detectionId) q.detectionId = opts.detectionId;
    const docs = (await this.docs.find(q).sort({ createdAt: -1, _id: -1 })) as ReportDoc[];
    return docs.map(reportRecordOf);
  }

  /** One report by id within scope; NOT_FOUND otherwise. */
  async get(id: string, scope: Scope): Promise<ReportRecord> {
    const d = await this.docs.findOne({ _id: id });
    if (!d || (!canSeeAllRecords(scope.role) && d.ownerId !== scope.userId)) throw new AppError('NOT_FOUND', `Report ${id} not found.`);
    return reportRecordOf(d);
  }

  /** The report issued with exactly this SHA-256, if any (unscoped: used to verify a PDF). */
  async findBySha256(sha256: string): Promise<ReportRecord | null> {
    const d = await this.docs.findOne({ sha256: sha256.toLowerCase() });
    return d ? reportRecordOf(d) : null;
  }
}
