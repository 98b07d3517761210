/**
 * The audit hash chain, as pure functions: each entry's hash covers its content and the
 * previous entry's hash, so editing, deleting or reordering entries on disk is detected,
 * and verify() says exactly which entry and how.
 */
import crypto from 'node:crypto';
import { AUDIT_ACTIONS, type AuditAnchor, type AuditAnchorCheck, type AuditBreak, type AuditEntry, type AuditVerifyResult } from '../../../src-shared/domain/audit';

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the hash never depends on key order. */
export function canonicalJson(v: unknown): string {
  // Loops and string concatenation rather than map/filter/join: verify() runs this on every
  // entry of the log (see README "Performance"); the output is the same character for character.
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + canonicalJson(v[i]);
    return s + ']';
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const x = o[k];
    if (x === undefined) continue;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(x);
    first = false;
  }
  return s + '}';
}

/** The fields an entry's hash covers (everything but the hash itself). */
type EntryBody = Omit<AuditEntry, 'hash'>;

/**
 * canonicalJson of the hashed body, written out directly: its top-level keys are fixed, so
 * only `details` needs sorting. Equal to canonicalJson({seq, time, …, prevHash}) whenever no
 * top-level field is undefined (parseEntry guarantees that); otherwise the generic path runs.
 */
export function canonicalBody(e: EntryBody): string {
  if (e.seq === undefined || e.time === undefined || e.actorId === undefined || e.actorName === undefined || e.action === undefined || e.target === undefined || e.details === undefined || e.prevHash === undefined) {
    return canonicalJson({ seq: e.seq, time: e.time, actorId: e.actorId, actorName: e.actorName, action: e.action, target: e.target, details: e.details, prevHash: e.prevHash });
  }
  return (
    '{"action":' + scalarJson(e.action) +
    ',"actorId":' + scalarJson(e.actorId) +
    ',"actorName":' + scalarJson(e.actorName) +
    ',"details":' + canonicalJson(e.details) +
    ',"prevHash":' + scalarJson(e.prevHash) +
    ',"seq":' + scalarJson(e.seq) +
    ',"target":' + scalarJson(e.target) +
    ',"time":' + scalarJson(e.time) +
    '}'
  );
}

/** canonicalJson, with the common scalar cases first. */
function scalarJson(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  return canonicalJson(v);
}

/** One-shot SHA-256 (crypto.hash where Node has it: no Hash object per entry). */
const sha256hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash: (alg: string, data: string, enc: 'hex') => string }).hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The hash an entry must carry: SHA-256 of the canonical JSON of every field but the hash. */
export function entryHash(e: EntryBody): string {
  return sha256hex(canonicalBody(e));
}

/** 64 lower-case hex digits (a loop: faster than the equivalent regex on every entry). */
function isHex64(x: unknown): x is string {
  if (typeof x !== 'string' || x.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = x.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

const ACTIONS = new Set<string>(AUDIT_ACTIONS);
const okStr = (x: unknown) => x === null || typeof x === 'string';

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
    !isHex64(e.prevHash) ||
    !isHex64(e.hash)
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

/**
 * Walk the chain as stored and report every break, in sequence order. `head` is the record
 * of the last entry appended; `expectHead` (the live log, not an exported copy) makes its
 * absence a break. `anchor` (an entry's number and hash kept outside the log, e.g. printed
 * in a report) must still be in the chain as recorded: otherwise the log was rewritten after
 * the anchor was taken, which no check inside the log can see.
 */
export function verifyChain(text: string, head: AuditHead | null = null, opts: { expectHead?: boolean; anchor?: AuditAnchor } = {}): AuditVerifyResult {
  const breaks: AuditBreak[] = [];
  // Only the two hashes of each entry are kept for the chain checks below, so the parsed
  // entries (details included) die young instead of filling the old generation.
  const bySeq = new Map<number, { hash: string; prevHash: string }>();
  const unreadable = new Set<number>();
  const headMissingAt: number[] = [];
  let maxSeen = 0;
  let lastSeq = 0;
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    const e = parseEntry(line);
    if (!e) {
      const m = /"seq"\s*:\s*(\d+)/.exec(line);
      const seq = m ? Number(m[1]) : lastSeq + 1;
      unreadable.add(seq);
      lastSeq = seq;
      breaks.push({ seq, kind: 'unparseable', message: `Entry ${seq} (line ${lineNo}) cannot be read: it was altered or damaged.` });
      continue;
    }
    lastSeq = e.seq;
    if (bySeq.has(e.seq)) {
      breaks.push({ seq: e.seq, kind: 'reordered', message: `Entry ${e.seq} appears again at line ${lineNo}: entries were duplicated or replayed.` });
      continue;
    }
    if (e.seq < maxSeen) {
      breaks.push({ seq: e.seq, kind: 'reordered', message: `Entry ${e.seq} (line ${lineNo}) is stored after entry ${maxSeen}: entries were reordered.` });
    }
    bySeq.set(e.seq, { hash: e.hash, prevHash: e.prevHash });
    if (e.action === 'audit.head_missing') headMissingAt.push(e.seq);
    maxSeen = Math.max(maxSeen, e.seq);
    if (entryHash(e) !== e.hash) {
      breaks.push({ seq: e.seq, kind: 'hash-mismatch', message: `Entry ${e.seq} (line ${lineNo}, ${e.action}) was modified after it was written.` });
    }
  }
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
  // Without the head, a log cut short looks whole. Missing now: say so. Missing at an earlier
  // start: the app wrote audit.head_missing into the chain then, and it stays a break.
  if (opts.expectHead && !head && maxSeen > 0) {
    breaks.push({ seq: maxSeen, kind: 'head-missing', message: `The record of the last entry appended (activity_logs.head.json) is missing or unreadable: entries deleted from the end of the log after entry ${maxSeen} could not be detected.` });
  }
  for (const seq of headMissingAt) {
    breaks.push({ seq, kind: 'head-missing', message: `When the application started before entry ${seq}, the record of the last entry appended was missing: entries deleted from the end of the log before then cannot be ruled out.` });
  }
  if (head && bySeq.get(head.seq) && bySeq.get(head.seq)?.hash !== head.hash) {
    breaks.push({ seq: head.seq, kind: 'hash-mismatch', message: `Entry ${head.seq} differs from the last entry recorded when it was appended.` });
  }
  let anchor: AuditAnchorCheck | undefined;
  if (opts.anchor) {
    const found = bySeq.get(opts.anchor.seq)?.hash ?? null;
    anchor = { seq: opts.anchor.seq, hash: opts.anchor.hash, found, matches: found === opts.anchor.hash };
    if (!anchor.matches) {
      breaks.push({
        seq: opts.anchor.seq,
        kind: 'anchor-mismatch',
        message:
          found === null
            ? `Entry ${opts.anchor.seq} was recorded outside the log (hash ${opts.anchor.hash.slice(0, 16)}…) but the log no longer holds a readable entry ${opts.anchor.seq}: entries were removed after that record was made.`
            : `Entry ${opts.anchor.seq} was recorded outside the log with hash ${opts.anchor.hash.slice(0, 16)}…, but the log now holds ${found.slice(0, 16)}… there: the log was rewritten after that record was made.`,
      });
    }
  }
  breaks.sort((a, b) => a.seq - b.seq);
  const top = bySeq.get(maxSeen);
  return { ok: breaks.length === 0, entries: bySeq.size, breaks, headSeq: top ? maxSeen : null, headHash: top ? top.hash : null, ...(anchor ? { anchor } : {}) };
}
