/**
 * One nedb collection with schema validation on every write and explicit durability:
 * each acknowledged write is fsynced (nedb itself only appends). Read-modify-write goes
 * through mutate(), serialised per collection, so the new document is validated whole.
 */
import Datastore from 'nedb-promises';
import type { z } from 'zod';
import { AppError } from '../../../src-shared/result';
import { quarantineFilesOf } from './datafile-repair';
import { fsyncFile, trimTornTail } from './durable-file';
import { errnoCode, fsError } from './fs-errors';
import { Mutex } from './mutex';

export interface BaseDoc {
  _id: string;
}

/** nedb query object. */
export type Query = Record<string, unknown>;

export interface IndexSpec {
  fieldName: string;
  unique?: boolean;
  sparse?: boolean;
}

interface NedbInternals {
  loadDatabaseAsync(): Promise<void>;
  compactDatafileAsync(): Promise<void>;
  setAutocompactionInterval(ms: number): void;
  stopAutocompaction(): void;
}

/** The first few issues of a failed validation, as `path: message`. */
function issueList(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(doc)'}: ${i.message}`);
}

/** Raise a validation failure of a stored document as an expected error. */
function invalid(name: string, error: z.ZodError): AppError {
  const issues = issueList(error);
  return new AppError('VALIDATION', `Refused to store an invalid ${name} document — ${issues.join('; ')}`, { issues });
}

/** A validated, durable nedb collection. */
export class Collection<T extends BaseDoc> {
  readonly ds: Datastore<T>;
  private readonly lock = new Mutex();
  // Serialises writes with their failure recovery, so one write's rollback cannot cut another's line.
  private readonly writeLock = new Mutex();

