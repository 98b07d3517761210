import { z } from 'zod';
import { channel } from './define';
import { zEmpty, zPassword, zUsername } from './common';
import { ANY_ROLE } from '../roles';
import type { AuthStatus, SessionInfo } from '../domain/user';

export const authChannels = {
  'auth:status': channel<AuthStatus>()({
    input: zEmpty,
    access: 'public',
    allowDuringPasswordChange: true,
    description: 'Whether first-run setup is needed and the current session, if any.',
  }),
  'auth:setup': channel<SessionInfo>()({
    input: z.object({ username: zUsername, displayName: z.string().max(100).optional(), password: zPassword }).strict(),
    access: 'public',
    description: 'Create the first admin account (only while there are no accounts) and sign in.',
  }),
  'auth:login': channel<SessionInfo>()({
    input: z.object({ username: zUsername, password: zPassword }).strict(),
    access: 'public',
    allowDuringPasswordChange: true,
    description:
      'Sign in; counts failed attempts toward lockout. Errors: BAD_CREDENTIALS (same for unknown users and wrong passwords), ' +
      'LOCKED (details.remainingSec and lockedUntil after too many attempts; details.adminLocked when an admin locked it).',
  }),
  'auth:logout': channel<null>()({
    input: zEmpty,
    access: ANY_ROLE,
    allowDuringPasswordChange: true,
    description: 'Sign out of this window.',
  }),
  'auth:changePassword': channel<SessionInfo>()({
    input: z.object({ currentPassword: zPassword, newPassword: zPassword }).strict(),
    access: ANY_ROLE,
    allowDuringPasswordChange: true,
    description: 'Change the signed-in account\'s own password.',
  }),
} as const;
