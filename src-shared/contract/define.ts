import type { z } from 'zod';
import type { Role } from '../roles';

/** Who may call a channel: 'public' needs no session; otherwise the roles listed. */
export type Access = 'public' | readonly Role[];

/** One request channel: runtime input schema, allowed roles, and a phantom output type. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  access: Access;
  /** Allowed while the session must change its password (only auth channels). */
  allowDuringPasswordChange?: boolean;
  description: string;
  /** Phantom: never read at run time, only carries the output type. */
  readonly __output?: O;
}

/** Declare a channel whose output type is O. */
export function channel<O>() {
  return <I extends z.ZodType>(def: Omit<ChannelDef<I, O>, '__output'>): ChannelDef<I, O> => def;
}

/** Declare an event pushed from main, carrying payload type P. */
export interface EventDef<P = unknown> {
  description: string;
  readonly __payload?: P;
}

/** Declare an event whose payload type is P. */
export function event<P>(description: string): EventDef<P> {
  return { description };
}
