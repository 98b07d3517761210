/**
 * The audit hash chain, as pure functions: each entry's hash covers its content and the
 * previous entry's hash, so editing, deleting or reordering entries on disk is detected,
 * and verify() says exactly which entry and how.
 */
import crypto from 'node:crypto';
import { AUDIT_ACTIONS, type AuditBreak, type AuditEntry, type AuditVerifyResult } from '../../../src-shared/domain/audit';

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the hash never depends on key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The hash an entry must carry. */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = {
    seq: e.seq,
    time: e.time,
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action,
    target: e.target,
    details: e.details,
    prevHash: e.prevHash,
  };
  return crypto.createHash('sha256').update(canonicalJson(body)).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;
const ACTIONS = new Set<string>(AUDIT_ACTIONS);

/** Parse one stored line into an entry, or null when it is not one. */
export function parseEntry(line: string): AuditEntry | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  const okStr = (x: unknown) => x === null || typeof x === 'string';
  if (
    !Number.isSafeInteger(e.seq) ||
    (e.seq as number) < 1 ||
    typeof e.time !== 'string' ||
    !okStr(e.actorId) ||
    !okStr(e.actorName) ||
    typeof e.action !== 'string' ||
    !ACTIONS.has(e.action) ||
    !okStr(e.target) ||
    typeof e.details !== 'object' ||
    e.details === null ||
    Array.isArray(e.details) ||
    typeof e.prevHash !== 'string' ||
    !HEX64.test(e.prevHash) ||
    typeof e.hash !== 'string' ||
    !HEX64.test(e.hash)
  ) {
    return null;
  }
  return e as unknown as AuditEntry;
}

/** The highest sequence number and hash ever appended, kept beside the log to catch a cut-off tail. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Split stored text into lines, dropping the empty string after the final newline. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Walk the chain as stored and report every break, in sequence order. */
export function verifyChain(text: string, head: AuditHead | null = null): AuditVerifyResult {
  const breaks: AuditBreak[] = [];
  const bySeq = new Map<number, AuditEntry>();
  const unreadable = new Set<number>();
  let maxSeen = 0;
  let lastSeq = 0;
  splitLines(text).forEach((line, i) => {
    const lineNo = i + 1;
    const e = parseEntry(line);
    if (!e) {
      const m = /"seq"\s*:\s*(\d+)/.exec(line);
      const seq = m ? Number(m[1]) : lastSeq + 1;
      unreadable.add(seq);
      lastSeq = seq;
      breaks.push({ seq, kind: 'unparseable', message: `Entry ${seq} (line ${lineNo}) cannot be read: it was altered or damaged.` });
      return;
    }
    lastSeq = e.seq;
    if (bySeq.has(e.seq)) {
      breaks.push({ seq: e.seq, kind: 'reordered', message: `Entry ${e.seq} appears again at line ${lineNo}: entries were duplicated or replayed.` });
      return;
    }
    if (e.seq < maxSeen) {
      breaks.push({ seq: e.seq, kind: 'reordered', message: `Entry ${e.seq} (line ${lineNo}) is stored after entry ${maxSeen}: entries were reordered.` });
    }
    bySeq.set(e.seq, e);
    maxSeen = Math.max(maxSeen, e.seq);
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) {
      breaks.push({ seq: e.seq, kind: 'hash-mismatch', message: `Entry ${e.seq} (line ${lineNo}, ${e.action}) was modified after it was written.` });
    }
  });
  const last = Math.max(maxSeen, head?.seq ?? 0);
  let runStart: number | null = null;
  for (let s = 1; s <= last + 1; s++) {
    const gone = s <= last && !bySeq.has(s) && !unreadable.has(s);
    if (gone && runStart === null) runStart = s;
    if (!gone && runStart !== null) {
      const end = s - 1;
      const tail = end === last && end > maxSeen ? ' from the end of the log' : '';
      breaks.push({
        seq: runStart,
        kind: 'missing',
        message: runStart === end ? `Entry ${runStart} is missing${tail}: it was deleted.` : `Entries ${runStart}–${end} are missing${tail}: they were deleted.`,
      });
      runStart = null;
    }
  }
  for (const [seq, e] of bySeq) {
    const expected = seq === 1 ? GENESIS_HASH : bySeq.get(seq - 1)?.hash;
    if (expected !== undefined && e.prevHash !== expected) {
      breaks.push({
        seq,
        kind: 'prev-mismatch',
        message: `Entry ${seq} does not follow entry ${seq - 1}: the chain is broken between them (an entry was rewritten or replaced).`,
      });
    }
  }
  if (head && bySeq.get(head.seq) && bySeq.get(head.seq)?.hash !== head.hash) {
    breaks.push({ seq: head.seq, kind: 'hash-mismatch', message: `Entry ${head.seq} differs from the last entry recorded when it was appended.` });
  }
  breaks.sort((a, b) => a.seq - b.seq);
  const top = bySeq.get(maxSeen);
  return { ok: breaks.length === 0, entries: bySeq.size, breaks, headHash: top ? top.hash : null };
}
