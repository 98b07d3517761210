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
  'camera.added',
  'camera.removed',
  'camera.checked',
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
  kind: 'hash-mismatch' | 'prev-mismatch' | 'missing' | 'reordered' | 'unparseable' | 'head-missing' | 'anchor-mismatch';
  message: string;
}

/**
 * An entry's number and hash as recorded outside the log: every PDF report carries the
 * newest entry at the moment it was issued. A log that no longer holds that hash at that
 * number was rewritten after the report left, however consistently its hashes were redone.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

/** An anchor compared with the log: `found` is the hash the log holds at that number now (null: no such entry). */
export interface AuditAnchorCheck extends AuditAnchor {
  found: string | null;
  matches: boolean;
}

/** `<seq>:<sha-256 hex>`, the form printed in reports and taken by `audit verify --anchor`. */
export function formatAnchor(a: AuditAnchor): string {
  return `${a.seq}:${a.hash}`;
}

/** Parse `<seq>:<hash>` (whitespace around it and upper-case hex are accepted); null when it is not one. */
export function parseAnchor(text: string): AuditAnchor | null {
  const m = /^\s*(\d{1,15}):([0-9a-fA-F]{64})\s*$/.exec(text);
  if (!m) return null;
  const seq = Number(m[1]);
  return seq >= 1 && Number.isSafeInteger(seq) ? { seq, hash: m[2]!.toLowerCase() } : null;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  breaks: AuditBreak[];
  /** Number and hash of the newest readable entry (null for an empty log): an anchor to keep elsewhere. */
  headSeq: number | null;
  headHash: string | null;
  /** Present when the check was given an anchor; a mismatch is also one of `breaks`. */
  anchor?: AuditAnchorCheck;
}
