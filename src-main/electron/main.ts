/**
 * Electron entry: single instance, hardened window, app:// pages, IPC bound to the
 * handler table, crash handler. The only folder that imports 'electron'.
 */
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { openCore, type Core } from '../core/core';
import { createLogger } from '../core/log/logger';
import { resolveDataDir } from '../core/paths';
import { createAppDispatcher } from '../ipc/handler-table';
import { electronDialogs } from './dialogs';
import { attachWindow, bindIpc } from './ipc-adapter';
import { quitGuard } from './quit-guard';
import { handleAppProtocol, registerSchemes } from './protocol';
import { APP_ORIGIN, hardenSession, hardenWebContents } from './security';

const log = createLogger('electron', { level: 'info' });
let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

/** Log a crash and tell the user, instead of dying silently. */
function installCrashHandler(): void {
  const report = (kind: string, e: unknown) => {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    log.error(kind, { error: message });
    if (app.isReady()) dialog.showErrorBox('MediaGuard hit an unexpected error', `${kind}: ${e instanceof Error ? e.message : String(e)}\n\nDetails were written to the log. Your stored data is safe.`);
  };
  process.on('uncaughtException', (e) => report('Uncaught exception', e));
  process.on('unhandledRejection', (e) => report('Unhandled promise rejection', e));
  app.on('render-process-gone', (_e, _contents, details) => log.error('renderer gone', { reason: details.reason }));
  app.on('child-process-gone', (_e, details) => log.error('child process gone', { type: details.type, reason: details.reason }));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'MediaGuard',
    backgroundColor: '#111418',
    webPreferences: {
      preload: path.join(__dirname, '..', 'preload', 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      // Set last so nothing above can override it.
      sandbox: true,
    },
  });
  hardenWebContents(win.webContents);
  if (core) attachWindow(core, win);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function start(): Promise<void> {
  installCrashHandler();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));
  registerSchemes();
  await app.whenReady();
  hardenSession();
  handleAppProtocol(path.join(__dirname, '..', 'renderer'));
  const dataDir = resolveDataDir({ argv: process.argv, env: process.env, defaultDir: app.getPath('userData') });
  core = await openCore({
    dataDir,
    appVersion: app.getVersion(),
    electronVersion: process.versions.electron ?? null,
    log,
    dialogs: electronDialogs,
  });
  bindIpc(core, createAppDispatcher(core));
  // Queued files exist only in memory: closing with analyses pending asks first (what is
  // cancelled is written to the audit log either way; finished analyses are stored).
  const confirmQuit = quitGuard(
    () => {
      const p = core?.analysis.engine.pending();
      return p ? p.queued + p.running : 0;
    },
    (box) => (mainWindow ? dialog.showMessageBoxSync(mainWindow, box) : dialog.showMessageBoxSync(box)),
  );
  const openWindow = (): BrowserWindow => {
    const w = createWindow();
    w.on('close', (event) => {
      if (!confirmQuit()) event.preventDefault();
    });
    w.on('closed', () => {
      if (mainWindow === w) mainWindow = null;
    });
    return w;
  };
  mainWindow = openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !core) return;
    if (!confirmQuit()) {
      event.preventDefault();
      return;
    }
    closing = true;
    event.preventDefault();
    const c = core;
    core = null;
    void c.close().finally(() => app.quit());
  });
}

void start();
