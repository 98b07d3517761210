/**
 * The activity log (the `activity_logs` collection): an append-only, hash-chained JSON-lines
 * file, fsynced on every append. It is deliberately not an nedb datafile: nedb rewrites its
 * file on load and compaction, silently dropping damaged lines and re-sorting the rest —
 * exactly the evidence verify() must see. A head file records the last seq and hash so a
 * log cut short at the end is noticed too.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AuditAction, AuditAnchor, AuditEntry, AuditVerifyResult } from '../../../src-shared/domain/audit';
import type { AuditPage } from '../../../src-shared/contract/admin';
import { AppError } from '../../../src-shared/result';
import type { Logger } from '../log/logger';
import { appendDurable, fsyncFile, trimTornTail, writeFileAtomic } from '../db/durable-file';
import { errnoCode, fsError } from '../db/fs-errors';
import { Mutex } from '../db/mutex';
import { GENESIS_HASH, entryHash, parseEntry, splitLines, verifyChain, type AuditHead } from './chain';

/** Who did it: a session satisfies this; null for the system itself. */
export type AuditActor = { userId: string; username: string } | null;

export interface AuditInput {
  actor: AuditActor;
  action: AuditAction;
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  offset?: number;
  limit?: number;
}

/** The audit service (core.audit). */
export class AuditLog {
  readonly file: string;
  readonly headFile: string;
  private entries: AuditEntry[] = [];
  private nextSeq = 1;
  private prevHash = GENESIS_HASH;
  private readonly lock = new Mutex();
  /**
   * The log had entries but no readable head at open: entries cut from its end could no
   * longer be detected. The core records this in the chain itself (audit.head_missing), so
   * the next append, which rewrites the head, cannot hide it.
   */
  headWasMissing = false;

  private constructor(
    dir: string,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    this.file = path.join(dir, 'activity_logs.jsonl');
    this.headFile = path.join(dir, 'activity_logs.head.json');
  }

  /** Open the log in a directory (the store's db folder). */
  static async open(dir: string, log: Logger, now: () => number = Date.now): Promise<AuditLog> {
    const a = new AuditLog(dir, log, now);
    await a.load();
    return a;
  }

  private async readHead(): Promise<AuditHead | null> {
    try {
      const h = JSON.parse(await fs.promises.readFile(this.headFile, 'utf8')) as Partial<AuditHead>;
      return typeof h.seq === 'number' && typeof h.hash === 'string' ? { seq: h.seq, hash: h.hash } : null;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' || e instanceof SyntaxError) return null;
      throw fsError(e, 'the audit log');
    }
  }

