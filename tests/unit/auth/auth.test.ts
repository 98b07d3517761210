import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { bcryptInput, checkPassword, hashCost } from '../../../src-main/core/auth/passwords';
import { AppError } from '../../../src-shared/result';
import { signIn, testCore, TEST_PASSWORD } from '../../helpers/core';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function core(opts: Parameters<typeof testCore>[0] = {}): Promise<{ core: Core; clock: { t: number } }> {
  const clock = { t: Date.parse('2026-01-01T10:00:00Z') };
  const t = await testCore({ now: () => clock.t, ...opts });
  cleanups.push(t.cleanup);
  return { core: t.core, clock };
}

async function fail(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('first run', () => {
  it('has no accounts and no default password; setup creates the first admin once', async () => {
    const { core: c } = await core();
    expect(await c.auth.status('w1')).toEqual({ setupRequired: true, session: null });
    expect((await fail(c.auth.login('w1', 'admin', 'admin'))).code).toBe('BAD_CREDENTIALS');
    const info = await c.auth.setup('w1', { username: 'chief', displayName: 'Chief', password: TEST_PASSWORD });
    expect(info.user).toMatchObject({ username: 'chief', role: 'admin', mustChangePassword: false });
    expect(info).not.toHaveProperty('user.passwordHash');
    expect((await c.auth.status('w1')).session?.user.username).toBe('chief');
    expect((await fail(c.auth.setup('w2', { username: 'other', password: TEST_PASSWORD }))).code).toBe('CONFLICT');
    expect(c.audit.list({ action: 'auth.setup' }).total).toBe(1);
  });

  it('refuses bad usernames and weak passwords with clear messages', async () => {
    const { core: c } = await core();
    for (const u of ['ab', 'x'.repeat(33), 'bad name', '-dash', 'émile', '../etc']) {
      expect((await fail(c.auth.setup('w', { username: u, password: TEST_PASSWORD }))).code, u).toBe('VALIDATION');
    }
    for (const p of ['', 'short1', 'onlyletterslong', '1234567890123', 'chief-password-1']) {
      const e = await fail(c.auth.setup('w', { username: 'chief', password: p }));
      expect(e.code, p).toBe('VALIDATION');
      expect(e.message.length).toBeGreaterThan(10);
    }
    expect(await c.auth.count()).toBe(0);
  });

  it('hashes with the configured bcrypt cost (default 12 in production settings)', async () => {
    const { core: c } = await core({ bcryptCost: undefined as unknown as number });
    expect(c.settings.get().bcryptCost).toBeGreaterThanOrEqual(12);
    const { core: fast } = await core();
    await fast.auth.setup('w', { username: 'chief', password: TEST_PASSWORD });
    const doc = await fast.db.users.findOne({ usernameKey: 'chief' });
    expect(hashCost(doc!.passwordHash)).toBe(4);
    expect(doc!.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it('counts every byte of long passphrases (bcrypt alone stops at 72)', async () => {
    const { core: c } = await core();
    const long = 'a1'.repeat(40);
    await c.auth.setup('w', { username: 'chief', password: long });
    expect((await fail(c.auth.login('w2', 'chief', long.slice(0, 72) + 'zz99'))).code).toBe('BAD_CREDENTIALS');
    await c.auth.login('w3', 'chief', long);
    // Typing the pre-hash of the long passphrase is not knowing it.
    const prehash = `sha256:${createHash('sha256').update(long, 'utf8').digest('base64')}`;
    expect((await fail(c.auth.login('w4', 'chief', prehash))).code).toBe('BAD_CREDENTIALS');
  });

  it('maps passwords one to one: a short password that looks like a pre-hash is hashed apart from the passphrase it names', () => {
    const long = 'ü1'.repeat(40);
    const prehash = `sha256:${createHash('sha256').update(long, 'utf8').digest('base64')}`;
    expect(bcryptInput(long)).toBe(prehash);
    expect(bcryptInput(prehash)).not.toBe(prehash);
    expect(bcryptInput(prehash)).toMatch(/^sha256r:/);
    expect(bcryptInput(bcryptInput(prehash))).not.toBe(bcryptInput(prehash));
    expect(bcryptInput('correct-horse-42')).toBe('correct-horse-42');
  });

  it('treats the NFC and NFD forms of a password as the same password, and re-hashes an old un-normalised hash at login', async () => {
    const { core: c } = await core();
    const nfc = 'café-crème-42'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    await c.auth.setup('w', { username: 'chief', password: nfc });
    await c.auth.login('w2', 'chief', nfd);
    await c.auth.login('w3', 'chief', nfc);
    // An account whose hash was made from the NFD string as typed (before normalisation): it still
    // signs in with what was typed, and the hash is replaced by the normalised one.
    const old = await c.db.users.findOne({ usernameKey: 'chief' });
    await c.db.users.updateRaw({ _id: old!._id }, { $set: { passwordHash: await bcrypt.hash(nfd, 4) } });
    expect(await checkPassword(nfd, (await c.db.users.findOne({ usernameKey: 'chief' }))!.passwordHash)).toBe('legacy');
    await c.auth.login('w4', 'chief', nfd);
    const after = (await c.db.users.findOne({ usernameKey: 'chief' }))!.passwordHash;
    expect(await checkPassword(nfd, after)).toBe('current');
    expect(await checkPassword(nfc, after)).toBe('current');
  });
});

describe('login and lockout', () => {
  it('locks after 5 failures for 30 minutes, shows the time left, then counts afresh', async () => {
    const { core: c, clock } = await core();
    await signIn(c, 'user', 'w', 'ursula');
    for (let i = 1; i <= 4; i++) {
      const e = await fail(c.auth.login('w2', 'ursula', 'wrong-password-1'));
      expect(e.code).toBe('BAD_CREDENTIALS');
      expect((await c.auth.findByUsername('ursula'))?.failedAttempts).toBe(i);
    }
    const locked = await fail(c.auth.login('w2', 'ursula', 'wrong-password-1'));
    expect(locked.code).toBe('LOCKED');
    expect(locked.details?.remainingSec).toBe(1800);
    expect(locked.message).toMatch(/locked for 30 minutes, or ask an administrator to unlock the account\.$/);
    // Even the right password is refused while locked, with the remaining time.
    clock.t += 10 * 60_000;
    const still = await fail(c.auth.login('w2', 'ursula', TEST_PASSWORD));
    expect(still.code).toBe('LOCKED');
    expect(still.details?.remainingSec).toBe(1200);
    expect(still.message).toMatch(/20 minutes/);
    // Wrong passwords typed elsewhere do not end the account's open session: only new sign-ins wait.
    expect(c.sessions.peek('w')).toMatchObject({ username: 'ursula' });
    clock.t += 21 * 60_000;
    expect((await fail(c.auth.login('w2', 'ursula', 'wrong-password-1'))).code).toBe('BAD_CREDENTIALS');
    expect((await c.auth.findByUsername('ursula'))?.failedAttempts).toBe(1);
    const ok = await c.auth.login('w2', 'ursula', TEST_PASSWORD);
    expect(ok.user.failedAttempts).toBe(0);
    const actions = c.audit.list({ limit: 500 }).items.map((e) => e.action);
    expect(actions).toContain('auth.lockout');
    expect(actions.filter((a) => a === 'auth.login_failed').length).toBe(7);
  });

  it('the only active admin: the lock says it ends by itself (no one else could lift it)', async () => {
    const { core: c, clock } = await core();
    await signIn(c, 'admin', 'w', 'chief');
    for (let i = 1; i <= 4; i++) await fail(c.auth.login('w2', 'chief', 'wrong-password-1'));
    const locked = await fail(c.auth.login('w2', 'chief', 'wrong-password-1'));
    expect(locked.code).toBe('LOCKED');
    expect(locked.message).toBe('Too many failed attempts: the account is locked for 30 minutes (this is the only active administrator account, so it unlocks by itself when the time is up).');
    expect((await fail(c.auth.login('w2', 'chief', TEST_PASSWORD))).message).toMatch(/^Too many failed attempts\. Try again in 30 minutes \(this is the only active administrator account/);
    // The admin's open session goes on: they can still work (and see the lockout in the audit log).
    expect(c.sessions.peek('w')).toMatchObject({ username: 'chief', role: 'admin' });
    clock.t += 31 * 60_000;
    expect((await c.auth.login('w2', 'chief', TEST_PASSWORD)).user.username).toBe('chief');
  });

  it('follows the lockout settings', async () => {
    const { core: c } = await core();
    const admin = await signIn(c, 'admin');
    await c.settings.patch({ lockout: { maxAttempts: 2, minutes: 5 } }, admin);
    await signIn(c, 'user', 'w', 'ursula');
    await fail(c.auth.login('w2', 'ursula', 'wrong-password-1'));
    const e = await fail(c.auth.login('w2', 'ursula', 'wrong-password-1'));
    expect(e.code).toBe('LOCKED');
    expect(e.details?.remainingSec).toBe(300);
  });

  it('does not reveal whether a username exists', async () => {
    const { core: c } = await core();
    await signIn(c, 'admin');
    const unknown = await fail(c.auth.login('w', 'nobody', 'wrong-password-1'));
    const known = await fail(c.auth.login('w', 'admin1', 'wrong-password-1'));
    expect(unknown.toShape()).toEqual(known.toShape());
  });

  it('matches usernames case-insensitively', async () => {
    const { core: c } = await core();
    await signIn(c, 'admin', 'w', 'Chief');
    expect((await c.auth.login('w2', 'CHIEF', TEST_PASSWORD)).user.username).toBe('Chief');
  });

  it('logs out and expires idle sessions per settings', async () => {
    const { core: c, clock } = await core();
    const admin = await signIn(c, 'admin', 'w');
    await c.settings.patch({ sessionIdleMinutes: 5 }, admin);
    expect(c.sessions.peek('w')).not.toBeNull();
    clock.t += 6 * 60_000;
    expect(c.sessions.peek('w')).toBeNull();
    await c.auth.login('w', 'admin1', TEST_PASSWORD);
    await c.auth.logout('w');
    expect(c.sessions.peek('w')).toBeNull();
    expect(c.audit.list({ action: 'auth.logout' }).total).toBe(1);
  });
});

describe('passwords', () => {
  it('changes its own password; a wrong current password counts as a failure', async () => {
    const { core: c } = await core();
    const s = await signIn(c, 'user', 'w', 'ursula');
    const e = await fail(c.auth.changePassword('w', s, 'wrong-password-1', 'another-pass-77'));
    expect(e.code).toBe('BAD_CREDENTIALS');
    expect((await c.auth.findByUsername('ursula'))?.failedAttempts).toBe(1);
    expect((await fail(c.auth.changePassword('w', s, TEST_PASSWORD, 'weak'))).code).toBe('VALIDATION');
    expect((await fail(c.auth.changePassword('w', s, TEST_PASSWORD, TEST_PASSWORD))).code).toBe('VALIDATION');
    await c.auth.login('other-window', 'ursula', TEST_PASSWORD);
    await c.auth.changePassword('w', s, TEST_PASSWORD, 'another-pass-77');
    expect(c.sessions.peek('other-window')).toBeNull();
    expect(c.sessions.peek('w')).not.toBeNull();
    await c.auth.login('w3', 'ursula', 'another-pass-77');
    expect(c.audit.list({ action: 'auth.password_changed' }).total).toBe(1);
  });

  it('offline reset: the admin sets a temporary password and the user must choose a new one', async () => {
    const { core: c } = await core();
    const admin = await signIn(c, 'admin');
    const s = await signIn(c, 'user', 'w', 'ursula');
    for (let i = 0; i < 5; i++) await fail(c.auth.login('x', 'ursula', 'wrong-password-1'));
    const u = await c.auth.resetPassword(admin, s.userId, 'temporary-pass-1');
    expect(u).toMatchObject({ mustChangePassword: true, failedAttempts: 0, lockedUntil: null });
    const info = await c.auth.login('w', 'ursula', 'temporary-pass-1');
    expect(info.user.mustChangePassword).toBe(true);
    expect(c.sessions.peek('w')?.mustChangePassword).toBe(true);
    await c.auth.changePassword('w', c.sessions.peek('w')!, 'temporary-pass-1', 'my-own-secret-9');
    expect(c.sessions.peek('w')?.mustChangePassword).toBe(false);
  });
});

describe('account administration', () => {
  it('creates accounts that must change their password, refusing duplicates', async () => {
    const { core: c } = await core();
    const admin = await signIn(c, 'admin');
    const u = await c.auth.createUser(admin, { username: 'ivy', role: 'investigator', password: TEST_PASSWORD });
    expect(u).toMatchObject({ role: 'investigator', mustChangePassword: true, displayName: 'ivy' });
    expect((await fail(c.auth.createUser(admin, { username: 'IVY', role: 'user', password: TEST_PASSWORD }))).code).toBe('CONFLICT');
    expect((await c.auth.listUsers()).map((x) => x.username)).toEqual(['admin1', 'ivy']);
    expect(c.audit.list({ action: 'account.created' }).items[0]).toMatchObject({ actorName: 'admin1', target: 'ivy' });
  });

  it('changes roles (effective in open sessions) but never demotes the last admin', async () => {
    const { core: c } = await core();
    const admin = await signIn(c, 'admin');
    const s = await signIn(c, 'user', 'w', 'ursula');
    await c.auth.setRole(admin, s.userId, 'investigator');
    expect(c.sessions.peek('w')?.role).toBe('investigator');
    const e = await fail(c.auth.setRole(admin, admin.userId, 'user'));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/last active admin/);
    await c.auth.setRole(admin, s.userId, 'admin');
    await c.auth.setRole(admin, admin.userId, 'user');
    expect((await c.auth.findByUsername('admin1'))?.role).toBe('user');
    expect(c.audit.list({ action: 'account.role_changed' }).total).toBe(3);
  });

  it('locks and unlocks; locked accounts cannot sign in and lose their sessions', async () => {
    const { core: c } = await core();
    const admin = await signIn(c, 'admin');
    const s = await signIn(c, 'user', 'w', 'ursula');
    await c.auth.lockUser(admin, s.userId);
    expect(c.sessions.peek('w')).toBeNull();
    const e = await fail(c.auth.login('w', 'ursula', TEST_PASSWORD));
    expect(e.code).toBe('LOCKED');
    expect(e.details?.adminLocked).toBe(true);
    await c.auth.unlockUser(admin, s.userId);
    await c.auth.login('w', 'ursula', TEST_PASSWORD);
    expect((await fail(c.auth.lockUser(admin, admin.userId))).code).toBe('CONFLICT');
  });

  it('never locks or deletes the last admin, and deletes other accounts keeping their records', async () => {
    const { core: c } = await core();
    const admin = await signIn(c, 'admin');
    const other = await signIn(c, 'admin', 'w2', 'admin2');
    await c.auth.lockUser(admin, other.userId);
    // admin1 is now the only active admin: admin2 cannot lock or delete them.
    await c.auth.unlockUser(admin, other.userId);
    await c.auth.deleteUser(other, admin.userId);
    const e = await fail(c.auth.deleteUser(admin, other.userId));
    expect(e.code).toBe('CONFLICT');
    const e2 = await fail(c.auth.deleteUser(other, other.userId));
    expect(e2.code).toBe('CONFLICT');
    expect((await fail(c.auth.deleteUser(other, 'no-such-id'))).code).toBe('NOT_FOUND');
    expect(c.audit.list({ action: 'account.deleted' }).total).toBe(1);
  });
});
