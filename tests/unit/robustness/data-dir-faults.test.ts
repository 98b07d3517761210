/**
 * The data dir fills up or turns read-only while an analysis runs (fault injection at the
 * filesystem calls the store makes — chmod does not stop root): the job fails with a clear
 * DISK_FULL / READ_ONLY error, records stored before are intact, nothing is left 'running'
 * after a reopen, the audit log still verifies, and analyses work again once space is back.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import { solidFrame, writeStandardModels } from '../../helpers/analysis-models';
import { signIn, tempDir, testCore } from '../../helpers/core';

// The same CommonJS module instance nedb appends through.
const nedbStorage = createRequire(import.meta.url)('@seald-io/nedb/lib/storage.js') as { appendFileAsync: (file: string, data: string, opts?: unknown) => Promise<void> };
const realAppend = nedbStorage.appendFileAsync;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  nedbStorage.appendFileAsync = realAppend;
  for (const c of cleanups.splice(0).reverse()) await c();
});

function errno(code: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** From now on every write under dataDir fails with `code` (after a torn half-write for appends). */
function breakWrites(dataDir: string, code: 'ENOSPC' | 'EROFS'): void {
  const inDir = (p: unknown) => typeof p === 'string' && p.startsWith(dataDir);
  nedbStorage.appendFileAsync = async (file: string, data: string) => {
    if (!inDir(file)) return realAppend(file, data);
    if (code === 'ENOSPC') await fs.promises.writeFile(file, data.slice(0, Math.floor(data.length / 2)), { flag: 'a' });
    throw errno(code);
  };
  const open = fs.promises.open;
  vi.spyOn(fs.promises, 'open').mockImplementation(async (p, flags, mode) => {
    if (inDir(p) && typeof flags === 'string' && /[wa+]/.test(flags)) throw errno(code);
    return open(p, flags, mode);
  });
  const writeFile = fs.promises.writeFile;
  vi.spyOn(fs.promises, 'writeFile').mockImplementation(async (p, data, o) => {
    if (inDir(p)) throw errno(code);
    return writeFile(p, data, o);
  });
  const mkdir = fs.promises.mkdir;
  vi.spyOn(fs.promises, 'mkdir').mockImplementation(async (p, o) => {
    if (inDir(p) && code === 'EROFS') throw errno(code);
    return mkdir(p, o);
  });
}

describe('data dir full or read-only during analysis', () => {
  it.each([
    ['ENOSPC', 'DISK_FULL', /full/i],
    ['EROFS', 'READ_ONLY', /read-only/i],
  ] as const)('%s: the job fails with %s, nothing stored is damaged', async (errnoCode, appCode, wording) => {
    const t = tempDir('mg-faults-');
    cleanups.push(t.cleanup);
    const modelsDir = path.join(t.dir, 'models');
    writeStandardModels(modelsDir);
    const image = path.join(t.dir, 'face.png');
    await sharp(Buffer.from(solidFrame(160, 120, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] })), { raw: { width: 160, height: 120, channels: 3 } }).png().toFile(image);
    const dataDir = path.join(t.dir, 'data');
    fs.mkdirSync(dataDir);
    const opts = { dataDir, analysisInProcess: true, bundledModels: false, modelsDir };
    const c = await testCore(opts);
    const d = createAppDispatcher(c.core);
    await signIn(c.core, 'user', 'w-user');
    const events: { jobId: string; state: string; detectionId: string | null; error: { code: string; message: string } | null }[] = [];
    let notify = () => undefined as void;
    let armed = false;
    c.core.events.attach('w-user', (ev, p) => {
      // Break the disk mid-job: after the job's record exists, before its artifacts are written.
      if (ev === 'analysis:progress' && armed && (p as { stage: string }).stage === 'frames') {
        armed = false;
        breakWrites(dataDir, errnoCode);
      }
      if (ev === 'analysis:done') {
        events.push(p as (typeof events)[number]);
        notify();
      }
    });
    const analyse = async () => {
      const n = events.length;
      const wait = new Promise<void>((r) => (notify = () => events.length > n && r()));
      c.core.grants.grant('w-user', image); // as if dropped on the window
      const r = await d.invoke('w-user', 'analysis:start', { paths: [image] });
      expect(r.ok).toBe(true);
      await wait;
      return events.at(-1)!;
    };
    // One good record first.
    const first = await analyse();
    expect(first.state).toBe('done');
    const kept = (await c.core.detections.get(first.detectionId!))!;

    armed = true;
    const failed = await analyse();
    expect(failed).toMatchObject({ state: 'failed', detectionId: null, error: { code: appCode } });
    expect(failed.error!.message).toMatch(wording);
    // The app keeps answering; the stored record reads back whole.
    const h = await d.invoke('w-user', 'history:get', { id: kept.id });
    expect(h).toMatchObject({ ok: true, value: { id: kept.id, status: 'done' } });

    vi.restoreAllMocks();
    nedbStorage.appendFileAsync = realAppend;
    // Space is back: analyses work again in the same session.
    const again = await analyse();
    expect(again.state).toBe('done');
    await c.core.close();

    // Reopen: what was acknowledged is intact, nothing is left running, the chain verifies.
    const c2 = await testCore(opts);
    cleanups.push(() => c2.core.close());
    expect(await c2.core.detections.get(kept.id)).toEqual(kept);
    expect(await c2.core.detections.get(again.detectionId!)).toMatchObject({ status: 'done' });
    const admin = await signIn(c2.core, 'admin', 'w-admin');
    const all = (await c2.core.detections.list({ limit: 100 }, admin)).items;
    expect(all.filter((r) => r.status === 'running' || r.status === 'queued')).toEqual([]);
    expect(all.filter((r) => r.status === 'done')).toHaveLength(2);
    // The failed job's record could not be removed on a full/read-only disk: it is at most an
    // 'interrupted' record (re-runnable), never a half-written result.
    expect(all.filter((r) => r.status !== 'done').every((r) => r.status === 'interrupted' || r.status === 'failed')).toBe(true);
    expect((await c2.core.audit.verify()).breaks).toEqual([]);
    for (const a of kept.artifacts) expect((await c2.core.artifacts.read(kept.id, a.key)).sizeBytes).toBeGreaterThan(0);
  }, 60_000);
});
