/** app:* handlers. */
import os from 'node:os';
import { ok } from '../../../src-shared/result';
import type { appChannels } from '../../../src-shared/contract/app';
import type { HandlerTable } from '../dispatcher';
import type { Core } from '../../core/core';

/** Handlers for the app domain. */
export function appHandlers(core: Core): HandlerTable<typeof appChannels> {
  return {
    'app:info': () =>
      ok({
        name: 'MediaGuard',
        version: core.appVersion,
        platform: os.platform(),
        arch: os.arch(),
        node: process.versions.node,
        electron: core.electronVersion,
        dataDir: core.dataDir,
        offline: true as const,
      }),
  };
}
