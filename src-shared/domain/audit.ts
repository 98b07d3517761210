/** Audit log entries: hash-chained, append-only. */

export const AUDIT_ACTIONS = [
  'auth.setup',
  'auth.login',
  'auth.login_failed',
  'auth.lockout',
  'auth.logout',
  'auth.password_changed',
  'account.created',
  'account.updated',
  'account.role_changed',
  'account.locked',
  'account.unlocked',
  'account.password_reset',
  'account.deleted',
  'analysis.started',
  'analysis.finished',
  'analysis.failed',
  'analysis.cancelled',
  'record.viewed',
  'record.annotated',
  'record.deleted',
  'report.exported',
  'settings.changed',
  'model.imported',
  'audit.exported',
  'audit.head_missing',
  'store.repaired',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  seq: number;
  time: string;
  actorId: string | null;
  actorName: string | null;
  action: AuditAction;
  target: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Where and how the chain broke. */
export interface AuditBreak {
  seq: number;
  kind: 'hash-mismatch' | 'prev-mismatch' | 'missing' | 'reordered' | 'unparseable' | 'head-missing';
  message: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  breaks: AuditBreak[];
  headHash: string | null;
}
