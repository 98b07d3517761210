/**
 * Checks an nedb datafile before nedb loads it. nedb silently drops unparseable lines (and
 * refuses to start past 10 % of them), then rewrites the file — which would destroy the
 * only copy of whatever was damaged. It also loads, unchecked, any line that parses, so a
 * document that breaks the collection's schema would reach every reader (and make the next
 * write of it fail). Here a torn last line (a write cut off by a crash, never acknowledged)
 * is trimmed; unparseable lines and documents that fail validation are set aside to a
 * quarantine file beside the datafile; and in every case the original file is first copied
 * aside, so nothing stored is ever lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fsyncFile, writeFileAtomic } from './durable-file';
import { errnoCode } from './fs-errors';

/** A document that parsed but was set aside because it failed validation. */
export interface SetAsideDocument {
  /** The document's _id as nedb would key it; null when it had none (nedb would drop it silently). */
  id: string | null;
  /** 1-based line numbers of every line of this document (its versions and deletions), all set aside. */
  lines: number[];
  /** Why (the first few schema issues of the version nedb would have loaded). */
  reasons: string[];
}

export interface RepairReport {
  file: string;
  /** A torn final line was trimmed (an interrupted, unacknowledged write). */
  tornTail: boolean;
  /** 1-based line numbers that could not be parsed (besides a torn tail). */
  corruptLines: number[];
  /** Documents that parsed but failed validation: set aside, not loaded. */
  invalidDocuments: SetAsideDocument[];
  /** Side file holding the set-aside lines exactly as they were (null when none). */
  quarantine: string | null;
  /** Copy of the file as found, kept when anything was changed. */
  backup: string | null;
}

/** How to check the documents of one collection while repairing its datafile. */
export interface DocumentChecks {
  /** The issues of a document as nedb would load it, or null when it is valid. */
  issues(doc: Record<string, unknown>): string[] | null;
  /** Fields with a unique index: valid documents sharing a value are all set aside (which one is genuine cannot be told). */
  unique?: string[];
}

/** The audit-log details of a repair (what was set aside, by line, id and reason; where the originals are). */
export function repairAuditDetails(r: RepairReport): Record<string, unknown> {
  return {
    tornTail: r.tornTail,
    corruptLines: r.corruptLines.slice(0, 100),
    invalidDocuments: r.invalidDocuments.slice(0, 100).map((d) => ({ id: d.id, lines: d.lines.slice(0, 20), reasons: d.reasons })),
    quarantine: r.quarantine,
    backup: r.backup,
  };
}

/** Quarantine files beside a datafile, oldest first: lines set aside at this or any earlier open. */
export async function quarantineFilesOf(file: string): Promise<string[]> {
  const prefix = `${path.basename(file)}.quarantine-`;
  try {
    const names = await fs.promises.readdir(path.dirname(file));
    return names
      .filter((n) => n.startsWith(prefix))
      .sort()
      .map((n) => path.join(path.dirname(file), n));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return [];
    throw e;
  }
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

/** A file name not taken yet (two repairs in one millisecond must not overwrite each other). */
async function freshName(base: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? base : `${base}-${i}`;
    try {
      await fs.promises.access(candidate);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return candidate;
      throw e;
    }
  }
}

/** Parse one line as nedb does (JSON with {$$date} revived as a Date); null when it is not a JSON object. */
export function parseLine(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line, function (k, val: unknown) {
      if (k === '$$date') return new Date(val as number);
      if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean' || val === null) return val;
      const date = (val as { $$date?: unknown } | undefined)?.$$date;
      return date ? date : val;
    });
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isMetaLine(doc: Record<string, unknown>): boolean {
  const created = doc.$$indexCreated as { fieldName?: unknown } | undefined;
  return (typeof created === 'object' && created !== null && created.fieldName != null) || typeof doc.$$indexRemoved === 'string';
}

/**
 * Which lines nedb would load as which documents, and which of those to set aside. Mirrors
 * nedb's own reading: a line with a truthy _id sets (or, with $$deleted, deletes) the document
 * keyed by String(_id), the last line winning; index lines are kept; anything else is dropped
 * by nedb, so it is set aside here instead.
 */
