/**
 * Export and verification of reports over the store: render a record, write the PDF
 * where the caller chose, hash what landed on disk, record the hash with the report and
 * in the audit log, and later say whether a given PDF is one this installation issued.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReportRecord, ReportVerifyResult } from '../../../src-shared/contract/reports';
import { formatAnchor, parseAnchor, type AuditAnchor } from '../../../src-shared/domain/audit';
import type { Detection } from '../../../src-shared/domain/detection';
import type { ModelManifest } from '../../../src-shared/domain/models';
import { AppError } from '../../../src-shared/result';
import type { AuditLog } from '../audit/audit-log';
import type { ArtifactStore } from '../db/artifacts';
import type { DetectionsRepo } from '../db/detections';
import { errnoCode, fsError } from '../db/fs-errors';
import type { ReportsRepo } from '../db/reports-repo';
import type { Logger } from '../log/logger';
import type { FontSet } from './fonts';
import { ANCHOR_MARKER, renderReportDetailed } from './render-report';
import type { ReportAuthor } from './report-input';

export interface ReportServiceDeps {
  detections: DetectionsRepo;
  artifacts: ArtifactStore;
  reportsRepo: ReportsRepo;
  audit: AuditLog;
  appVersion: string;
  /** Installed model manifests (for the Method section). */
  manifests: () => ModelManifest[];
  log: Logger;
  now?: () => number;
  timeZone?: string;
  fonts?: FontSet;
}

export interface ExportRequest {
  detectionId: string;
  destPath: string;
  author: ReportAuthor;
  caseReference?: string | null;
  notes?: string | null;
  /** The save dialog already asked; the CLI refuses to overwrite unless told to. */
  overwrite: boolean;
}

/** SHA-256 of a file, streamed. */
export async function sha256OfFile(file: string): Promise<string> {
  return (await scanReportFile(file)).sha256;
}

const ANCHOR_RE = new RegExp(`${ANCHOR_MARKER} (\\d{1,15}:[0-9a-f]{64})`);
/** Longest text the marker and its anchor span, kept between chunks so a match across a chunk boundary is found. */
const ANCHOR_SPAN = ANCHOR_MARKER.length + 1 + 15 + 1 + 64;

/**
 * One streamed pass over a file: its SHA-256, and the audit anchor a report written by this
 * application carries in its Keywords (the first one found; null when there is none). The
 * anchor is only meaningful once the hash has matched an issued report: anyone can write the
 * marker into a file of their own.
 */
export async function scanReportFile(file: string): Promise<{ sha256: string; anchor: AuditAnchor | null }> {
  const h = crypto.createHash('sha256');
  let anchor: AuditAnchor | null = null;
  let carry = '';
  for await (const chunk of fs.createReadStream(file)) {
    const buf = chunk as Buffer;
    h.update(buf);
    if (anchor) continue;
    // latin1 maps bytes to characters one to one: the ASCII marker is found wherever it lies.
    const text = carry + buf.toString('latin1');
    const m = ANCHOR_RE.exec(text);
    if (m) anchor = parseAnchor(m[1]!);
    carry = text.slice(-ANCHOR_SPAN);
  }
  return { sha256: h.digest('hex'), anchor };
}

/** Only a finished analysis can be reported: CONFLICT for one still running or one that stopped without a result. */
export function assertReportable(detection: Pick<Detection, 'status'>): void {
  if (detection.status === 'queued' || detection.status === 'running') throw new AppError('CONFLICT', 'The analysis is still running; export the report when it has finished.');
  // An interrupted, failed or cancelled record has no hashes, media or verdict: nothing a report could attest.
  if (detection.status !== 'done') throw new AppError('CONFLICT', `This analysis ${detection.status === 'interrupted' ? 'was interrupted' : `ended ${detection.status}`} before it finished, so there is nothing to report; re-run it first.`);
}

