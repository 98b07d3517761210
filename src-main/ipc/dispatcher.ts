/**
 * One wrapper around every handler: unknown channels and malformed payloads are refused,
 * the caller's session and role are checked against the contract, and no exception
 * escapes — every call answers with a result envelope.
 */
import type { z } from 'zod';
import type { ChannelDef } from '../../src-shared/contract/define';
import { AppError, err, isResult, type Result } from '../../src-shared/result';
import type { Session, SessionManager } from '../core/auth/sessions';
import type { Logger } from '../core/log/logger';

/** What every handler receives besides its validated input. */
export interface CallMeta {
  senderId: string;
  /** The caller's live session; null only on public channels. */
  session: Session | null;
}

type Defs = Record<string, ChannelDef<z.ZodType, unknown>>;
type OutOf<D> = D extends ChannelDef<z.ZodType, infer O> ? O : never;

/** A handler for channel K of contract C. */
export type HandlerFor<C extends Defs, K extends keyof C> = (
  input: z.output<C[K]['input']>,
  meta: CallMeta,
) => Promise<Result<OutOf<C[K]>>> | Result<OutOf<C[K]>>;

/** One handler per channel of contract C. */
export type HandlerTable<C extends Defs> = { [K in keyof C]: HandlerFor<C, K> };

export interface Dispatcher {
  /** Dispatch an untrusted call; always resolves to an envelope. */
  invoke(senderId: string, channel: unknown, payload: unknown): Promise<Result<unknown>>;
}

/** Summarise zod issues into one readable line plus details. */
function describeIssues(error: z.ZodError): { message: string; issues: { path: string; message: string }[] } {
  // Bounded: an issue can quote the caller's input (200,000 unknown keys, a 1 MB key), and the
  // answer must not grow with it.
  const cut = (t: string, n: number) => (t.length > n ? `${t.slice(0, n)}… (${t.length - n} more characters)` : t);
  const issues = error.issues.slice(0, 10).map((i) => ({ path: cut(i.path.map(String).join('.') || '(input)', 200), message: cut(i.message, 300) }));
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return { message: `Invalid input — ${message}`, issues };
}

/** Build the dispatcher over a contract, its handler table and the session store. */
export function createDispatcher<C extends Defs>(opts: {
  contract: C;
  handlers: HandlerTable<C>;
  sessions: SessionManager;
  log: Logger;
  /** Called when a call arrives for a session that just expired (so the window can be told). */
  onSessionExpired?: (senderId: string) => void;
}): Dispatcher {
  const { contract, handlers, sessions, log } = opts;
  return {
    async invoke(senderId, channel, payload) {
      if (typeof channel !== 'string' || !Object.prototype.hasOwnProperty.call(contract, channel)) {
        return err('UNKNOWN_CHANNEL', `Unknown channel: ${typeof channel === 'string' ? channel.slice(0, 80) : typeof channel}`);
      }
      const def = contract[channel] as ChannelDef;
      const handler = (handlers as Record<string, HandlerFor<Defs, string>>)[channel];
      if (!handler) return err('UNKNOWN_CHANNEL', `No handler for channel: ${channel}`);

      let session: Session | null = null;
      if (def.access !== 'public') {
        if (sessions.expired(senderId)) {
          sessions.end(senderId);
          opts.onSessionExpired?.(senderId);
          return err('UNAUTHENTICATED', 'Your session expired after a period of inactivity. Please sign in again.');
        }
        session = sessions.touch(senderId);
        if (!session) return err('UNAUTHENTICATED', 'Please sign in first.');
        if (!def.access.includes(session.role)) {
          return err('FORBIDDEN', `This action needs one of the roles: ${def.access.join(', ')}.`);
        }
        if (session.mustChangePassword && !def.allowDuringPasswordChange) {
          return err('PASSWORD_CHANGE_REQUIRED', 'You must choose a new password before continuing.');
        }
      } else {
        session = sessions.touch(senderId);
      }

      const parsed = def.input.safeParse(payload === undefined ? {} : payload);
      if (!parsed.success) {
        const { message, issues } = describeIssues(parsed.error);
        return err('VALIDATION', message, { issues });
      }

      try {
        const result = await handler(parsed.data, { senderId, session });
        if (!isResult(result)) {
          log.error('handler returned a non-envelope', { channel });
          return err('INTERNAL', 'Internal error: the handler returned no result.');
        }
        return result;
      } catch (e) {
        if (e instanceof AppError) return { ok: false, error: e.toShape() };
        log.error('handler threw', { channel, error: e instanceof Error ? e.stack ?? e.message : String(e) });
        return err('INTERNAL', 'Internal error while handling the request. It has been logged.');
      }
    },
  };
}
