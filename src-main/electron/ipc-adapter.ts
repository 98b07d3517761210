/** The one place ipcMain meets the handler table; untrusted senders are dropped. */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT, IPC_GRANT_PATH, IPC_INVOKE } from '../../src-shared/ipc-names';
import { err } from '../../src-shared/result';
import type { Core } from '../core/core';
import type { Dispatcher } from '../ipc/dispatcher';
import { isAppUrl } from './security';

/** Caller id used for sessions and events: one per window. */
export function senderIdOf(contentsId: number): string {
  return `win:${contentsId}`;
}

/** True when the call comes from one of our windows showing our own page. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || !isAppUrl(frame.url)) return false;
  return BrowserWindow.getAllWindows().some((w) => w.webContents.id === event.sender.id);
}

/** Bind ipcMain to the dispatcher and route pushed events to the right window. */
export function bindIpc(core: Core, dispatcher: Dispatcher): void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, payload: unknown) => {
    if (!trustedSender(event)) {
      core.log.warn('dropped IPC from untrusted sender', { url: event.senderFrame?.url ?? null });
      return err('FORBIDDEN', 'Untrusted sender.');
    }
    return dispatcher.invoke(senderIdOf(event.sender.id), channel, payload);
  });
  // Only the preload calls this (the page cannot reach ipcRenderer): a dropped file's path.
  ipcMain.handle(IPC_GRANT_PATH, (event, p: unknown) => {
    if (!trustedSender(event)) {
      core.log.warn('dropped a path grant from an untrusted sender', { url: event.senderFrame?.url ?? null });
      return false;
    }
    core.grants.grant(senderIdOf(event.sender.id), p);
    return true;
  });
}

/** Attach a window so main can push events to it; ends its session when it closes. */
export function attachWindow(core: Core, win: BrowserWindow): void {
  const id = senderIdOf(win.webContents.id);
  const detach = core.events.attach(id, (name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload);
  });
  win.on('closed', () => {
    detach();
    core.grants.clear(id);
    // Closing the window signs its user out, and the audit log says so.
    core.auth.logout(id).catch((e: unknown) => core.log.error('logout on window close failed', { error: e instanceof Error ? e.message : String(e) }));
  });
}
