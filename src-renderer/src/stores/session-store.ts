/** Who is signed in, and which gate (setup, login, password change) the window shows. */
import { create } from 'zustand';
import type { SessionInfo } from '../../../src-shared/domain/user';
import type { AppErrorShape, Result } from '../../../src-shared/result';
import { call, msSinceLastCall, onUnauthenticated } from '../api';

export type Phase = 'boot' | 'unavailable' | 'setup' | 'login' | 'change-password' | 'ready';

interface SessionState {
  phase: Phase;
  session: SessionInfo | null;
  bootError: AppErrorShape | null;
  /** Why the last session ended, shown on the login screen. */
  notice: string | null;
  boot: () => Promise<void>;
  setup: (username: string, displayName: string, password: string) => Promise<Result<SessionInfo>>;
  login: (username: string, password: string) => Promise<Result<SessionInfo>>;
  changePassword: (currentPassword: string, newPassword: string) => Promise<Result<SessionInfo>>;
  logout: () => Promise<void>;
  expire: (notice: string) => void;
  /** Ask main whether the session is still alive (idle check). */
  checkIdle: () => Promise<void>;
}

function phaseFor(s: SessionInfo): Phase {
  return s.user.mustChangePassword ? 'change-password' : 'ready';
}

export const useSession = create<SessionState>((set, get) => ({
  phase: 'boot',
  session: null,
  bootError: null,
  notice: null,
  boot: async () => {
    const res = await call('auth:status', {});
    if (!res.ok) {
      set({ phase: 'unavailable', bootError: res.error });
      return;
    }
    const { setupRequired, session } = res.value;
    set({ bootError: null, session, phase: setupRequired ? 'setup' : session ? phaseFor(session) : 'login' });
  },
  setup: async (username, displayName, password) => {
    const res = await call('auth:setup', displayName ? { username, displayName, password } : { username, password });
    if (res.ok) set({ session: res.value, phase: phaseFor(res.value), notice: null });
    return res;
  },
  login: async (username, password) => {
    const res = await call('auth:login', { username, password });
    if (res.ok) set({ session: res.value, phase: phaseFor(res.value), notice: null });
    return res;
  },
  changePassword: async (currentPassword, newPassword) => {
    const res = await call('auth:changePassword', { currentPassword, newPassword });
    if (res.ok) set({ session: res.value, phase: phaseFor(res.value) });
    return res;
  },
  logout: async () => {
    await call('auth:logout', {});
    set({ session: null, phase: 'login', notice: 'You signed out.' });
  },
  expire: (notice) => {
    if (get().phase === 'login' || get().phase === 'setup') return;
    set({ session: null, phase: 'login', notice });
  },
  checkIdle: async () => {
    const s = get().session;
    if (!s || get().phase !== 'ready') return;
    // A margin past main's limit, so this check never lands just before expiry and, by
    // touching the session, extends it.
    if (msSinceLastCall() < s.idleTimeoutSec * 1000 + 5000) return;
    const res = await call('auth:status', {});
    if (res.ok && !res.value.session) get().expire(`You were signed out after ${Math.round(s.idleTimeoutSec / 60)} minutes without activity.`);
  },
}));

onUnauthenticated((message) => useSession.getState().expire(message));
