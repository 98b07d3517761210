/**
 * The store: every nedb collection of a data directory, opened together — datafiles checked
 * and repaired (damaged lines and documents that fail their schema set aside), loaded,
 * migrated to the current schema version, indexed — compacted on a schedule and at close.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../src-shared/result';
import type { Logger } from '../log/logger';
import { Collection, type IndexSpec } from './collection';
import { parseLine, repairDatafile, type RepairReport } from './datafile-repair';
import { lockDataDir, type DirLock } from './dir-lock';
import { guardFs } from './fs-errors';
import { MIGRATIONS, SCHEMA_VERSION, upgradedDoc, type CollectionName } from './migrations';
import { zDetectionRow, zMetaDoc, zReportDoc, zUserDoc, type DetectionRow, type MetaDoc, type ReportDoc, type UserDoc } from './schemas';

export interface StoreOptions {
  dataDir: string;
  log: Logger;
  now?: () => number;
  /** Compaction interval; default 10 minutes, null to disable (compaction still runs at close). */
  compactEveryMs?: number | null;
}

const INDEXES: Record<'users' | 'detections' | 'reports', IndexSpec[]> = {
  users: [{ fieldName: 'usernameKey', unique: true }, { fieldName: 'role' }],
  detections: [{ fieldName: 'ownerId' }, { fieldName: 'createdAt' }, { fieldName: 'sha256' }, { fieldName: 'band' }, { fieldName: 'status' }],
  reports: [{ fieldName: 'detectionId' }, { fieldName: 'sha256' }, { fieldName: 'ownerId' }],
};

function newerStore(version: number): AppError {
  return new AppError(
    'CONFLICT',
    `The data directory was written by a newer MediaGuard (store schema ${version}; this build reads up to ${SCHEMA_VERSION}). Update MediaGuard to open it.`,
  );
}

/**
 * The schema version meta.db records, read before anything is repaired or validated (a newer
 * store is refused untouched, and an older one is validated as it will be once migrated).
 * null when none is recorded or it cannot be read (the meta collection's own check follows).
 */
async function peekSchemaVersion(metaFile: string): Promise<number | null> {
  let raw: string;
  try {
    raw = await fs.promises.readFile(metaFile, 'utf8');
  } catch {
    return null;
  }
  let version: number | null = null;
  for (const line of raw.split('\n')) {
    const doc = parseLine(line);
    if (doc?._id !== 'schema') continue;
    version = doc.$$deleted !== true && Number.isInteger(doc.version) && (doc.version as number) >= 0 ? (doc.version as number) : null;
  }
  return version;
}

/** The open collections of one data directory. */
export class Store {
  readonly users: Collection<UserDoc>;
  readonly detections: Collection<DetectionRow>;
  readonly reports: Collection<ReportDoc>;
  readonly meta: Collection<MetaDoc>;
  /**
   * Datafile damage found and repaired at open: unparseable lines and documents that failed
   * validation, set aside (the originals are kept beside the files). Audited as store.repaired.
   */
  readonly repairs: RepairReport[] = [];
  private lock: DirLock | null = null;
  private closed = false;

  private constructor(
    readonly dataDir: string,
    readonly dbDir: string,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    const file = (n: string) => path.join(dbDir, `${n}.db`);
    this.users = new Collection('users', file('users'), zUserDoc);
    this.detections = new Collection('detections', file('detections'), zDetectionRow);
    this.reports = new Collection('reports', file('reports'), zReportDoc);
    this.meta = new Collection('meta', file('meta'), zMetaDoc);
  }

  /** Every collection, for maintenance loops. */
  get all(): Collection<{ _id: string }>[] {
    return [this.users, this.detections, this.reports, this.meta] as unknown as Collection<{ _id: string }>[];
  }

  /** The collection of a name. */
  collection(name: CollectionName): Collection<{ _id: string }> {
    return this[name] as unknown as Collection<{ _id: string }>;
  }

  /**
   * Quarantine files beside a collection's datafile, oldest first: documents (and damaged
   * lines) set aside at this or any earlier open. They stay until someone removes them.
   */
  quarantineFiles(name: CollectionName): Promise<string[]> {
    return this.collection(name).quarantineFiles();
  }

  /**
   * Whether any users document was ever set aside (now or at an earlier open: a users
   * quarantine file exists). Accounts may be missing then, so first-run setup must refuse.
   */
  usersWereSetAside(): Promise<boolean> {
    return this.users.wereDocumentsSetAside();
  }

