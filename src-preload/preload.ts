/** Sandboxed preload: exposes `window.mediaguard` built by createApi over ipcRenderer. */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createApi, type Transport } from './create-api';
import { IPC_INVOKE, IPC_EVENT } from '../src-shared/ipc-names';

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
    try {
      const p = webUtils.getPathForFile(file);
      return p || null;
    } catch {
      return null;
    }
  },
};

contextBridge.exposeInMainWorld('mediaguard', createApi(transport));
