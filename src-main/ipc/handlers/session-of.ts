/** The caller's session on a non-public channel (the dispatcher guarantees one). */
import { AppError } from '../../../src-shared/result';
import type { Session } from '../../core/auth/sessions';
import type { CallMeta } from '../dispatcher';

/** The session, or UNAUTHENTICATED should a handler ever be wired to a public channel by mistake. */
export function sessionOf(meta: CallMeta): Session {
  if (!meta.session) throw new AppError('UNAUTHENTICATED', 'Please sign in first.');
  return meta.session;
}
