/** Result envelope returned by every IPC call: no exception crosses IPC. */

/** Error codes every side understands; expected failures are values with one of these. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_CHANNEL',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PASSWORD_CHANGE_REQUIRED',
  'LOCKED',
  'BAD_CREDENTIALS',
  'NOT_FOUND',
  'CONFLICT',
  'SETUP_REQUIRED',
  'UNSUPPORTED_MEDIA',
  'LIMIT_EXCEEDED',
  'CANCELLED',
  'TIMEOUT',
  'MODEL_MISSING',
  'MODEL_INVALID',
  'FFMPEG_MISSING',
  'IO',
  'READ_ONLY',
  'DISK_FULL',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
  /** Optional machine-readable details (e.g. lockout seconds remaining, validation issues). */
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

/** Build a success envelope. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Build a failure envelope. */
export function err<T = never>(code: ErrorCode, message: string, details?: Record<string, unknown>): Result<T> {
  return details ? { ok: false, error: { code, message, details } } : { ok: false, error: { code, message } };
}

/** Exception carrying an expected error code; caught once at the top and turned into an envelope. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (details) this.details = details;
  }
  /** The envelope form of this error. */
  toShape(): AppErrorShape {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** True when a value looks like a result envelope (used by transports that receive unknown data). */
export function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  if (v.ok === false) return typeof v.error === 'object' && v.error !== null;
  return false;
}

/** Exhaustiveness guard for switches over unions. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}
