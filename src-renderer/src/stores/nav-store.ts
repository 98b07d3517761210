/** Which screen the window shows (an in-memory router: the app has no URLs to share). */
import { create } from 'zustand';

export type AdminTab = 'accounts' | 'audit' | 'stats' | 'settings';

export type Route =
  | { name: 'dashboard' }
  | { name: 'analyse' }
  | { name: 'result'; id: string }
  | { name: 'history' }
  | { name: 'reports' }
  | { name: 'live' }
  | { name: 'cameras' }
  | { name: 'admin'; tab: AdminTab }
  | { name: 'account' };

interface NavState {
  route: Route;
  go: (route: Route) => void;
}

export const useNav = create<NavState>((set) => ({
  route: { name: 'dashboard' },
  go: (route) => set({ route }),
}));
