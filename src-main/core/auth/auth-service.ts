/**
 * Sign-in: first-run setup of the first admin, login with lockout (window and CLI count
 * toward the same attempts, since both go through here), logout, change own password.
 * Sessions live in core.sessions, keyed by the caller id.
 */
import path from 'node:path';
import type { AuthStatus, SessionInfo } from '../../../src-shared/domain/user';
import { AppError } from '../../../src-shared/result';
import type { UserDoc } from '../db/schemas';
import type { Session } from './sessions';
import { AccountService, publicUser } from './accounts';
import { assertPassword, checkPassword, dummyHash, hashCost, hashPassword, verifyPassword } from './passwords';

/** How a login arrived (recorded in the audit log). */
export type LoginVia = 'window' | 'cli' | 'test';

function minutesText(sec: number): string {
  const m = Math.ceil(sec / 60);
  return m <= 1 ? 'about a minute' : `${m} minutes`;
}

/** The auth service (core.auth): sign-in plus account administration. */
export class AuthService extends AccountService {
  /** Accounts whose last successful password check matched a pre-normalisation hash (re-hashed at login). */
  private readonly legacyMatches = new Set<string>();

  /** The renderer's view of a session. */
  async sessionInfo(s: Session): Promise<SessionInfo> {
    const u = await this.byId(s.userId);
    return {
      user: publicUser(u),
      startedAt: new Date(s.startedAt).toISOString(),
      idleTimeoutSec: Math.round(this.deps.sessions.idleTimeoutMs / 1000),
    };
  }

  /** Whether setup is needed, and the caller's session if any. */
  async status(senderId: string): Promise<AuthStatus> {
    const setupRequired = (await this.deps.users.count()) === 0;
    const s = this.deps.sessions.peek(senderId);
    if (!s) return { setupRequired, session: null };
    if (!(await this.deps.users.findOne({ _id: s.userId }))) {
      this.deps.sessions.end(senderId);
      return { setupRequired, session: null };
    }
    return { setupRequired, session: await this.sessionInfo(s) };
  }

  private startSession(senderId: string, u: UserDoc): Session {
    return this.deps.sessions.start(senderId, {
      userId: u._id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      mustChangePassword: u.mustChangePassword,
    });
  }

  /** Create the first admin (only while there are no accounts) and sign the caller in. */
  async setup(senderId: string, input: { username: string; displayName?: string; password: string }): Promise<SessionInfo> {
    const u = await this.deps.users.exclusive(async () => {
      if ((await this.deps.users.count()) > 0) throw new AppError('CONFLICT', 'Setup is already done: accounts exist. Sign in instead.');
      // No accounts, but account records were set aside as damaged (now or at an earlier start):
      // the accounts may well exist, and setup would hand the installation to whoever comes first.
      const setAside = await this.deps.users.quarantineFiles();
      if (setAside.length) {
        throw new AppError(
          'CONFLICT',
          `Setup is refused: the account store was damaged and account records were set aside (${setAside.map((f) => path.basename(f)).join(', ')} in ${path.dirname(setAside[0]!)}). ` +
            'The accounts may still exist there. Close the application and restore users.db from the backup beside it, or, if you are sure no account should exist, move the set-aside file(s) elsewhere and start again.',
          { setAside: setAside.map((f) => path.basename(f)) },
        );
      }
      return this.insertUser({ ...input, role: 'admin', mustChangePassword: false });
    });
    // Audited before the session starts: no session exists whose start is not on record.
    await this.deps.audit.append({ actor: { userId: u._id, username: u.username }, action: 'auth.setup', target: u.username, details: { userId: u._id } });
    return this.sessionInfo(this.startSession(senderId, u));
  }

