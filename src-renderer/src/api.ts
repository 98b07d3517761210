/** The renderer's only door to main: window.mediaguard, built by createApi in the preload. */
import type { MediaGuardApi } from '../../src-preload/create-api';

declare global {
  interface Window {
    mediaguard?: MediaGuardApi;
  }
}

/** The bridge, or a clear error when the page is opened outside the app. */
export function api(): MediaGuardApi {
  const bridge = window.mediaguard;
  if (!bridge) throw new Error('MediaGuard bridge missing: open this page from the MediaGuard app.');
  return bridge;
}

/** True when the bridge exists. */
export function hasBridge(): boolean {
  return typeof window.mediaguard === 'object' && window.mediaguard !== null;
}
