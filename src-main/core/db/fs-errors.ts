/** Turn filesystem failures into expected, user-readable errors (read-only dir, disk full). */
import { AppError } from '../../../src-shared/result';

/** The errno code of a Node fs error, if any. */
export function errnoCode(e: unknown): string | null {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : null;
}

/** Wrap a filesystem error as an AppError with a code the UI and CLI understand; AppErrors pass through. */
export function fsError(e: unknown, what: string): AppError {
  if (e instanceof AppError) return e;
  const code = errnoCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new AppError('READ_ONLY', `Cannot write ${what}: the data directory is read-only or not writable (${code}).`, { errno: code });
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('DISK_FULL', `Cannot write ${what}: the disk is full (${code}). Nothing already stored was changed.`, { errno: code });
    default:
      return new AppError('IO', `Cannot access ${what}: ${detail}`, code ? { errno: code } : undefined);
  }
}

/** Run an fs operation, rethrowing failures as AppError. */
export async function guardFs<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fsError(e, what);
  }
}
