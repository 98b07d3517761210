/**
 * Injected into the page before the renderer loads: builds `window.mediaguard` with the
 * same createApi as the preload, over Playwright bindings instead of ipcRenderer.
 */
import { createApi, type Transport } from '../../src-preload/create-api';

type Binding = (...args: unknown[]) => Promise<unknown>;
const w = window as unknown as {
  __mgInvoke: Binding;
  __mgUpload: Binding;
  __mgEmit?: (event: string, payload: unknown) => void;
  mediaguard?: unknown;
};

const listeners = new Map<string, Set<(payload: unknown) => void>>();

w.__mgEmit = (event, payload) => {
  for (const l of listeners.get(event) ?? []) l(payload);
};

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

const transport: Transport = {
  invoke: (channel, payload) => w.__mgInvoke(channel, payload),
  on: (event, listener) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  },
  // The test process writes the bytes to a path it chose and hands that path back.
  pathForFile: async (file) => (await w.__mgUpload(file.name, await toBase64(file))) as string | null,
};

w.mediaguard = createApi(transport);
