import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import type { PublicUser, SessionInfo } from '../../../src-shared/domain/user';
import { TEST_PASSWORD, testCore } from '../../helpers/core';

let core: Core;
let cleanup: () => Promise<void>;
let d: Dispatcher;
const events: { sender: string; event: string; payload: unknown }[] = [];

beforeEach(async () => {
  ({ core, cleanup } = await testCore());
  d = createAppDispatcher(core);
  events.length = 0;
  for (const w of ['w1', 'w2']) core.events.attach(w, (event, payload) => events.push({ sender: w, event, payload }));
});
afterEach(async () => cleanup());

function ok<T>(r: Awaited<ReturnType<Dispatcher['invoke']>>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe('auth and admin handlers through the dispatcher', () => {
  it('goes from first run to a working admin, user and password change', async () => {
    expect(ok(await d.invoke('w1', 'auth:status', {}))).toEqual({ setupRequired: true, session: null });
    const s = ok<SessionInfo>(await d.invoke('w1', 'auth:setup', { username: 'chief', password: TEST_PASSWORD }));
    expect(s.user.role).toBe('admin');
    expect(s.idleTimeoutSec).toBe(30 * 60);
    expect(JSON.stringify(s)).not.toMatch(/\$2[aby]\$/);
    const u = ok<PublicUser>(await d.invoke('w1', 'admin:users:create', { username: 'ursula', role: 'user', password: 'temporary-pw-1' }));
    expect(JSON.stringify(ok(await d.invoke('w1', 'admin:users:list', {})))).not.toMatch(/passwordHash|\$2[aby]\$/);
    // First login must change the temporary password before anything else.
    const first = ok<SessionInfo>(await d.invoke('w2', 'auth:login', { username: 'ursula', password: 'temporary-pw-1' }));
    expect(first.user.mustChangePassword).toBe(true);
    expect(await d.invoke('w2', 'history:list', {})).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    ok(await d.invoke('w2', 'auth:changePassword', { currentPassword: 'temporary-pw-1', newPassword: 'her-own-secret-2' }));
    ok(await d.invoke('w2', 'history:list', {}));
    // Role changes apply to the open session at once; locking ends it and tells the window.
    ok(await d.invoke('w1', 'admin:users:setRole', { id: u.id, role: 'investigator' }));
    expect(await d.invoke('w2', 'history:annotate', { id: 'none', note: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    ok(await d.invoke('w1', 'admin:users:lock', { id: u.id }));
    expect(events).toContainEqual({ sender: 'w2', event: 'session:expired', payload: { reason: 'account-changed' } });
    expect(await d.invoke('w2', 'history:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await d.invoke('w2', 'auth:login', { username: 'ursula', password: 'her-own-secret-2' })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    ok(await d.invoke('w1', 'admin:users:unlock', { id: u.id }));
    ok(await d.invoke('w2', 'auth:login', { username: 'ursula', password: 'her-own-secret-2' }));
    ok(await d.invoke('w2', 'auth:logout', {}));
    expect(ok(await d.invoke('w2', 'auth:status', {}))).toEqual({ setupRequired: false, session: null });
  });

  it('reports lockout with the remaining time in the envelope', async () => {
    ok(await d.invoke('w1', 'auth:setup', { username: 'chief', password: TEST_PASSWORD }));
    let last: Awaited<ReturnType<Dispatcher['invoke']>> | null = null;
    for (let i = 0; i < 5; i++) last = await d.invoke('w2', 'auth:login', { username: 'chief', password: 'wrong-password-9' });
    expect(last).toMatchObject({ ok: false, error: { code: 'LOCKED', details: { remainingSec: 1800 } } });
  });

  it('serves audit list/verify and settings get/set to admins', async () => {
    ok(await d.invoke('w1', 'auth:setup', { username: 'chief', password: TEST_PASSWORD }));
    const v = ok<{ ok: boolean; entries: number }>(await d.invoke('w1', 'admin:audit:verify', {}));
    expect(v).toMatchObject({ ok: true, entries: 1 });
    const page = ok<{ items: { action: string }[]; total: number }>(await d.invoke('w1', 'admin:audit:list', { action: 'auth' }));
    expect(page.items.map((e) => e.action)).toEqual(['auth.setup']);
    const s = ok<{ sessionIdleMinutes: number }>(await d.invoke('w1', 'admin:settings:set', { sessionIdleMinutes: 15 }));
    expect(s.sessionIdleMinutes).toBe(15);
    expect(ok<{ sessionIdleMinutes: number }>(await d.invoke('w1', 'admin:settings:get', {})).sessionIdleMinutes).toBe(15);
    expect(await d.invoke('w1', 'admin:settings:set', { bcryptCost: 3 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // Limits have bounds a user would expect: no 1-byte file limit, no 1e-300-second videos, no 100-gigapixel decode.
    const limits = { maxFileBytes: 2 * 1024 ** 3, maxImagePixels: 100_000_000, maxVideoSeconds: 3600, maxFrames: 64 };
    expect(ok<{ limits: typeof limits }>(await d.invoke('w1', 'admin:settings:set', { limits })).limits).toEqual(limits);
    for (const bad of [{ maxFileBytes: 1 }, { maxVideoSeconds: 1e-300 }, { maxImagePixels: 1e11 }, { maxFrames: 0 }, { maxFileBytes: 1e15 }]) {
      expect(await d.invoke('w1', 'admin:settings:set', { limits: { ...limits, ...bad } }), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await d.invoke('w1', 'admin:users:setRole', { id: 'x', role: 'root' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
