/**
 * End-to-end harness: serves the built renderer over http on 127.0.0.1 and binds each
 * page's `window.mediaguard` to the real handler table on a temporary data dir.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { openCore, type Core } from '../../src-main/core/core';
import type { DialogService } from '../../src-main/core/dialogs';
import { createLogger } from '../../src-main/core/log/logger';
import { createAppDispatcher } from '../../src-main/ipc/handler-table';
import type { Dispatcher } from '../../src-main/ipc/dispatcher';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
export const ARTIFACTS_DIR = path.join(ROOT, 'tests', '.artifacts');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Answers the dialogs the UI asks main for, as the test decides. */
export class ScriptedDialogs implements DialogService {
  nextOpen: string[] = [];
  nextSave: string | null = null;
  revealed: string[] = [];
  async openFiles() {
    const r = this.nextOpen;
    this.nextOpen = [];
    return r;
  }
  async saveFile() {
    const r = this.nextSave;
    this.nextSave = null;
    return r;
  }
  async reveal(p: string) {
    this.revealed.push(p);
  }
}

export interface Harness {
  url: string;
  core: Core;
  dispatcher: Dispatcher;
  dialogs: ScriptedDialogs;
  dataDir: string;
  uploadDir: string;
  attach(page: Page): Promise<string>;
  close(): Promise<void>;
}

let bridgeBundle: string | null = null;

/** The bridge client bundled as one IIFE (built once per process). */
async function bridgeScript(): Promise<string> {
  if (bridgeBundle) return bridgeBundle;
  const res = await build({
    entryPoints: [path.join(__dirname, 'bridge-client.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  bridgeBundle = res.outputFiles[0]!.text;
  return bridgeBundle;
}

/** Run a teardown step; one that takes over 10 s says so on stderr, so a slow teardown names its step. */
async function timed(step: string, fn: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  const warn = setTimeout(() => process.stderr.write(`e2e harness: ${step} still running after 10 s\n`), 10_000);
  try {
    await fn();
  } finally {
    clearTimeout(warn);
    const ms = Date.now() - t0;
    if (ms > 10_000) process.stderr.write(`e2e harness: ${step} took ${ms} ms\n`);
  }
}

/** Start the static server and a core on a fresh data dir. */
export async function startHarness(opts: { dataDir?: string; modelsDir?: string } = {}): Promise<Harness> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build` before the end-to-end tests.');
  }
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mg-e2e-'));
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-e2e-upload-'));
  const dialogs = new ScriptedDialogs();
  const core = await openCore({
    dataDir,
    appVersion: '0.0.0-e2e',
    log: createLogger('e2e', { level: 'error' }),
    dialogs,
    // Fast bcrypt in tests (production: settings, default cost 12); compaction only at close.
    bcryptCost: 4,
    compactEveryMs: null,
    // With test models, only they are loaded: the bundled models would otherwise win and make results depend on what models/ holds.
    ...(opts.modelsDir ? { modelsDir: opts.modelsDir, bundledModels: false } : {}),
  });
  const dispatcher = createAppDispatcher(core);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(RENDERER_DIR, '.' + rel);
    if (!file.startsWith(RENDERER_DIR + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  let pages = 0;

  return {
    url: `http://127.0.0.1:${port}/index.html`,
    core,
    dispatcher,
    dialogs,
    dataDir,
    uploadDir,
    async attach(page) {
      const senderId = `page:${++pages}`;
      await page.exposeBinding('__mgInvoke', (_src, channel: unknown, payload: unknown) => dispatcher.invoke(senderId, channel, payload));
      await page.exposeBinding('__mgUpload', (_src, name: unknown, base64: unknown) => {
        if (typeof name !== 'string' || typeof base64 !== 'string') return null;
        const dir = fs.mkdtempSync(path.join(uploadDir, 'f-'));
        const target = path.join(dir, path.basename(name));
        fs.writeFileSync(target, Buffer.from(base64, 'base64'));
        core.grants.grant(senderId, target); // what the Electron preload does for a dropped file
        return target;
      });
      core.events.attach(senderId, (event, payload) => {
        page.evaluate(([e, p]) => (window as unknown as { __mgEmit?: (e: string, p: unknown) => void }).__mgEmit?.(e as string, p), [event, payload] as const).catch(() => undefined);
      });
      await page.addInitScript({ content: await bridgeScript() });
      return senderId;
    },
    async close() {
      // The page is still open when the harness is torn down (it is the older fixture), and
      // Chromium may hold a connection that is neither idle nor done, e.g. a preconnected socket
      // with no request yet: server.close() would wait for it. The test is over, so cut them all.
      await timed('static server close', () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        return closed;
      });
      await timed('core close', () => core.close());
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}
