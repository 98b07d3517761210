/**
 * No false positives: a store written only through the real write paths (accounts, sign-in
 * failures and lockouts, a real analysis, notes, overrides, a PDF report, deletions) loads
 * with nothing set aside — both compacted after a clean close and as a live, uncompacted
 * copy (superseded versions, deletions and index lines all present).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import { Store } from '../../../src-main/core/db/store';
import { createLogger } from '../../../src-main/core/log/logger';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import { solidFrame, writeStandardModels } from '../../helpers/analysis-models';
import { TEST_PASSWORD, signIn, tempDir, testCore } from '../../helpers/core';
import { sideFiles } from '../../helpers/datafiles';
import { makeDetection } from '../../helpers/detections';

const log = createLogger('test', { level: 'error', sink: () => undefined });
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NAMES = ['users', 'detections', 'reports', 'meta'] as const;

async function snapshot(core: Core): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const n of NAMES) out[n] = ((await core.db[n].find({})) as { _id: string }[]).sort((a, b) => a._id.localeCompare(b._id));
  return out;
}

/** Exercise every write path that stores documents. */
async function fill(core: Core, work: string): Promise<void> {
  const d = createAppDispatcher(core);
  const admin = await signIn(core, 'admin', 'w-admin');
  const inv = await signIn(core, 'investigator', 'w-inv');
  const user = await signIn(core, 'user', 'w-user');
  const actor = { userId: admin.userId, username: admin.username };
  // Accounts: every change an account can go through.
  await core.auth.changePassword('w-user', user, TEST_PASSWORD, 'a-new-secret-77');
  await core.auth.login('w-x', 'investigator1', 'wrong-password-1').catch(() => undefined);
  const temp = await core.auth.createUser(actor, { username: 'Temp.User', displayName: 'Temp User', role: 'user', password: 'temporary-pw-1' });
  for (let i = 0; i < 6; i++) await core.auth.login('w-x', 'temp.user', 'wrong-password-1').catch(() => undefined);
  await core.auth.lockUser(actor, temp.id);
  await core.auth.unlockUser(actor, temp.id);
  await core.auth.setRole(actor, temp.id, 'investigator');
  await core.auth.updateUser(actor, temp.id, 'Temporary');
  await core.auth.resetPassword(actor, temp.id, 'another-temp-pw-2');
  const gone = await core.auth.createUser(actor, { username: 'gone', role: 'user', password: 'temporary-pw-1' });
  await core.auth.deleteUser(actor, gone.id);

  // A real analysis through the engine (faces, frames, artifacts, models).
  const image = path.join(work, 'face.png');
  await sharp(Buffer.from(solidFrame(160, 120, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] })), { raw: { width: 160, height: 120, channels: 3 } })
    .png()
    .toFile(image);
  const done = new Promise<string>((resolve) =>
    core.events.attach('w-user', (ev, p) => {
      if (ev === 'analysis:done') resolve((p as { detectionId: string }).detectionId);
    }),
  );
  core.grants.grant('w-user', image);
  expect((await d.invoke('w-user', 'analysis:start', { paths: [image] })).ok).toBe(true);
  const analysed = await done;
  expect((await core.detections.get(analysed))?.status).toBe('done');
  // Notes, an override, a PDF report.
  expect((await d.invoke('w-inv', 'history:annotate', { id: analysed, note: 'Checked the source.', override: { band: 'manipulated', reason: 'Known edit.' } })).ok).toBe(true);
  const author = { userId: user.userId, username: user.username, displayName: user.displayName, role: user.role };
  await core.reports.exportReport({ detectionId: analysed, destPath: path.join(work, 'r.pdf'), author, caseReference: 'CASE-1', overwrite: false });

  // Records through the repository: every status, a replace, a deletion.
  const mine = { ownerId: user.userId, ownerName: user.username };
  const running = await core.detections.insert(makeDetection({ ...mine, kind: 'video', status: 'running', finishedAt: null, sha256: '' }));
  await core.detections.setStatus(running.id, 'failed', { error: { code: 'IO', message: 'gone' } });
  const cancelled = await core.detections.insert(makeDetection({ ...mine, status: 'queued', finishedAt: null }));
  await core.detections.setStatus(cancelled.id, 'cancelled');
  const saved = await core.detections.insert(makeDetection({ ...mine, probability: null, band: 'undetermined' }));
  await core.detections.save({ ...saved, warnings: [{ code: 'NO_FACE', message: 'No face found.' }] });
  const removed = await core.detections.insert(makeDetection(mine));
  await core.detections.remove(removed.id);
  await core.detections.insert(makeDetection({ ...mine, status: 'running', finishedAt: null }));
  await core.settings.patch({ sessionIdleMinutes: 20 }, admin);
  expect(inv.role).toBe('investigator');
}

describe('load validation on a store written by the real write paths', () => {
  it('sets nothing aside, live or after a clean close, and loads every document unchanged', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const modelsDir = path.join(t.dir, 'models');
    writeStandardModels(modelsDir);
    const dataDir = path.join(t.dir, 'data');
    const opts = { dataDir, analysisInProcess: true, bundledModels: false, modelsDir };
    const { core } = await testCore(opts);
    let open: Core | null = core;
    cleanups.push(() => open?.close());
    await fill(core, t.dir);
    // The live, uncompacted files (acknowledged writes are on disk): superseded lines, deletions, index lines.
    const copy = path.join(t.dir, 'copy');
    fs.cpSync(dataDir, copy, { recursive: true, filter: (src) => path.basename(src) !== '.mediaguard.lock' });
    const live = await Store.open({ dataDir: copy, log, compactEveryMs: null });
    expect(live.repairs).toEqual([]);
    for (const n of NAMES) expect(await live[n].count()).toBe(await core.db[n].count());
    await live.close();

    const before = await snapshot(core);
    expect(before.users!.length).toBe(4);
    expect(before.detections!.length).toBe(5);
    expect(before.reports!.length).toBe(1);
    await core.close();
    open = null;
    const { core: again } = await testCore(opts);
    open = again;
    expect(again.db.repairs).toEqual([]);
    // The record left running was marked interrupted at open; everything else is as it was.
    const after = await snapshot(again);
    const interrupted = (after.detections as { _id: string; status: string }[]).filter((r) => r.status === 'interrupted').map((r) => r._id);
    expect(interrupted).toHaveLength(1);
    const unchanged = (s: Record<string, unknown[]>) => ({ ...s, detections: (s.detections as { _id: string }[]).filter((r) => !interrupted.includes(r._id)) });
    expect(unchanged(after)).toEqual(unchanged(before));
    for (const n of NAMES) expect(sideFiles(again.db[n].file)).toEqual({ quarantine: [], backups: [] });
    expect(await again.db.usersWereSetAside()).toBe(false);
    // Every stored body reads back (and validates) too.
    const admin = await signIn(again, 'admin', 'w-admin');
    for (const r of (await again.detections.list({ limit: 500 }, admin)).items) expect((await again.detections.getScoped(r.id, admin)).id).toBe(r.id);
    expect(again.detections.damagedRecords()).toEqual([]);
  }, 60_000);
});