  /** Open the store of a data directory (creating it on first run). */
  static async open(opts: StoreOptions): Promise<Store> {
    const dataDir = path.resolve(opts.dataDir);
    const dbDir = path.join(dataDir, 'db');
    await guardFs(`the data directory ${dataDir}`, () => fs.promises.mkdir(dbDir, { recursive: true, mode: 0o700 }));
    const store = new Store(dataDir, dbDir, opts.log, opts.now ?? Date.now);
    store.lock = await lockDataDir(dataDir);
    try {
      await store.init(opts.compactEveryMs === undefined ? 10 * 60_000 : opts.compactEveryMs);
    } catch (e) {
      await store.lock.release();
      throw e;
    }
    return store;
  }

  private async init(compactEveryMs: number | null): Promise<void> {
    // The activity log lives beside the collections but is verified, not repaired (see core/audit).
    const probe = path.join(this.dbDir, `.write-probe-${process.pid}`);
    await guardFs(`the data directory ${this.dataDir}`, async () => {
      await fs.promises.writeFile(probe, '');
      await fs.promises.rm(probe, { force: true });
    });
    const stored = await peekSchemaVersion(this.meta.file);
    if (stored !== null && stored > SCHEMA_VERSION) throw newerStore(stored);
    for (const c of this.all) {
      const name = c.name as CollectionName;
      const unique = (INDEXES[name as keyof typeof INDEXES] ?? []).filter((i) => i.unique).map((i) => i.fieldName);
      // An older store is checked as its documents will be once migrated (the migration runs after load).
      const checks = { issues: (doc: Record<string, unknown>) => c.issues(upgradedDoc(name, doc, stored ?? 0)), unique };
      const r = await guardFs(`the ${c.name} datafile`, () => repairDatafile(c.file, this.now(), checks));
      if (r) {
        this.repairs.push(r);
        this.log.error('datafile was damaged and has been repaired; what was set aside is kept in the quarantine file, the original in the backup', {
          file: r.file,
          tornTail: r.tornTail,
          corruptLines: r.corruptLines.slice(0, 20),
          invalidDocuments: r.invalidDocuments.slice(0, 20).map((d) => ({ id: d.id, lines: d.lines.slice(0, 5), reasons: d.reasons })),
          quarantine: r.quarantine,
          backup: r.backup,
        });
      }
      await c.load();
    }
    await this.migrate();
    for (const [name, specs] of Object.entries(INDEXES) as [keyof typeof INDEXES, IndexSpec[]][]) {
      for (const spec of specs) await this[name].ensureIndex(spec);
    }
    // Indexes are persisted as lines of the datafile: make them durable like any write.
    for (const c of this.all) await c.sync();
    if (compactEveryMs !== null) for (const c of this.all) c.setAutocompaction(Math.max(5_000, compactEveryMs));
  }

  /** The schema version recorded in the store (0 for a store that never recorded one). */
  async schemaVersion(): Promise<number> {
    return (await this.meta.findOne({ _id: 'schema' }))?.version ?? 0;
  }

  private async migrate(): Promise<void> {
    const meta = await this.meta.findOne({ _id: 'schema' });
    const fresh = !meta && (await this.users.count()) === 0 && (await this.detections.count()) === 0 && (await this.reports.count()) === 0;
    let version = meta?.version ?? 0;
    if (version > SCHEMA_VERSION) throw newerStore(version);
    const history = meta?.history ?? [];
    if (fresh) version = SCHEMA_VERSION;
    while (version < SCHEMA_VERSION) {
      const step = MIGRATIONS.find((m) => m.from === version);
      if (!step) throw new Error(`No migration from store schema ${version}`);
      this.log.info('migrating store', { from: step.from, to: step.to, step: step.description });
      await step.run(this);
      for (const c of this.all) await c.sync();
      history.push({ from: step.from, to: step.to, at: new Date(this.now()).toISOString() });
      version = step.to;
    }
    if (!meta || meta.version !== version) {
      const doc: MetaDoc = { _id: 'schema', version, migratedAt: new Date(this.now()).toISOString(), history };
      if (meta) await this.meta.mutate({ _id: 'schema' }, () => doc);
      else await this.meta.insert(doc);
    }
  }

  /** Compact every collection now. */
  async compactAll(): Promise<void> {
    for (const c of this.all) await c.compact();
  }

  /** Stop the schedule, compact, release the directory lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.all) c.setAutocompaction(null);
    try {
      await this.compactAll();
    } catch (e) {
      this.log.warn('compaction at close failed', { error: e instanceof Error ? e.message : String(e) });
    } finally {
      await this.lock?.release();
    }
  }
}
