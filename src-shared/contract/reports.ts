import { z } from 'zod';
import { channel } from './define';
import { zEmpty, zId, zPath } from './common';
import { ANY_ROLE } from '../roles';
import type { AuditAnchorCheck } from '../domain/audit';

export interface ReportRecord {
  id: string;
  detectionId: string;
  /** Owner of the record the report was made from (scopes who may see the report's details). */
  ownerId: string;
  path: string;
  sha256: string;
  createdAt: string;
  authorId: string;
  authorName: string;
  fileName: string;
}

export interface ReportVerifyResult {
  path: string;
  sha256: string;
  /**
   * True only when the reports list names this SHA-256, the audit log holds its
   * report.exported entry, and the audit chain verifies: the list alone is an ordinary file.
   */
  issued: boolean;
  report: ReportRecord | null;
  /** The audit entry that recorded the export, when there is one. */
  auditEntry: { seq: number; time: string; actorName: string | null } | null;
  /** Whether the audit chain verified when the check ran (including the report's anchor, when it has one). */
  chainOk: boolean;
  /**
   * The audit entry printed in the report when it was issued (the newest one then), checked
   * against the log as it is now; null when the file is not a known report or predates anchors.
   * A mismatch means the log was rewritten after the report was issued.
   */
  anchor: AuditAnchorCheck | null;
  /** What the check found, in a sentence. */
  note: string;
  /**
   * False when the report belongs to a record the caller may not see: `report` is then null
   * (its evidence file name, path and author stay in the record's scope) and `issued` still
   * answers the question.
   */
  inScope: boolean;
}

export const reportChannels = {
  'reports:export': channel<ReportRecord | null>()({
    input: z
      .object({
        detectionId: zId,
        caseReference: z.string().max(200).optional(),
        notes: z.string().max(5000).optional(),
      })
      .strict(),
    access: ANY_ROLE,
    description: 'Write a PDF report to a path the user picks in main\'s save dialog (null when cancelled).',
  }),
  'reports:list': channel<ReportRecord[]>()({
    input: zEmpty,
    access: ANY_ROLE,
    description: 'Exported reports (own, or all for investigators and admins).',
  }),
  'reports:reveal': channel<null>()({
    input: z.object({ id: zId }).strict(),
    access: ANY_ROLE,
    description: 'Open the folder holding an exported report.',
  }),
  'reports:verify': channel<ReportVerifyResult>()({
    input: z.object({ path: zPath }).strict(),
    access: ANY_ROLE,
    description: 'Hash a PDF and say whether it is a report this installation issued.',
  }),
} as const;
