/** cameras:* handlers over the camera library (core/cameras). */
import type { cameraChannels } from '../../../src-shared/contract/cameras';
import { ok } from '../../../src-shared/result';
import type { Core } from '../../core/core';
import type { HandlerTable } from '../dispatcher';
import { checkPaths } from './granted-paths';
import { sessionOf } from './session-of';

const PICK = 'use Choose pictures… or Choose a folder… in Cameras';

export function cameraHandlers(core: Core): HandlerTable<typeof cameraChannels> {
  const actor = (m: Parameters<typeof sessionOf>[0]) => {
    const s = sessionOf(m);
    return { userId: s.userId, username: s.username };
  };
  return {
    'cameras:list': async () => ok(await core.cameras.list()),
    'cameras:add': async (input, meta) => {
      const paths = await checkPaths(core, meta.senderId, input.paths, PICK);
      return ok(await core.cameras.add({ name: input.name, paths, actor: actor(meta), limits: core.settings.get().limits }));
    },
    'cameras:remove': async (input, meta) => ok(await core.cameras.remove(input.id, actor(meta))),
    'cameras:check': async (input, meta) => {
      const [p] = await checkPaths(core, meta.senderId, [input.path], PICK);
      return ok(await core.cameras.check(p!, { actor: actor(meta), limits: core.settings.get().limits }));
    },
  };
}
