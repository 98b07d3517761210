/**
 * The engine and store assembled for one data directory. Plain Node: no 'electron'
 * import, so Electron, the CLI and the test bridge all build the same core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SessionManager } from './auth/sessions';
import { AuthService } from './auth/auth-service';
import { AuditLog } from './audit/audit-log';
import { ArtifactStore } from './db/artifacts';
import { DetectionsRepo } from './db/detections';
import { ReportsRepo } from './db/reports-repo';
import { ReportService } from './reports/report-service';
import { Store } from './db/store';
import { guardFs } from './db/fs-errors';
import { SettingsService } from './settings/settings-service';
import { createAnalysisService, type AnalysisService } from './analysis/service';
import { CameraLibrary } from './cameras/camera-library';
import { createLogger, type Logger } from './log/logger';
import { PathGrants } from './path-grants';
import { EventBus } from './events';
import type { DialogService } from './dialogs';
import { repairAuditDetails } from './db/datafile-repair';

export interface CoreOptions {
  dataDir: string;
  appVersion: string;
  electronVersion?: string | null;
  log?: Logger;
  dialogs?: DialogService;
  /** Override the clock (tests). */
  now?: () => number;
  /** bcrypt cost override (tests only: keeps them fast; production uses settings, default 12). */
  bcryptCost?: number;
  /** Store compaction interval in ms (default 10 min; null: only at close). */
  compactEveryMs?: number | null;
  /** An extra model folder (CLI --models-dir; else MEDIAGUARD_MODELS_DIR). */
  modelsDir?: string | null;
  /** Run analyses on this thread instead of a worker (tests). */
  analysisInProcess?: boolean;
  /** Use the models shipped with the app (default true; tests turn it off to control the set). */
  bundledModels?: boolean;
}

export interface Core {
  readonly dataDir: string;
  readonly appVersion: string;
  readonly electronVersion: string | null;
  readonly log: Logger;
  readonly sessions: SessionManager;
  readonly events: EventBus;
  readonly dialogs: DialogService;
  /** Paths each window may ask to analyse: what its user dropped or picked (core/path-grants.ts). */
  readonly grants: PathGrants;
  /** nedb collections (users, detections index, reports, meta); see core/db/README.md. */
  readonly db: Store;
  /** Hash-chained activity log: core.audit.append({actor, action, target, details}). */
  readonly audit: AuditLog;
  readonly settings: SettingsService;
  /** Sign-in and account administration. */
  readonly auth: AuthService;
  /** Detection records (history). */
  readonly detections: DetectionsRepo;
  /** Evidence files per record, by id + key. */
  readonly artifacts: ArtifactStore;
  /** Records of exported PDF reports. */
  readonly reportsRepo: ReportsRepo;
  /** PDF report export and verification (core/reports). */
  readonly reports: ReportService;
  /** Model registry + analysis queue (core/analysis). */
  readonly analysis: AnalysisService;
  /** Camera sensor-noise fingerprints and the check of a picture against them (core/cameras). */
  readonly cameras: CameraLibrary;
  close(): Promise<void>;
}

/** Refuses every dialog: used where no UI exists (CLI); Electron and tests supply their own. */
export const headlessDialogs: DialogService = {
  async openFiles() {
    return [];
  },
  async saveFile() {
    return null;
  },
  async reveal() {
    /* nothing to reveal without a desktop */
  },
};

