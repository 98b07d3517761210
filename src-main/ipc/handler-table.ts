/**
 * The one handler table: every contract channel mapped to its handler. The same table
 * serves Electron's ipcMain, the CLI and the end-to-end test bridge.
 */
import { channels, type Channels } from '../../src-shared/contract/index';
import type { Core } from '../core/core';
import { createDispatcher, type Dispatcher, type HandlerTable } from './dispatcher';
import { appHandlers } from './handlers/app';
import { adminHandlers } from './handlers/admin';
import { authHandlers } from './handlers/auth';
import { historyHandlers } from './handlers/history';
import { adminModelHandlers, analysisHandlers, liveHandlers } from './handlers/analysis';
import { reportHandlers } from './handlers/reports';
import { cameraHandlers } from './handlers/cameras';

/** Build the full handler table for a core. The type forces every channel to be covered. */
export function buildHandlers(core: Core): HandlerTable<Channels> {
  return {
    ...appHandlers(core),
    ...authHandlers(core),
    ...adminHandlers(core),
    ...historyHandlers(core),
    ...analysisHandlers(core),
    ...adminModelHandlers(core),
    ...liveHandlers(core),
    ...reportHandlers(core),
    ...cameraHandlers(core),
  };
}

/** The dispatcher for the real contract over a core. */
export function createAppDispatcher(core: Core): Dispatcher {
  return createDispatcher({
    contract: channels,
    handlers: buildHandlers(core),
    sessions: core.sessions,
    log: core.log.child('ipc'),
    onSessionExpired: (senderId) => core.events.emit(senderId, 'session:expired', { reason: 'idle' }),
  });
}
