/**
 * Walks EVERY channel of the contract with every role and with no session: only what the
 * contract's `access` allows gets past the role check. Payloads are empty, so a permitted
 * call may still fail validation — what matters is that it is not refused as
 * UNAUTHENTICATED or FORBIDDEN, and that every refused call is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, CHANNEL_NAMES, type ChannelName } from '../../../src-shared/contract/index';
import { ROLES, type Role } from '../../../src-shared/roles';
import type { Core } from '../../../src-main/core/core';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import { signIn, testCore } from '../../helpers/core';

const REFUSED = ['UNAUTHENTICATED', 'FORBIDDEN'];

let core: Core;
let cleanup: () => Promise<void>;
let d: Dispatcher;
const sessions = new Map<Role, Awaited<ReturnType<typeof signIn>>>();

beforeAll(async () => {
  ({ core, cleanup } = await testCore());
  d = createAppDispatcher(core);
  for (const role of ROLES) sessions.set(role, await signIn(core, role, `walk-${role}`));
});
afterAll(async () => cleanup());

/** Call a channel as a fresh session of the role (some calls, like logout, end the session). */
async function callAs(role: Role | null, name: ChannelName): Promise<{ ok: boolean; code: string | null }> {
  const sender = role ? `walk-${role}-${name}` : `walk-anon-${name}`;
  if (role) {
    const s = sessions.get(role)!;
    core.sessions.start(sender, { userId: s.userId, username: s.username, displayName: s.displayName, role, mustChangePassword: false });
  }
  const r = await d.invoke(sender, name, {});
  core.sessions.end(sender);
  return r.ok ? { ok: true, code: null } : { ok: false, code: r.error.code };
}

describe('role walk over every channel', () => {
  it('covers a non-trivial contract', () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThanOrEqual(20);
    for (const n of ['auth:login', 'admin:users:list', 'admin:audit:verify', 'history:list', 'history:annotate', 'stats:dashboard'] as ChannelName[]) {
      expect(CHANNEL_NAMES).toContain(n);
    }
  });

  for (const name of CHANNEL_NAMES) {
    const access = channels[name].access;
    it(`${name} (${access === 'public' ? 'public' : access.join('/')})`, async () => {
      const anon = await callAs(null, name);
      if (access === 'public') expect(REFUSED, `${name} without a session`).not.toContain(anon.code);
      else expect(anon.code, `${name} without a session`).toBe('UNAUTHENTICATED');
      for (const role of ROLES) {
        const r = await callAs(role, name);
        const allowed = access === 'public' || access.includes(role);
        if (allowed) expect(REFUSED, `${name} as ${role}`).not.toContain(r.code);
        else expect(r.code, `${name} as ${role}`).toBe('FORBIDDEN');
      }
    });
  }

  it('a session that must change its password can only use the auth channels allowed during the change', async () => {
    const s = sessions.get('admin')!;
    for (const name of CHANNEL_NAMES) {
      const def = channels[name];
      if (def.access === 'public') continue;
      core.sessions.start('walk-pw', { userId: s.userId, username: s.username, displayName: s.displayName, role: 'admin', mustChangePassword: true });
      const r = await d.invoke('walk-pw', name, {});
      core.sessions.end('walk-pw');
      if (def.allowDuringPasswordChange) expect(r.ok ? null : r.error.code, name).not.toBe('PASSWORD_CHANGE_REQUIRED');
      else expect(r.ok ? null : r.error.code, name).toBe('PASSWORD_CHANGE_REQUIRED');
    }
  });

  it('an admin demoted mid-session loses admin channels at once', async () => {
    const admin = sessions.get('admin')!;
    const inv = sessions.get('investigator')!;
    core.sessions.start('walk-live', { userId: inv.userId, username: inv.username, displayName: inv.displayName, role: 'investigator', mustChangePassword: false });
    await core.auth.setRole(admin, inv.userId, 'admin');
    expect((await d.invoke('walk-live', 'admin:users:list', {})).ok).toBe(true);
    await core.auth.setRole(admin, inv.userId, 'investigator');
    expect(await d.invoke('walk-live', 'admin:users:list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
