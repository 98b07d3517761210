/** The two Electron IPC names: every contract call and event travels through these. */
export const IPC_INVOKE = 'mediaguard:invoke';
export const IPC_EVENT = 'mediaguard:event';
