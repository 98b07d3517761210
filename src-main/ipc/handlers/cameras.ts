/** cameras:* handlers over the camera library (core/cameras). */
import path from 'node:path';
import type { cameraChannels } from '../../../src-shared/contract/cameras';
import { AppError, ok } from '../../../src-shared/result';
import type { Core } from '../../core/core';
import type { HandlerTable } from '../dispatcher';
import { sessionOf } from './session-of';

/** Paths from the renderer: absolute and chosen in this window (dropped on it or picked in main's dialog). */
function granted(core: Core, senderId: string, paths: string[]): string[] {
  for (const p of paths) {
    if (!path.isAbsolute(p)) throw new AppError('VALIDATION', `Paths must be absolute: ${path.basename(p)}`);
    core.grants.require(senderId, p, 'drop it on the window, or use Choose pictures… or Choose a folder…');
  }
  return paths;
}

export function cameraHandlers(core: Core): HandlerTable<typeof cameraChannels> {
  const actor = (m: Parameters<typeof sessionOf>[0]) => {
    const s = sessionOf(m);
    return { userId: s.userId, username: s.username };
  };
  return {
    'cameras:list': async () => ok(await core.cameras.list()),
    'cameras:add': async (input, meta) => {
      const paths = granted(core, meta.senderId, input.paths);
      return ok(await core.cameras.add({ name: input.name, paths, actor: actor(meta), limits: core.settings.get().limits }));
    },
    'cameras:remove': async (input, meta) => ok(await core.cameras.remove(input.id, actor(meta))),
    'cameras:check': async (input, meta) => {
      const [p] = granted(core, meta.senderId, [input.path]);
      return ok(await core.cameras.check(p!, { actor: actor(meta), limits: core.settings.get().limits }));
    },
  };
}
