/** auth:* handlers: first-run setup, login, logout, change password, status. */
import { ok } from '../../../src-shared/result';
import type { authChannels } from '../../../src-shared/contract/auth';
import type { Core } from '../../core/core';
import type { HandlerTable } from '../dispatcher';
import { sessionOf } from './session-of';

/** Handlers for the auth domain. */
export function authHandlers(core: Core): HandlerTable<typeof authChannels> {
  return {
    'auth:status': async (_input, meta) => ok(await core.auth.status(meta.senderId)),
    'auth:setup': async (input, meta) => ok(await core.auth.setup(meta.senderId, input)),
    'auth:login': async (input, meta) => ok(await core.auth.login(meta.senderId, input.username, input.password, 'window')),
    'auth:logout': async (_input, meta) => {
      await core.auth.logout(meta.senderId);
      return ok(null);
    },
    'auth:changePassword': async (input, meta) =>
      ok(await core.auth.changePassword(meta.senderId, sessionOf(meta), input.currentPassword, input.newPassword)),
  };
}
