/** App-wide state (zustand). */
import { create } from 'zustand';
import type { AppInfo } from '../../src-shared/contract/index';
import { api } from './api';

interface AppState {
  info: AppInfo | null;
  error: string | null;
  loadInfo: () => Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  info: null,
  error: null,
  loadInfo: async () => {
    try {
      const res = await api().invoke('app:info', {});
      if (res.ok) set({ info: res.value, error: null });
      else set({ error: res.error.message });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    }
  },
}));