const MAX_VERIFY_BYTES = 2 * 1024 * 1024 * 1024;

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  private timeZone(): string {
    return this.deps.timeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  }

  /** Render, write, hash, record and audit one report. */
  async exportReport(req: ExportRequest): Promise<ReportRecord> {
    const { deps } = this;
    const dest = path.resolve(req.destPath.toLowerCase().endsWith('.pdf') ? req.destPath : `${req.destPath}.pdf`);
    const detection = await deps.detections.getScoped(req.detectionId, { userId: req.author.userId, role: req.author.role });
    assertReportable(detection);
    if (!req.overwrite && fs.existsSync(dest)) throw new AppError('CONFLICT', `${dest} already exists; choose another name.`);
    const dir = path.dirname(dest);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new AppError('NOT_FOUND', `The folder ${dir} does not exist.`);

    const reportId = crypto.randomUUID();
    const generatedAt = new Date((deps.now ?? Date.now)());
    // The newest entry now: printed in the report, so each copy later shows whether the log was rewritten.
    const auditAnchor = deps.audit.latest();
    const wanted = new Set(detection.models.map((m) => m.id));
    const rendered = await renderReportDetailed({
      reportId,
      detection,
      manifests: deps.manifests().filter((m) => wanted.has(m.id)),
      author: req.author,
      caseReference: req.caseReference ?? null,
      notes: req.notes ?? null,
      appVersion: deps.appVersion,
      generatedAt,
      timeZone: this.timeZone(),
      readArtifact: async (key) => {
        try {
          const a = await deps.artifacts.read(detection.id, key);
          return { data: a.data, mime: a.mime };
        } catch (e) {
          if (e instanceof AppError && (e.code === 'NOT_FOUND' || e.code === 'VALIDATION')) return null;
          throw e;
        }
      },
      ...(deps.fonts ? { fonts: deps.fonts } : {}),
      auditAnchor,
    });

    // Write beside the destination and rename, so a crash never leaves half a report under the chosen name.
    const tmp = path.join(dir, `.${path.basename(dest)}.${process.pid}.${reportId.slice(0, 8)}.tmp`);
    try {
      await fs.promises.writeFile(tmp, rendered.pdf, { flag: 'wx' });
      await fs.promises.rename(tmp, dest);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw fsError(e, `the report at ${dest}`);
    }
    const sha256 = await sha256OfFile(dest);
    const expected = crypto.createHash('sha256').update(rendered.pdf).digest('hex');
    if (sha256 !== expected) throw new AppError('IO', `The report written to ${dest} does not read back as written; the disk may be failing.`);

    const record = await deps.reportsRepo.insert({
      id: reportId,
      detectionId: detection.id,
      ownerId: detection.ownerId,
      fileName: detection.file.name,
      path: dest,
      sha256,
      authorId: req.author.userId,
      authorName: req.author.username,
      caseReference: req.caseReference ?? null,
      createdAt: generatedAt.toISOString(),
    });
    await deps.detections.addReport(detection.id, { id: record.id, path: dest, sha256, createdAt: record.createdAt });
    await deps.audit.append({
      actor: { userId: req.author.userId, username: req.author.username },
      action: 'report.exported',
      target: detection.id,
      details: {
        reportId,
        path: dest,
        sha256,
        bytes: rendered.pdf.length,
        pages: rendered.pages,
        evidenceSha256: detection.file.hashes.sha256,
        caseReference: req.caseReference ?? null,
        auditAnchor: auditAnchor ? formatAnchor(auditAnchor) : null,
      },
    });
    deps.log.info('report exported', { reportId, detectionId: detection.id, pages: rendered.pages, bytes: rendered.pdf.length });
    return record;
  }

  /** Hash a file and look it up among issued reports. */
  async verify(file: string): Promise<ReportVerifyResult> {
    const abs = path.resolve(file);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(abs);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw new AppError('NOT_FOUND', `No file at ${abs}.`);
      throw fsError(e, abs);
    }
    if (!st.isFile()) throw new AppError('VALIDATION', `${abs} is not a regular file.`);
    if (st.size > MAX_VERIFY_BYTES) throw new AppError('LIMIT_EXCEEDED', `${abs} is larger than any report this application writes.`);
    const { sha256, anchor: printed } = await scanReportFile(abs);
    const report = await this.deps.reportsRepo.findBySha256(sha256);
    // The reports list is an ordinary file; the export is attested by its entry in the hash-chained audit log.
    const entry = this.deps.audit.findLast((e) => e.action === 'report.exported' && e.details.sha256 === sha256);
    // A file this installation issued carries the newest audit entry of that moment; the log
    // must still hold it. (In any other file the marker means nothing.)
    const known = report !== null || entry !== null;
    const chain = await this.deps.audit.verify(known && printed ? { anchor: printed } : {});
    const chainOk = chain.ok;
    const anchor = chain.anchor ?? null;
    const auditEntry = entry ? { seq: entry.seq, time: entry.time, actorName: entry.actorName } : null;
    const issued = report !== null && entry !== null && chainOk;
    let note: string;
    if (!known) note = 'No report with this SHA-256 was issued by this installation: the file was changed after export (one byte is enough), or it comes from elsewhere.';
    else if (anchor && !anchor.matches) {
      note = `This report was issued when audit entry ${anchor.seq} read ${anchor.hash.slice(0, 16)}…, and the audit log ${anchor.found === null ? `no longer holds a readable entry ${anchor.seq}` : `now reads ${anchor.found.slice(0, 16)}… there`}: the log was rewritten after this report was issued, so neither the log nor this export can be confirmed from it. Keep this file: it is evidence of the rewrite.`;
    } else if (report && !entry) note = 'The list of issued reports names this file, but the audit log has no record of its export: the list was altered, so this cannot be confirmed.';
    else if (!report && entry) note = `The audit log records this export (entry ${entry.seq}), but the list of issued reports no longer names it: the list was altered, so this cannot be confirmed.`;
    else if (!chainOk) note = `Recorded as issued (audit entry ${entry!.seq}), but the audit log fails verification (Admin › Audit log), so this cannot be confirmed.`;
    else {
      note = `Issued by this installation and unchanged since: the export is audit entry ${entry!.seq}, and the audit chain verifies${
        anchor ? `, still holding entry ${anchor.seq} as this report recorded it when issued` : ' (this report predates audit anchors, so a rewrite of the whole log could not be seen from it)'
      }.`;
    }
    return { path: abs, sha256, issued, report, auditEntry, chainOk, anchor, note, inScope: true };
  }
}
