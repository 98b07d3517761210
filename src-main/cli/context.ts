/**
 * Shared plumbing for CLI commands: flag parsing, opening the core for --data-dir,
 * authenticating --as <username> (password from MEDIAGUARD_PASSWORD or a prompt), and
 * turning expected errors into messages and exit codes.
 */
import { AppError } from '../../src-shared/result';
import type { Session } from '../core/auth/sessions';
import type { Core, CoreOptions } from '../core/core';
import { createLogger } from '../core/log/logger';
import { resolveDataDir } from '../core/paths';
import { APP_VERSION } from '../core/version';
import { EXIT, type CliIo } from './command';
import { termSafe } from './term-safe';

/** Extra openCore options for every CLI command (tests lower the bcrypt cost here). */
export const cliCoreDefaults: Partial<CoreOptions> = {};

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positionals: string[];
}

/**
 * Parse `--name value`, `--name=value` and boolean `--flag`. Unknown flags are errors.
 * `--data-dir` and `--as` are always accepted.
 */
export function parseFlags(args: readonly string[], spec: { string?: string[]; boolean?: string[] } = {}): ParsedArgs | { error: string } {
  const strings = new Set(['data-dir', 'as', ...(spec.string ?? [])]);
  const booleans = new Set(spec.boolean ?? []);
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (booleans.has(name)) {
      if (eq !== -1) return { error: `--${name} takes no value` };
      flags[name] = true;
    } else if (strings.has(name)) {
      const v = eq === -1 ? args[++i] : a.slice(eq + 1);
      if (v === undefined || v === '') return { error: `--${name} needs a value` };
      flags[name] = v;
    } else return { error: `unknown option --${name}` };
  }
  return { flags, positionals };
}

/** A string flag's value, or undefined. */
export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Open the core on the data dir named by --data-dir, MEDIAGUARD_DATA_DIR or the default. */
export async function openCliCore(p: ParsedArgs, io: CliIo, extra: Partial<CoreOptions> = {}): Promise<Core> {
  const dd = flagString(p, 'data-dir');
  const dataDir = resolveDataDir({ argv: dd ? ['--data-dir', dd] : [], env: io.env });
  // Imported here, not at the top: the store and engine load only for commands that open them.
  const { openCore } = await import('../core/core');
  return openCore({
    dataDir,
    appVersion: APP_VERSION,
    log: createLogger('mediaguard-cli', { sink: (line) => io.stderr(line + '\n') }),
    ...cliCoreDefaults,
    ...extra,
  });
}

/** The CLI caller id for sessions (one per process). */
export function cliSenderId(): string {
  return `cli:${process.pid}`;
}

/**
 * Sign in as `username` with MEDIAGUARD_PASSWORD or a prompt. Failed attempts count toward
 * the same lockout as the window. Throws AppError (BAD_CREDENTIALS, LOCKED, PASSWORD_CHANGE_REQUIRED…).
 */
export async function authenticateAs(core: Core, username: string, io: CliIo): Promise<{ session: Session; senderId: string }> {
  let password = io.env.MEDIAGUARD_PASSWORD;
  if (password === undefined || password === '') {
    const typed = await io.promptSecret(`Password for ${username}: `);
    if (typed === null || typed === '') {
      throw new AppError('UNAUTHENTICATED', `No password for ${username}: set MEDIAGUARD_PASSWORD or run in a terminal.`);
    }
    password = typed;
  }
  const senderId = cliSenderId();
  const session = await core.auth.loginSession(senderId, username, password, 'cli');
  if (session.mustChangePassword) {
    core.sessions.end(senderId);
    throw new AppError('PASSWORD_CHANGE_REQUIRED', `${username} must choose a new password first (sign in to the app, or ask an admin).`);
  }
  return { session, senderId };
}

/** Require --as and that the account has one of the roles. */
export async function requireRole(core: Core, p: ParsedArgs, io: CliIo, roles: readonly Session['role'][]): Promise<{ session: Session; senderId: string }> {
  const as = flagString(p, 'as');
  if (!as) throw new AppError('UNAUTHENTICATED', 'This command acts as an account: add --as <username>.');
  const auth = await authenticateAs(core, as, io);
  if (!roles.includes(auth.session.role)) {
    core.sessions.end(auth.senderId);
    throw new AppError('FORBIDDEN', `${as} is ${auth.session.role}; this command needs one of: ${roles.join(', ')}.`);
  }
  return auth;
}

/** A new account password from MEDIAGUARD_NEW_PASSWORD or a prompt (asked twice). */
export async function newPasswordFrom(io: CliIo, forWhom: string): Promise<string> {
  const env = io.env.MEDIAGUARD_NEW_PASSWORD;
  if (env !== undefined && env !== '') return env;
  const a = await io.promptSecret(`New password for ${forWhom}: `);
  if (a === null || a === '') throw new AppError('VALIDATION', `No password for ${forWhom}: set MEDIAGUARD_NEW_PASSWORD or run in a terminal.`);
  const b = await io.promptSecret('Repeat the new password: ');
  if (a !== b) throw new AppError('VALIDATION', 'The two passwords differ.');
  return a;
}

/** The exit code for an error code. */
export function exitCodeFor(e: unknown): number {
  if (!(e instanceof AppError)) return EXIT.FAILURE;
  switch (e.code) {
    case 'UNAUTHENTICATED':
    case 'BAD_CREDENTIALS':
    case 'LOCKED':
    case 'FORBIDDEN':
    case 'PASSWORD_CHANGE_REQUIRED':
      return EXIT.AUTH;
    default:
      return EXIT.FAILURE;
  }
}

/** Print an error as one line (a bug gets its message only, never a stack). */
export function printError(io: CliIo, command: string, e: unknown): number {
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr(`mediaguard ${command}: ${termSafe(msg)}\n`);
  return exitCodeFor(e);
}

/** Open the core, run fn, always close; errors become messages and exit codes. */
export async function withCore(command: string, p: ParsedArgs, io: CliIo, fn: (core: Core) => Promise<number>): Promise<number> {
  let core: Core | null = null;
  try {
    core = await openCliCore(p, io);
    return await fn(core);
  } catch (e) {
    return printError(io, command, e);
  } finally {
    if (core) {
      core.sessions.end(cliSenderId());
      await core.close();
    }
  }
}
