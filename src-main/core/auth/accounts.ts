/**
 * Account administration: create, rename, change role, lock, unlock, reset password,
 * delete — each audited, each ending or updating the sessions it affects, and none able
 * to leave the installation without an active admin.
 */
import crypto from 'node:crypto';
import type { PublicUser } from '../../../src-shared/domain/user';
import { AppError } from '../../../src-shared/result';
import type { Role } from '../../../src-shared/roles';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import type { Collection } from '../db/collection';
import type { UserDoc } from '../db/schemas';
import type { EventBus } from '../events';
import type { Logger } from '../log/logger';
import type { SettingsService } from '../settings/settings-service';
import type { SessionManager } from './sessions';
import { assertPassword, assertUsername, hashPassword } from './passwords';

export interface AccountDeps {
  users: Collection<UserDoc>;
  sessions: SessionManager;
  audit: AuditLog;
  settings: SettingsService;
  events: EventBus;
  log: Logger;
  now: () => number;
  /** Overrides the bcrypt cost from settings (tests only; production uses settings, ≥ 12 by default). */
  bcryptCost?: number;
}

/** An acting admin: a session satisfies this. */
export type Actor = NonNullable<AuditActor>;

/** The renderer-safe view of an account (never the hash). */
export function publicUser(u: UserDoc): PublicUser {
  return {
    id: u._id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
    lockedUntil: u.lockedUntil,
    adminLocked: u.adminLocked,
    failedAttempts: u.failedAttempts,
    mustChangePassword: u.mustChangePassword,
  };
}

/** Account operations; AuthService adds sign-in on top. */
export class AccountService {
  constructor(protected readonly deps: AccountDeps) {}

  protected iso(): string {
    return new Date(this.deps.now()).toISOString();
  }

  /** The bcrypt cost new hashes get. */
  get bcryptCost(): number {
    return this.deps.bcryptCost ?? this.deps.settings.get().bcryptCost;
  }

  /** One stored account by id. */
  protected async byId(id: string): Promise<UserDoc> {
    const u = await this.deps.users.findOne({ _id: id });
    if (!u) throw new AppError('NOT_FOUND', 'No such account.');
    return u;
  }

  /** One account by username (case-insensitive), or null. */
  async findByUsername(username: string): Promise<PublicUser | null> {
    const u = await this.deps.users.findOne({ usernameKey: username.trim().toLowerCase() });
    return u ? publicUser(u) : null;
  }

  /** Number of accounts. */
  async count(): Promise<number> {
    return this.deps.users.count();
  }

  /** All accounts, by username. */
  async listUsers(): Promise<PublicUser[]> {
    const docs = (await this.deps.users.find({}).sort({ usernameKey: 1 })) as UserDoc[];
    return docs.map(publicUser);
  }

  /** Store a new account (rules checked, username unique case-insensitively). */
  protected async insertUser(input: { username: string; displayName?: string; role: Role; password: string; mustChangePassword: boolean }): Promise<UserDoc> {
    const username = input.username.trim();
    assertUsername(username);
    assertPassword(input.password, username);
    if (await this.deps.users.findOne({ usernameKey: username.toLowerCase() })) {
      throw new AppError('CONFLICT', `The username "${username}" is already taken.`);
    }
    const t = this.iso();
    const displayName = input.displayName?.trim() || username;
    return this.deps.users.insert({
      _id: crypto.randomUUID(),
      username,
      usernameKey: username.toLowerCase(),
      displayName: displayName.slice(0, 100),
      role: input.role,
      passwordHash: await hashPassword(input.password, this.bcryptCost),
      createdAt: t,
      updatedAt: t,
      passwordChangedAt: t,
      lastLoginAt: null,
      failedAttempts: 0,
      lockedUntil: null,
      adminLocked: false,
      mustChangePassword: input.mustChangePassword,
    });
  }

  /** Create an account (admin); the user must change the password at first login. */
  async createUser(actor: Actor, input: { username: string; displayName?: string; role: Role; password: string }): Promise<PublicUser> {
    const u = await this.insertUser({ ...input, mustChangePassword: true });
    await this.deps.audit.append({ actor, action: 'account.created', target: u.username, details: { userId: u._id, role: u.role } });
    return publicUser(u);
  }