  private async load(): Promise<void> {
    let text = '';
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw fsError(e, 'the audit log');
    }
    if (text.length && !text.endsWith('\n')) {
      // A final line without its newline is an append cut off by a crash before it was
      // acknowledged. Set it aside (never silently delete) and end the file cleanly.
      const cut = text.lastIndexOf('\n') + 1;
      const torn = text.slice(cut);
      if (parseEntry(torn)) {
        await fs.promises.appendFile(this.file, '\n');
      } else {
        await writeFileAtomic(`${this.file}.torn-${this.now()}`, torn);
        await fs.promises.truncate(this.file, Buffer.byteLength(text.slice(0, cut)));
        text = text.slice(0, cut);
        this.log.warn('audit log ended in an unacknowledged partial entry; it was set aside');
      }
      await fsyncFile(this.file);
    }
    const head = await this.readHead();
    let maxSeq = 0;
    for (const line of splitLines(text)) {
      const e = parseEntry(line);
      if (!e) continue;
      this.entries.push(e);
      // Continue from the last entry as stored, so new entries chain to what is on disk.
      this.prevHash = e.hash;
      maxSeq = Math.max(maxSeq, e.seq);
    }
    this.nextSeq = Math.max(maxSeq, head?.seq ?? 0) + 1;
    this.headWasMissing = head === null && maxSeq > 0;
    // A new log gets its head before its first entry, so that a crash between the first
    // append and its head update leaves a lagging head (seq 0), never a missing one.
    if (head === null && maxSeq === 0) await writeFileAtomic(this.headFile, JSON.stringify({ seq: 0, hash: GENESIS_HASH }));
    if (this.headWasMissing) this.log.warn('audit log has entries but its head record is missing or unreadable', { lastSeq: maxSeq });
    this.entries.sort((a, b) => a.seq - b.seq);
  }

  /** Append an entry durably; resolves once it is on disk. */
  async append(input: AuditInput): Promise<AuditEntry> {
    return this.lock.run(async () => {
      const base = {
        seq: this.nextSeq,
        time: new Date(this.now()).toISOString(),
        actorId: input.actor?.userId ?? null,
        actorName: input.actor?.username ?? null,
        action: input.action,
        target: input.target ?? null,
        details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
        prevHash: this.prevHash,
      };
      const entry: AuditEntry = { ...base, hash: entryHash(base) };
      try {
        await appendDurable(this.file, JSON.stringify(entry) + '\n');
      } catch (e) {
        await this.trimPartialLine();
        throw fsError(e, 'the audit log');
      }
      this.entries.push(entry);
      this.nextSeq = entry.seq + 1;
      this.prevHash = entry.hash;
      try {
        await writeFileAtomic(this.headFile, JSON.stringify({ seq: entry.seq, hash: entry.hash }));
      } catch (e) {
        // The entry itself is durable; a lagging head only weakens the cut-off-tail check.
        this.log.warn('audit head not updated', { error: e instanceof Error ? e.message : String(e) });
      }
      return entry;
    });
  }

  /** After a failed append (disk full), drop any half-written line so the next entry starts clean. */
  private async trimPartialLine(): Promise<void> {
    try {
      await trimTornTail(this.file);
    } catch {
      // Nothing readable to trim; load() sets aside a torn tail at next open.
    }
  }

  /** Entries newest first, filtered. */
  list(f: AuditFilter = {}): AuditPage {
    const from = f.from ? Date.parse(f.from) : null;
    const to = f.to ? Date.parse(f.to) : null;
    const actor = f.actor?.toLowerCase();
    const matched = this.entries.filter((e) => {
      if (f.action && e.action !== f.action && !e.action.startsWith(`${f.action}.`)) return false;
      if (actor && (e.actorName ?? '').toLowerCase() !== actor && e.actorId !== f.actor) return false;
      const t = Date.parse(e.time);
      if (from !== null && t < from) return false;
      if (to !== null && t > to) return false;
      return true;
    });
    const offset = f.offset ?? 0;
    const limit = f.limit ?? 100;
    const items = matched.reverse().slice(offset, offset + limit);
    return { items, total: matched.length };
  }

  /** The newest entry (loaded or appended) that matches, or null. */
  findLast(pred: (e: AuditEntry) => boolean): AuditEntry | null {
    for (let i = this.entries.length - 1; i >= 0; i--) if (pred(this.entries[i]!)) return this.entries[i]!;
    return null;
  }

  /** Number of entries loaded or appended. */
  get size(): number {
    return this.entries.length;
  }

  /** The newest entry's number and hash (null for an empty log): what a report prints as its anchor. */
  latest(): AuditAnchor | null {
    const e = this.entries[this.entries.length - 1];
    return e ? { seq: e.seq, hash: e.hash } : null;
  }

  /** Verify the chain as it is on disk now (and, given one, that it still holds an anchor kept elsewhere). */
  async verify(opts: { anchor?: AuditAnchor } = {}): Promise<AuditVerifyResult> {
    return this.lock.run(async () => {
      let text = '';
      try {
        text = await fs.promises.readFile(this.file, 'utf8');
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw fsError(e, 'the audit log');
      }
      return verifyChain(text, await this.readHead(), { expectHead: true, ...(opts.anchor ? { anchor: opts.anchor } : {}) });
    });
  }

  /** The stored log, byte for byte (JSON lines), for export; verifiable with verifyChain. */
  async exportText(): Promise<string> {
    return this.lock.run(async () => {
      try {
        return await fs.promises.readFile(this.file, 'utf8');
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return '';
        throw fsError(e, 'the audit log');
      }
    });
  }

  /** Write the log to a file (refusing to overwrite) and record that it was exported. */
  async exportTo(dest: string, actor: AuditActor): Promise<{ path: string; entries: number; verify: AuditVerifyResult }> {
    const text = await this.exportText();
    const verify = verifyChain(text, await this.readHead(), { expectHead: true });
    try {
      await fs.promises.writeFile(dest, text, { flag: 'wx', mode: 0o600 });
      await fsyncFile(dest);
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') throw new AppError('CONFLICT', `${dest} already exists; choose another file name.`);
      throw fsError(e, dest);
    }
    await this.append({ actor, action: 'audit.exported', target: dest, details: { entries: verify.entries, chainOk: verify.ok } });
    return { path: dest, entries: verify.entries, verify };
  }
}
