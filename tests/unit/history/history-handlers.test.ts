import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import type { Detection } from '../../../src-shared/domain/detection';
import { signIn, testCore } from '../../helpers/core';
import { makeDetection } from '../../helpers/detections';

let core: Core;
let cleanup: () => Promise<void>;
let d: Dispatcher;
let mine: Detection;
let theirs: Detection;

beforeEach(async () => {
  ({ core, cleanup } = await testCore());
  d = createAppDispatcher(core);
  await signIn(core, 'admin', 'w-admin');
  const inv = await signIn(core, 'investigator', 'w-inv');
  const user = await signIn(core, 'user', 'w-user');
  const user2 = await signIn(core, 'user', 'w-user2', 'user2');
  mine = await core.detections.insert(
    makeDetection({
      ownerId: user.userId,
      ownerName: user.username,
      file: { ...makeDetection().file, name: 'mine.jpg' },
      artifacts: [{ key: 'heatmap-0.png', kind: 'heatmap', mime: 'image/png', width: 1, height: 1 }],
    }),
  );
  await core.artifacts.write(mine.id, 'heatmap-0.png', Buffer.from('PNGDATA'), { mime: 'image/png' });
  await core.artifacts.write(mine.id, 'unlisted.png', Buffer.from('x'), { mime: 'image/png' });
  theirs = await core.detections.insert(makeDetection({ ownerId: user2.userId, ownerName: user2.username, file: { ...makeDetection().file, name: 'theirs.jpg' } }));
  void inv;
});
afterEach(async () => cleanup());

const value = <T>(r: { ok: boolean; value?: unknown }) => {
  expect(r.ok).toBe(true);
  return r.value as T;
};

describe('history handlers', () => {
  it('lists own records for users and everyone\'s for investigators', async () => {
    const u = value<{ items: { fileName: string }[] }>(await d.invoke('w-user', 'history:list', {}));
    expect(u.items.map((i) => i.fileName)).toEqual(['mine.jpg']);
    const i = value<{ total: number }>(await d.invoke('w-inv', 'history:list', {}));
    expect(i.total).toBe(2);
    expect(await d.invoke('w-user', 'history:list', { ownerId: theirs.ownerId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d.invoke('w-user', 'history:list', { limit: 5000 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('hides other users\' records from users, and audits investigators viewing them', async () => {
    expect(await d.invoke('w-user', 'history:get', { id: theirs.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    value(await d.invoke('w-user', 'history:get', { id: mine.id }));
    expect(core.audit.list({ action: 'record.viewed' }).total).toBe(0);
    value(await d.invoke('w-inv', 'history:get', { id: mine.id }));
    const e = core.audit.list({ action: 'record.viewed' }).items[0]!;
    expect(e).toMatchObject({ actorName: 'investigator1', target: mine.id, details: { ownerName: 'user1' } });
  });

  it('serves artifacts by record id and listed key only', async () => {
    const a = value<{ mime: string; base64: string }>(await d.invoke('w-user', 'history:artifact', { id: mine.id, key: 'heatmap-0.png' }));
    expect(a.mime).toBe('image/png');
    expect(Buffer.from(a.base64, 'base64').toString()).toBe('PNGDATA');
    expect(await d.invoke('w-user', 'history:artifact', { id: mine.id, key: 'unlisted.png' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await d.invoke('w-user', 'history:artifact', { id: mine.id, key: '../records' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await d.invoke('w-user2', 'history:artifact', { id: mine.id, key: 'heatmap-0.png' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('lets owners and admins delete, not investigators or other users; audited', async () => {
    expect(await d.invoke('w-user2', 'history:delete', { id: mine.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await d.invoke('w-inv', 'history:delete', { id: mine.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    value(await d.invoke('w-user', 'history:delete', { id: mine.id }));
    value(await d.invoke('w-admin', 'history:delete', { id: theirs.id }));
    expect(core.audit.list({ action: 'record.deleted' }).items.map((e) => e.actorName)).toEqual(['admin1', 'user1']);
    expect(await core.detections.get(mine.id)).toBeNull();
  });

  it('annotates with an override (investigators only), audited with both bands', async () => {
    expect(await d.invoke('w-user', 'history:annotate', { id: mine.id, note: 'mine' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d.invoke('w-inv', 'history:annotate', { id: mine.id, note: '' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const r = value<Detection>(
      await d.invoke('w-inv', 'history:annotate', { id: mine.id, note: 'Splice at the jaw line', override: { band: 'manipulated', reason: 'visible seam' } }),
    );
    expect(r.annotations.at(-1)).toMatchObject({ authorName: 'investigator1', override: { band: 'manipulated' } });
    expect(core.audit.list({ action: 'record.annotated' }).items[0]?.details).toMatchObject({ override: 'manipulated', modelBand: 'authentic' });
    expect(await d.invoke('w-inv', 'history:annotate', { id: 'nope', note: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('scopes dashboard statistics', async () => {
    expect(value<{ total: number }>(await d.invoke('w-user', 'stats:dashboard', {})).total).toBe(1);
    expect(value<{ total: number }>(await d.invoke('w-admin', 'stats:dashboard', {})).total).toBe(2);
  });
});
