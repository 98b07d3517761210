/** admin:* handlers for accounts, the audit log and settings (admin:models:* live with the engine). */
import { ok } from '../../../src-shared/result';
import type { adminChannels } from '../../../src-shared/contract/admin';
import type { Core } from '../../core/core';
import type { HandlerTable } from '../dispatcher';
import { sessionOf } from './session-of';

/** Handlers for the admin domain. */
export function adminHandlers(core: Core): HandlerTable<typeof adminChannels> {
  return {
    'admin:users:list': async () => ok(await core.auth.listUsers()),
    'admin:users:create': async (input, meta) => ok(await core.auth.createUser(sessionOf(meta), input)),
    'admin:users:update': async (input, meta) => ok(await core.auth.updateUser(sessionOf(meta), input.id, input.displayName)),
    'admin:users:setRole': async (input, meta) => ok(await core.auth.setRole(sessionOf(meta), input.id, input.role)),
    'admin:users:lock': async (input, meta) => ok(await core.auth.lockUser(sessionOf(meta), input.id)),
    'admin:users:unlock': async (input, meta) => ok(await core.auth.unlockUser(sessionOf(meta), input.id)),
    'admin:users:resetPassword': async (input, meta) => ok(await core.auth.resetPassword(sessionOf(meta), input.id, input.newPassword)),
    'admin:users:delete': async (input, meta) => {
      await core.auth.deleteUser(sessionOf(meta), input.id);
      return ok(null);
    },
    'admin:audit:list': (input) => ok(core.audit.list(input)),
    'admin:audit:verify': async () => ok(await core.audit.verify()),
    'admin:settings:get': () => ok(core.settings.get()),
    'admin:settings:set': async (input, meta) => ok(await core.settings.patch(input, sessionOf(meta))),
  };
}
