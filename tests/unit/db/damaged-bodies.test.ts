/**
 * A record body (records/<id>.json) that fails the record schema: history and statistics keep
 * working for everyone (they read index rows), opening that record gives IO naming the damage
 * (never INTERNAL), it is reported once, and it cannot stop the store from opening.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../../src-main/core/db/artifacts';
import { DetectionsRepo, type DamagedRecord } from '../../../src-main/core/db/detections';
import { Store } from '../../../src-main/core/db/store';
import { createLogger } from '../../../src-main/core/log/logger';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import { signIn, testCore } from '../../helpers/core';
import { makeDetection } from '../../helpers/detections';

const log = createLogger('test', { level: 'error', sink: () => undefined });
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function damage(dir: string, id: string, edit: (d: Record<string, unknown>) => unknown): void {
  const file = path.join(dir, 'records', `${id}.json`);
  fs.writeFileSync(file, JSON.stringify(edit(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)));
}

describe('damaged record bodies', () => {
  it('history and stats work for everyone; opening the damaged record gives IO for it alone, reported once', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    const { core, dir } = t;
    const d = createAppDispatcher(core);
    const admin = await signIn(core, 'admin');
    const user = await signIn(core, 'user');
    const mine = (name: string) => makeDetection({ ownerId: user.userId, ownerName: user.username, file: { ...makeDetection().file, name } });
    const bad = await core.detections.insert(mine('bad.jpg'));
    const swapped = await core.detections.insert(mine('swapped.jpg'));
    const good = await core.detections.insert(mine('good.jpg'));
    damage(dir, bad.id, (x) => ({ ...x, createdAt: 12, verdict: 'x', faces: {} }));
    // A valid body of another record copied over this one's file.
    damage(dir, swapped.id, () => ({ ...good }));
    const seen: DamagedRecord[] = [];
    core.detections.onDamaged((x) => seen.push(x));

    for (const s of [admin, user]) {
      const stats = await d.invoke(s.senderId, 'stats:dashboard', {});
      expect(stats).toMatchObject({ ok: true, value: { total: 3 } });
      expect(await d.invoke(s.senderId, 'history:list', {})).toMatchObject({ ok: true, value: { total: 3 } });
      const r = await d.invoke(s.senderId, 'history:get', { id: bad.id });
      expect(r).toMatchObject({ ok: false, error: { code: 'IO', message: expect.stringMatching(/damaged on disk.*createdAt/) } });
      expect(await d.invoke(s.senderId, 'history:get', { id: swapped.id })).toMatchObject({ ok: false, error: { code: 'IO' } });
      expect(await d.invoke(s.senderId, 'history:get', { id: good.id })).toMatchObject({ ok: true, value: { id: good.id } });
    }
    // Writes to it are refused the same way (not a confusing "refused to store").
    await expect(core.detections.annotate(bad.id, { userId: admin.userId, username: admin.username }, 'note')).rejects.toMatchObject({ code: 'IO' });
    expect(seen.map((x) => x.id)).toEqual([bad.id, swapped.id]);
    expect(core.detections.damagedRecords()).toEqual(seen);
    expect(seen[0]!.reasons.join('\n')).toMatch(/createdAt/);
    expect(seen[1]!.reasons).toEqual([`id: the file of record ${swapped.id} holds record ${good.id}`]);
    // The file is left as it was.
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'records', `${bad.id}.json`), 'utf8'))).toMatchObject({ createdAt: 12 });
  });

  it('a running record with a damaged body does not stop the store from opening; recovery reports it', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    const { core, dir } = t;
    const running = await core.detections.insert(makeDetection({ status: 'running', finishedAt: null }));
    const other = await core.detections.insert(makeDetection({ status: 'running', finishedAt: null }));
    await core.close();
    damage(dir, running.id, (x) => ({ ...x, verdict: 'x' }));
    const store = await Store.open({ dataDir: dir, log, compactEveryMs: null });
    cleanups.push(() => store.close());
    const repo = new DetectionsRepo(dir, store.detections, new ArtifactStore(dir), log);
    const r = await repo.recover();
    expect(r.interrupted.map((x) => x.id)).toEqual([other.id]);
    expect(r.damaged).toEqual([{ id: running.id, fileName: 'photo.jpg', reasons: [expect.stringMatching(/^verdict: /)] }]);
    expect((await repo.get(other.id))?.status).toBe('interrupted');
    await store.close();
    // And the whole core opens too.
    const again = await testCore({ dataDir: dir });
    cleanups.push(() => again.core.close());
    expect((await again.core.detections.list({}, { userId: 'x', role: 'admin' })).total).toBe(2);
  });
});