  constructor(
    readonly name: string,
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {
    // corruptAlertThreshold 1: damage was already quarantined by repairDatafile before load.
    // Owner-only files: the users collection holds password hashes on a shared laptop.
    this.ds = Datastore.create({
      filename: file,
      autoload: false,
      corruptAlertThreshold: 1,
      timestampData: false,
      modes: { fileMode: 0o600, dirMode: 0o700 },
    } as Parameters<typeof Datastore.create>[0] & object) as unknown as Datastore<T>;
  }

  private get raw(): NedbInternals {
    return (this.ds as unknown as { __original: NedbInternals }).__original;
  }

  /** Load the datafile (nedb compacts it on load). */
  async load(): Promise<void> {
    try {
      await this.ds.load();
    } catch (e) {
      throw fsError(e, `the ${this.name} collection`);
    }
  }

  /** Create an index (idempotent). */
  async ensureIndex(spec: IndexSpec): Promise<void> {
    await this.ds.ensureIndex(spec);
  }

  /** Validate a whole document against the collection's schema. */
  validate(doc: unknown): T {
    const r = this.schema.safeParse(doc);
    if (!r.success) throw invalid(this.name, r.error);
    return r.data;
  }

  /** The schema issues of a document (as `path: message`), or null when it is valid. Used on load. */
  issues(doc: unknown): string[] | null {
    const r = this.schema.safeParse(doc);
    return r.success ? null : issueList(r.error);
  }

  /**
   * Quarantine files beside the datafile, oldest first: lines and documents set aside at this
   * or any earlier open because they were damaged or failed validation (see datafile-repair.ts).
   */
  async quarantineFiles(): Promise<string[]> {
    try {
      return await quarantineFilesOf(this.file);
    } catch (e) {
      throw fsError(e, `the ${this.name} collection`);
    }
  }

  /** Whether any document of this collection was ever set aside (a quarantine file exists beside the datafile). */
  async wereDocumentsSetAside(): Promise<boolean> {
    return (await this.quarantineFiles()).length > 0;
  }

  /** fsync the datafile so every write acknowledged so far survives a crash. */
  async sync(): Promise<void> {
    try {
      await fsyncFile(this.file);
    } catch (e) {
      // Nothing written yet means nothing to make durable.
      if (errnoCode(e) === 'ENOENT') return;
      throw fsError(e, `the ${this.name} collection`);
    }
  }

  private write<R>(what: string, fn: () => Promise<R>): Promise<R> {
    return this.writeLock.run(async () => {
      let r: R;
      try {
        r = await fn();
        await this.sync();
      } catch (e) {
        if (e instanceof AppError && e.code === 'VALIDATION') throw e;
        const ev = e as { errorType?: string; key?: unknown };
        if (ev.errorType === 'uniqueViolated') {
          // Refused before anything was written: memory and file are unchanged.
          throw new AppError('CONFLICT', `A ${this.name} document with this ${what} already exists.`, { key: String(ev.key ?? '') });
        }
        await this.recoverFromFailedWrite();
        throw fsError(e, `the ${this.name} collection`);
      }
      return r;
    });
  }

  /**
   * nedb changes its in-memory copy before appending and never rolls back, and a failed
   * append (disk full) can leave half a line that the next append would glue onto. Trim any
   * partial line and reload from the file, so memory again matches what is on disk.
   */
  private async recoverFromFailedWrite(): Promise<void> {
    try {
      await trimTornTail(this.file);
    } catch {
      // Unreadable now too: the reload below reports nothing new; the open-time repair handles it.
    }
    try {
      await this.raw.loadDatabaseAsync();
    } catch {
      // The reload read the file (memory now matches disk) but could not rewrite it: fine.
    }
  }

  /** Insert validated documents durably. */
  async insert(doc: T): Promise<T> {
    const v = this.validate(doc);
    return this.write('key', () => this.ds.insert(v) as Promise<T>);
  }

  /** Insert many validated documents with one fsync. */
  async insertMany(docs: T[]): Promise<T[]> {
    const v = docs.map((d) => this.validate(d));
    if (v.length === 0) return [];
    return this.write('key', () => this.ds.insert(v) as unknown as Promise<T[]>);
  }

  /** One document or null. */
  async findOne(q: Query): Promise<T | null> {
    return (await this.ds.findOne(q)) as T | null;
  }

  /** Documents matching q (nedb cursor: sort/skip/limit/project before awaiting). */
  find(q: Query = {}): ReturnType<Datastore<T>['find']> {
    return this.ds.find(q);
  }

  /** Count matching documents. */
  async count(q: Query = {}): Promise<number> {
    return this.ds.count(q);
  }

  /**
   * Read, change and write one document atomically within this collection; the result is
   * validated whole before it is written. fn returns null to leave the document unchanged.
   */
  async mutate(q: Query, fn: (doc: T) => T | null | Promise<T | null>): Promise<T | null> {
    return this.lock.run(async () => {
      const cur = (await this.ds.findOne(q)) as T | null;
      if (!cur) return null;
      const next = await fn(structuredClone(cur));
      if (next === null) return cur;
      if (next._id !== cur._id) throw new Error(`mutate may not change _id of ${this.name}`);
      const v = this.validate(next);
      await this.write('key', () => this.ds.update({ _id: cur._id }, v, {}));
      return v;
    });
  }

  /** Run fn exclusively with respect to other mutate/exclusive calls on this collection. */
  exclusive<R>(fn: () => Promise<R>): Promise<R> {
    return this.lock.run(fn);
  }

  /** Apply an nedb modifier update to matching documents (only for fields the schema cannot break). */
  async updateRaw(q: Query, update: Record<string, unknown>, multi = false): Promise<number> {
    return this.write('key', async () => (await this.ds.update(q, update, { multi })) as unknown as number);
  }

  /** Remove matching documents durably; returns how many. */
  async remove(q: Query, multi = false): Promise<number> {
    return this.write('key', () => this.ds.remove(q, { multi }));
  }

  /** Rewrite the datafile without superseded lines (nedb's compaction, crash-safe). */
  async compact(): Promise<void> {
    try {
      await this.raw.compactDatafileAsync();
    } catch (e) {
      throw fsError(e, `the ${this.name} collection`);
    }
  }

  /** Compact on an interval (nedb enforces at least 5 s). */
  setAutocompaction(ms: number | null): void {
    if (ms === null) this.raw.stopAutocompaction();
    else this.raw.setAutocompactionInterval(ms);
  }
}
