/** Sessions live in main, keyed by the calling window (or CLI / test caller id), with idle expiry. */
import type { Role } from '../../../src-shared/roles';

export interface Session {
  senderId: string;
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
  startedAt: number;
  lastSeenAt: number;
}

export class SessionManager {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Change the idle timeout (settings change). */
  setIdleMs(ms: number): void {
    this.idleMs = ms;
  }

  get idleTimeoutMs(): number {
    return this.idleMs;
  }

  /** Start (or replace) the session of a caller. */
  start(senderId: string, user: Omit<Session, 'senderId' | 'startedAt' | 'lastSeenAt'>): Session {
    const t = this.now();
    const s: Session = { ...user, senderId, startedAt: t, lastSeenAt: t };
    this.sessions.set(senderId, s);
    return s;
  }

  /** The live session of a caller, touching its idle timer; null when none or expired. */
  touch(senderId: string): Session | null {
    const s = this.peek(senderId);
    if (s) s.lastSeenAt = this.now();
    return s;
  }

  /** The live session without touching it; expired sessions are dropped. */
  peek(senderId: string): Session | null {
    const s = this.sessions.get(senderId);
    if (!s) return null;
    if (this.now() - s.lastSeenAt > this.idleMs) {
      this.sessions.delete(senderId);
      return null;
    }
    return s;
  }

  /** True when the caller had a session that has since expired (and drops it). */
  expired(senderId: string): boolean {
    const s = this.sessions.get(senderId);
    return !!s && this.now() - s.lastSeenAt > this.idleMs;
  }

  /** End the session of a caller. */
  end(senderId: string): void {
    this.sessions.delete(senderId);
  }

  /** Update every session of a user (role change, password change) or end them. */
  updateUser(userId: string, patch: Partial<Pick<Session, 'role' | 'mustChangePassword' | 'displayName'>> | null): string[] {
    const touched: string[] = [];
    for (const [id, s] of this.sessions) {
      if (s.userId !== userId) continue;
      touched.push(id);
      if (patch === null) this.sessions.delete(id);
      else Object.assign(s, patch);
    }
    return touched;
  }

  /** Number of live sessions. */
  get size(): number {
    return this.sessions.size;
  }
}
