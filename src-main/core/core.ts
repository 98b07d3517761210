/**
 * The engine and store assembled for one data directory. Plain Node: no 'electron'
 * import, so Electron, the CLI and the test bridge all build the same core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SessionManager } from './auth/sessions';
import { createLogger, type Logger } from './log/logger';
import { EventBus } from './events';
import type { DialogService } from './dialogs';

export interface CoreOptions {
  dataDir: string;
  appVersion: string;
  electronVersion?: string | null;
  log?: Logger;
  dialogs?: DialogService;
  /** Override the clock (tests). */
  now?: () => number;
}

export interface Core {
  readonly dataDir: string;
  readonly appVersion: string;
  readonly electronVersion: string | null;
  readonly log: Logger;
  readonly sessions: SessionManager;
  readonly events: EventBus;
  readonly dialogs: DialogService;
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
  await fs.promises.mkdir(dataDir, { recursive: true });
  const log = opts.log ?? createLogger('mediaguard');
  const now = opts.now ?? Date.now;
  const sessions = new SessionManager(30 * 60_000, now);
  const events = new EventBus();
  // Services register how to close themselves here; closed in reverse order at quit.
  const closers: (() => Promise<void>)[] = [];
  return {
    dataDir,
    appVersion: opts.appVersion,
    electronVersion: opts.electronVersion ?? null,
    log,
    sessions,
    events,
    dialogs: opts.dialogs ?? headlessDialogs,
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