/** Open (creating if needed) the data dir and assemble the core services. */
export async function openCore(opts: CoreOptions): Promise<Core> {
  const dataDir = path.resolve(opts.dataDir);
  await guardFs(`the data directory ${dataDir}`, () => fs.promises.mkdir(dataDir, { recursive: true, mode: 0o700 }));
  const log = opts.log ?? createLogger('mediaguard');
  const now = opts.now ?? Date.now;
  const sessions = new SessionManager(30 * 60_000, now);
  const events = new EventBus();
  // Services register how to close themselves here; closed in reverse order at quit.
  const closers: (() => Promise<void>)[] = [];
  const db = await Store.open({ dataDir, log: log.child('db'), now, compactEveryMs: opts.compactEveryMs });
  closers.push(() => db.close());
  let audit: AuditLog;
  let settings: SettingsService;
  let detections: DetectionsRepo;
  const artifacts = new ArtifactStore(dataDir);
  try {
    audit = await AuditLog.open(db.dbDir, log.child('audit'), now);
    if (audit.headWasMissing) {
      const last = audit.list({ limit: 1 }).items[0];
      await audit.append({ actor: null, action: 'audit.head_missing', target: null, details: { lastSeq: last?.seq ?? null, lastHash: last?.hash ?? null, file: path.basename(audit.headFile) } });
    }
    for (const r of db.repairs) {
      await audit.append({ actor: null, action: 'store.repaired', target: r.file, details: repairAuditDetails(r) });
    }
    settings = await SettingsService.open(dataDir, audit, log.child('settings'));
    sessions.setIdleMs(settings.get().sessionIdleMinutes * 60_000);
    settings.onChange((next) => sessions.setIdleMs(next.sessionIdleMinutes * 60_000));
    detections = new DetectionsRepo(dataDir, db.detections, artifacts, log.child('detections'), now);
    const recovered = await detections.recover();
    if (recovered.interrupted.length + recovered.reindexed.length + recovered.dropped.length + recovered.unindexable.length + recovered.damaged.length) {
      // History changed without anyone asking: say what and why (a body file deleted by hand shows up here too).
      const ids = (xs: { id: string; fileName: string | null }[]) => xs.slice(0, 200).map((x) => (x.fileName ? `${x.id} (${x.fileName})` : x.id));
      await audit.append({
        actor: null,
        action: 'store.repaired',
        target: 'records',
        details: {
          interrupted: ids(recovered.interrupted),
          reindexed: ids(recovered.reindexed),
          droppedRowsWithoutBody: ids(recovered.dropped),
          unreadableBodiesLeftOnDisk: ids(recovered.unindexable),
          damagedBodiesLeftOnDisk: recovered.damaged.slice(0, 200).map((d) => ({ id: d.id, fileName: d.fileName, reasons: d.reasons })),
        },
      });
    }
    // A record body found damaged later (when it is read) is recorded too, once.
    detections.onDamaged((d) => void audit.append({ actor: null, action: 'store.repaired', target: 'records', details: { damagedBody: d } }).catch(() => undefined));
  } catch (e) {
    await db.close();
    throw e;
  }
  const auth = new AuthService({ users: db.users, sessions, audit, settings, events, log: log.child('auth'), now, bcryptCost: opts.bcryptCost });
  const reportsRepo = new ReportsRepo(db.reports, now);
  const analysis = createAnalysisService({
    dataDir,
    modelsDir: opts.modelsDir ?? null,
    inProcess: opts.analysisInProcess ?? false,
    bundledModels: opts.bundledModels ?? true,
    settings: () => settings.get(),
    detections,
    artifacts,
    audit,
    events,
    log: log.child('analysis'),
    appVersion: opts.appVersion,
  });
  closers.push(() => analysis.close());
  const reports = new ReportService({ detections, artifacts, reportsRepo, audit, appVersion: opts.appVersion, manifests: () => analysis.registry.entries().map((e) => e.manifest), log: log.child('reports'), now });
  return {
    dataDir,
    appVersion: opts.appVersion,
    electronVersion: opts.electronVersion ?? null,
    log,
    sessions,
    grants: new PathGrants(),
    events,
    dialogs: opts.dialogs ?? headlessDialogs,
    db,
    audit,
    settings,
    auth,
    detections,
    artifacts,
    reportsRepo,
    reports,
    analysis,
    cameras: new CameraLibrary(dataDir, audit, now),
    async close() {
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch (e) {
          log.error('error while closing', { error: e instanceof Error ? e.message : String(e) });
        }
      }
      events.clear();
    },
  };
}
