/** The Electron IPC names: every contract call and event travels through the first two. */
export const IPC_INVOKE = 'mediaguard:invoke';
export const IPC_EVENT = 'mediaguard:event';
/**
 * Preload → main only, never exposed to the page: the path of a file or folder the user
 * dropped (webUtils.getPathForFile), granted to the window for analysis:start.
 */
export const IPC_GRANT_PATH = 'mediaguard:grant-path';
