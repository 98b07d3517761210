/**
 * Closing the window or quitting with analyses queued or running asks first: queued files exist
 * only in memory, and quitting cancels them (the audit log names them either way; finished
 * analyses are stored). Kept apart from Electron so the rule is tested without its binary;
 * main.ts gives it dialog.showMessageBoxSync.
 */

/** The question asked (Electron's MessageBoxSyncOptions, the part used). */
export interface QuitQuestion {
  type: 'warning';
  buttons: [keep: string, quit: string];
  defaultId: 0;
  cancelId: 0;
  title: string;
  message: string;
  detail: string;
}

/**
 * A check to call on the window's close and on the app's before-quit: true when quitting may go on.
 * `pending`: analyses queued or running now; `ask`: shows the question, returns the button index.
 * Once the user chose to quit, later checks (the window closes, then the app quits) do not ask again.
 */
export function quitGuard(pending: () => number, ask: (q: QuitQuestion) => number): () => boolean {
  let confirmed = false;
  return () => {
    const n = pending();
    if (confirmed || n === 0) return true;
    confirmed =
      ask({
        type: 'warning',
        buttons: ['Keep working', 'Quit and cancel them'],
        defaultId: 0,
        cancelId: 0,
        title: 'Analyses are still running',
        message: `${n} ${n === 1 ? 'analysis is' : 'analyses are'} queued or running.`,
        detail: 'Quitting cancels them (the audit log names the files). Analyses that have finished are kept in History.',
      }) === 1;
    return confirmed;
  };
}
