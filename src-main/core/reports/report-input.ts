/** What a report is made from: everything is passed in, so rendering needs no store. */
import type { AuditAnchor } from '../../../src-shared/domain/audit';
import type { Detection } from '../../../src-shared/domain/detection';
import type { ModelManifest } from '../../../src-shared/domain/models';
import type { Role } from '../../../src-shared/roles';
import type { FontSet } from './fonts';

/** Who issues the report. */
export interface ReportAuthor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
}

/** An evidence image as stored (PNG or JPEG bytes). */
export interface ReportImage {
  data: Buffer;
  mime: string;
}

/** Input of renderReport. */
export interface ReportInput {
  /** Printed on every page and stored with the report record. */
  reportId: string;
  detection: Detection;
  /** Manifests of the models named in detection.models (missing ones are reported as such). */
  manifests: ModelManifest[];
  author: ReportAuthor;
  caseReference?: string | null;
  notes?: string | null;
  appVersion: string;
  /** When the report is generated (ISO string or Date). */
  generatedAt: string | Date;
  /** IANA time zone in which times are printed (UTC is always printed too). */
  timeZone: string;
  /** Reads an artifact of the record by key; null when it is missing. */
  readArtifact: (key: string) => Promise<ReportImage | null>;
  /** Fonts (defaults to the bundled set plus system fallbacks). */
  fonts?: FontSet;
  /**
   * The newest audit entry when the report is issued: printed in the integrity section and
   * written into the PDF's Keywords (`mediaguard-audit-anchor <seq>:<hash>`), so every copy
   * of the report can later show whether the log was rewritten. Null or absent: not printed.
   */
  auditAnchor?: AuditAnchor | null;
}
