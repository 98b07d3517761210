/** Sandboxed preload: exposes `window.mediaguard` built by createApi over ipcRenderer. */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createApi, type Transport } from './create-api';
import { IPC_GRANT_PATH, IPC_INVOKE, IPC_EVENT } from '../src-shared/ipc-names';

const transport: Transport = {
  invoke: (channel, payload) => ipcRenderer.invoke(IPC_INVOKE, channel, payload),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, wrapped);
    };
  },
  pathForFile: async (file) => {
    let p = '';
    try {
      p = webUtils.getPathForFile(file);
    } catch {
      return null;
    }
    if (!p) return null; // a File the page made itself has no path
    // Main grants this window the path (analysis:start refuses paths it was not given).
    await ipcRenderer.invoke(IPC_GRANT_PATH, p);
    return p;
  },
};

contextBridge.exposeInMainWorld('mediaguard', createApi(transport));