function findInvalid(lines: { text: string; no: number; doc: Record<string, unknown> }[], checks: DocumentChecks): SetAsideDocument[] {
  const byId = new Map<string, { lines: number[]; live: Record<string, unknown> | null }>();
  const out: SetAsideDocument[] = [];
  for (const { no, doc } of lines) {
    if (doc._id) {
      const key = String(doc._id as string | number);
      const e = byId.get(key) ?? { lines: [], live: null };
      e.lines.push(no);
      e.live = doc.$$deleted === true ? null : doc;
      byId.set(key, e);
    } else if (!isMetaLine(doc)) {
      out.push({ id: null, lines: [no], reasons: ['_id: missing (not a document nedb can load)'] });
    }
  }
  const valid: [string, Record<string, unknown>][] = [];
  for (const [id, e] of byId) {
    if (!e.live) continue;
    const issues = checks.issues(e.live);
    // Bounded: an unknown key's name is quoted in its issue, and it could be any length.
    if (issues) out.push({ id: id.slice(0, 200), lines: e.lines, reasons: issues.map((i) => i.slice(0, 300)) });
    else valid.push([id, e.live]);
  }
  for (const field of checks.unique ?? []) {
    const holders = new Map<string, string[]>();
    for (const [id, doc] of valid) {
      const v = JSON.stringify(doc[field] ?? null);
      holders.set(v, [...(holders.get(v) ?? []), id]);
    }
    for (const [v, ids] of holders) {
      if (ids.length < 2) continue;
      for (const id of ids) {
        if (out.some((d) => d.id === id)) continue;
        out.push({ id, lines: byId.get(id)?.lines ?? [], reasons: [`${field}: ${v} is shared by ${ids.join(', ')} (unique)`] });
      }
    }
  }
  return out.sort((a, b) => (a.lines[0] ?? 0) - (b.lines[0] ?? 0));
}

/**
 * Inspect and, when needed, repair a datafile in place; null when it was clean or absent.
 * With checks, documents that fail them are set aside like unparseable lines.
 */
export async function repairDatafile(file: string, now: number = Date.now(), checks?: DocumentChecks): Promise<RepairReport | null> {
  let raw: string;
  try {
    raw = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
  if (raw.length === 0) return null;
  const lines = raw.split('\n');
  const endsWithNewline = raw.endsWith('\n');
  // split() leaves '' after a final newline; without one, the last element is a partial line.
  const last = lines.pop() ?? '';
  let tornTail = false;
  if (!endsWithNewline && last.length > 0) {
    if (parseLine(last)) lines.push(last);
    else tornTail = true;
  }
  const corruptLines: number[] = [];
  const parsed: { text: string; no: number; doc: Record<string, unknown> }[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const doc = parseLine(text);
    if (doc) parsed.push({ text, no: i + 1, doc });
    else corruptLines.push(i + 1);
  });
  const invalidDocuments = checks ? findInvalid(parsed, checks) : [];
  if (!tornTail && corruptLines.length === 0 && invalidDocuments.length === 0) {
    if (!endsWithNewline) {
      // A complete final record without its newline: nedb's next append would glue onto it.
      await fs.promises.appendFile(file, '\n');
      await fsyncFile(file);
    }
    return null;
  }
  const setAside = new Set([...corruptLines, ...invalidDocuments.flatMap((d) => d.lines)]);
  const bad = lines.filter((_, i) => setAside.has(i + 1));
  const good = parsed.filter((p) => !setAside.has(p.no)).map((p) => p.text);
  const kind = corruptLines.length ? 'corrupt' : invalidDocuments.length ? 'invalid' : 'torn';
  const backup = await freshName(`${file}.${kind}-${stamp(now)}.bak`);
  await fs.promises.copyFile(file, backup, fs.constants.COPYFILE_EXCL);
  await fsyncFile(backup);
  let quarantine: string | null = null;
  if (bad.length) {
    quarantine = await freshName(`${file}.quarantine-${stamp(now)}`);
    await writeFileAtomic(quarantine, bad.join('\n') + '\n');
  }
  await writeFileAtomic(file, good.length ? good.join('\n') + '\n' : '');
  return { file, tornTail, corruptLines, invalidDocuments, quarantine, backup };
}