  /** Change an account's display name. */
  async updateUser(actor: Actor, id: string, displayName: string): Promise<PublicUser> {
    const name = displayName.trim();
    if (!name) throw new AppError('VALIDATION', 'The display name must not be empty.');
    const prev = await this.byId(id);
    const u = await this.change(id, (d) => ({ ...d, displayName: name.slice(0, 100) }));
    this.deps.sessions.updateUser(id, { displayName: u.displayName });
    await this.deps.audit.append({ actor, action: 'account.updated', target: u.username, details: { userId: id, displayName: { from: prev.displayName, to: u.displayName } } });
    return publicUser(u);
  }

  /** True when u is the only admin who can still sign in. */
  protected async isLastActiveAdmin(u: UserDoc): Promise<boolean> {
    if (u.role !== 'admin' || u.adminLocked) return false;
    return (await this.deps.users.count({ role: 'admin', adminLocked: false })) <= 1;
  }

  private async guardLastAdmin(u: UserDoc, what: string): Promise<void> {
    if (await this.isLastActiveAdmin(u)) {
      throw new AppError('CONFLICT', `${u.username} is the last active admin and cannot be ${what}. Make another account admin first.`);
    }
  }

  /** Read-modify-write an account (serialised with the last-admin checks). */
  protected async change(id: string, fn: (d: UserDoc) => UserDoc | Promise<UserDoc>): Promise<UserDoc> {
    const u = await this.deps.users.mutate({ _id: id }, async (d) => ({ ...(await fn(d)), updatedAt: this.iso() }));
    if (!u) throw new AppError('NOT_FOUND', 'No such account.');
    return u;
  }

  private endSessions(userId: string): void {
    for (const senderId of this.deps.sessions.updateUser(userId, null)) {
      this.deps.events.emit(senderId, 'session:expired', { reason: 'account-changed' });
    }
  }

  /** Change an account's role (the last admin cannot be demoted). */
  async setRole(actor: Actor, id: string, role: Role): Promise<PublicUser> {
    let from: Role = role;
    const u = await this.change(id, async (d) => {
      from = d.role;
      if (d.role === 'admin' && role !== 'admin') await this.guardLastAdmin(d, 'demoted');
      return { ...d, role };
    });
    if (from !== role) {
      this.deps.sessions.updateUser(id, { role });
      await this.deps.audit.append({ actor, action: 'account.role_changed', target: u.username, details: { userId: id, from, to: role } });
    }
    return publicUser(u);
  }

  /** Lock an account until an admin unlocks it (not oneself, not the last admin). */
  async lockUser(actor: Actor, id: string): Promise<PublicUser> {
    if (id === actor.userId) throw new AppError('CONFLICT', 'You cannot lock your own account.');
    const u = await this.change(id, async (d) => {
      await this.guardLastAdmin(d, 'locked');
      return { ...d, adminLocked: true };
    });
    this.endSessions(id);
    await this.deps.audit.append({ actor, action: 'account.locked', target: u.username, details: { userId: id } });
    return publicUser(u);
  }

  /** Unlock an account and clear its failed attempts. */
  async unlockUser(actor: Actor, id: string): Promise<PublicUser> {
    const u = await this.change(id, (d) => ({ ...d, adminLocked: false, failedAttempts: 0, lockedUntil: null }));
    await this.deps.audit.append({ actor, action: 'account.unlocked', target: u.username, details: { userId: id } });
    return publicUser(u);
  }

  /** Set a temporary password; the user must choose a new one at next login. */
  async resetPassword(actor: Actor, id: string, newPassword: string): Promise<PublicUser> {
    const cur = await this.byId(id);
    assertPassword(newPassword, cur.username);
    const hash = await hashPassword(newPassword, this.bcryptCost);
    const t = this.iso();
    const u = await this.change(id, (d) => ({ ...d, passwordHash: hash, passwordChangedAt: t, mustChangePassword: true, failedAttempts: 0, lockedUntil: null }));
    this.endSessions(id);
    await this.deps.audit.append({ actor, action: 'account.password_reset', target: u.username, details: { userId: id } });
    return publicUser(u);
  }

  /** Delete an account (not oneself, not the last admin). Its records stay. */
  async deleteUser(actor: Actor, id: string): Promise<void> {
    if (id === actor.userId) throw new AppError('CONFLICT', 'You cannot delete your own account.');
    const u = await this.deps.users.exclusive(async () => {
      const d = await this.byId(id);
      await this.guardLastAdmin(d, 'deleted');
      await this.deps.users.remove({ _id: id });
      return d;
    });
    this.endSessions(id);
    await this.deps.audit.append({ actor, action: 'account.deleted', target: u.username, details: { userId: id, role: u.role } });
  }
}