  /** Check a password, counting failures toward lockout; returns the account on success. */
  private async checkCredentials(username: string, password: string, via: LoginVia): Promise<UserDoc> {
    const key = username.trim().toLowerCase();
    const u = await this.deps.users.findOne({ usernameKey: key });
    if (!u) {
      // Same work as a real check, so response time does not reveal which usernames exist.
      await verifyPassword(password, await dummyHash(this.bcryptCost));
      await this.deps.audit.append({ actor: null, action: 'auth.login_failed', target: username.slice(0, 64), details: { reason: 'unknown-user', via } });
      throw new AppError('BAD_CREDENTIALS', 'Wrong username or password.');
    }
    const now = this.deps.now();
    if (u.adminLocked) {
      await this.deps.audit.append({ actor: null, action: 'auth.login_failed', target: u.username, details: { reason: 'admin-locked', via } });
      throw new AppError('LOCKED', 'This account is locked. Ask an administrator to unlock it.', { adminLocked: true });
    }
    if (u.lockedUntil && Date.parse(u.lockedUntil) > now) {
      const remainingSec = Math.ceil((Date.parse(u.lockedUntil) - now) / 1000);
      await this.deps.audit.append({ actor: null, action: 'auth.login_failed', target: u.username, details: { reason: 'locked', via, remainingSec } });
      throw new AppError('LOCKED', `Too many failed attempts. Try again in ${minutesText(remainingSec)}${await this.unlockHint(u)}.`, {
        remainingSec,
        lockedUntil: u.lockedUntil,
      });
    }
    const match = await checkPassword(password, u.passwordHash);
    if (match) {
      if (match === 'legacy') this.legacyMatches.add(u._id);
      return u;
    }

    const { maxAttempts, minutes } = this.deps.settings.get().lockout;
    let lockedNow = false;
    const after = await this.change(u._id, (d) => {
      // A lockout that has run out starts a fresh count.
      const expired = d.lockedUntil !== null && Date.parse(d.lockedUntil) <= now;
      const failedAttempts = (expired ? 0 : d.failedAttempts) + 1;
      lockedNow = failedAttempts >= maxAttempts;
      return { ...d, failedAttempts, lockedUntil: lockedNow ? new Date(now + minutes * 60_000).toISOString() : expired ? null : d.lockedUntil };
    });
    await this.deps.audit.append({ actor: null, action: 'auth.login_failed', target: u.username, details: { reason: 'bad-password', via, attempts: after.failedAttempts } });
    if (lockedNow) {
      await this.deps.audit.append({ actor: null, action: 'auth.lockout', target: u.username, details: { userId: u._id, minutes, attempts: after.failedAttempts, via } });
      // Only new sign-ins wait. Sessions already open stay open: wrong passwords typed by
      // someone else must not throw the account's holder out of their work (an admin's
      // deliberate lock, account.locked, does end them).
      throw new AppError('LOCKED', `Too many failed attempts: the account is locked for ${minutesText(minutes * 60)}${await this.unlockHint(u)}.`, {
        remainingSec: minutes * 60,
        lockedUntil: after.lockedUntil,
      });
    }
    // No attempts-left hint: it would tell an unknown username from a known one.
    throw new AppError('BAD_CREDENTIALS', 'Wrong username or password.');
  }

  /** How a timed lock ends: an administrator may lift it, unless this is the only admin who could. */
  private async unlockHint(u: UserDoc): Promise<string> {
    return (await this.isLastActiveAdmin(u)) ? ' (this is the only active administrator account, so it unlocks by itself when the time is up)' : ', or ask an administrator to unlock the account';
  }

  /** Sign in: starts the caller's session. */
  async login(senderId: string, username: string, password: string, via: LoginVia = 'window'): Promise<SessionInfo> {
    const s = await this.loginSession(senderId, username, password, via);
    return this.sessionInfo(s);
  }

  /** Sign in and return the session itself (CLI). */
  async loginSession(senderId: string, username: string, password: string, via: LoginVia): Promise<Session> {
    const u0 = await this.checkCredentials(username, password, via);
    const cost = this.bcryptCost;
    // Upgrade hashes made with a lower cost than today's setting, now that we hold the password.
    // …and hashes made before passwords were normalised (NFC).
    const legacy = this.legacyMatches.delete(u0._id);
    const rehash = legacy || hashCost(u0.passwordHash) < cost ? await hashPassword(password, cost) : null;
    const u = await this.change(u0._id, (d) => ({
      ...d,
      failedAttempts: 0,
      lockedUntil: null,
      lastLoginAt: this.iso(),
      ...(rehash ? { passwordHash: rehash } : {}),
    }));
    await this.deps.audit.append({ actor: { userId: u._id, username: u.username }, action: 'auth.login', target: u.username, details: { via, mustChangePassword: u.mustChangePassword } });
    return this.startSession(senderId, u);
  }

  /** Sign the caller out. */
  async logout(senderId: string): Promise<void> {
    const s = this.deps.sessions.peek(senderId);
    this.deps.sessions.end(senderId);
    if (s) await this.deps.audit.append({ actor: s, action: 'auth.logout', target: s.username, details: {} });
  }

  /** Change the signed-in account's own password (a wrong current password counts toward lockout). */
  async changePassword(senderId: string, session: Session, currentPassword: string, newPassword: string): Promise<SessionInfo> {
    const u = await this.byId(session.userId);
    try {
      await this.checkCredentials(u.username, currentPassword, 'window');
    } catch (e) {
      if (e instanceof AppError && e.code === 'BAD_CREDENTIALS') throw new AppError('BAD_CREDENTIALS', 'The current password is wrong.', e.details);
      if (e instanceof AppError && e.code === 'LOCKED') this.deps.sessions.end(senderId);
      throw e;
    }
    assertPassword(newPassword, u.username);
    if (currentPassword === newPassword) throw new AppError('VALIDATION', 'The new password must differ from the current one.');
    const hash = await hashPassword(newPassword, this.bcryptCost);
    const t = this.iso();
    await this.change(u._id, (d) => ({ ...d, passwordHash: hash, passwordChangedAt: t, mustChangePassword: false, failedAttempts: 0, lockedUntil: null }));
    // Other windows signed in as this account were opened with the old password: end them.
    for (const other of this.deps.sessions.updateUser(u._id, { mustChangePassword: false })) {
      if (other !== senderId) {
        this.deps.sessions.end(other);
        this.deps.events.emit(other, 'session:expired', { reason: 'account-changed' });
      }
    }
    await this.deps.audit.append({ actor: session, action: 'auth.password_changed', target: u.username, details: {} });
    const s = this.deps.sessions.peek(senderId);
    if (!s) throw new AppError('UNAUTHENTICATED', 'Please sign in again.');
    return this.sessionInfo(s);
  }
}
