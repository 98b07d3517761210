/** How a promise ended, as a test compares it: 'resolved', an AppError's code, or 'bug: …' for anything else. */
import { AppError } from '../../src-shared/result';

export async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof AppError ? e.code : `bug: ${String(e)}`;
  }
}
