import type { Role } from '../roles';

/** An account as the renderer may see it: never a password hash. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
  /** ISO time until which the account is locked, or null. */
  lockedUntil: string | null;
  /** Locked by an admin (not by failed attempts); stays locked until unlocked. */
  adminLocked: boolean;
  failedAttempts: number;
  mustChangePassword: boolean;
}

/** The signed-in session as the renderer sees it. */
export interface SessionInfo {
  user: PublicUser;
  startedAt: string;
  /** Idle expiry in seconds from the last call. */
  idleTimeoutSec: number;
}

/** Whether the store has any account yet (first run asks for the first admin). */
export interface AuthStatus {
  setupRequired: boolean;
  session: SessionInfo | null;
}

/** Password rules enforced in main and shown in the UI. */
export const PASSWORD_RULES = {
  minLength: 10,
  maxLength: 128,
  description: 'At least 10 characters, with letters and at least one digit or symbol.',
} as const;

/** Username rules enforced in main. */
export const USERNAME_RULES = {
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}$/,
  description: '3–32 characters: letters, digits, dot, underscore or dash; starting with a letter or digit.',
} as const;
