/**
 * The renderer's only door to main: window.mediaguard, built by createApi in the preload.
 *
 * `call` and `subscribe` are typed against the whole declared contract (live domains and
 * the ones still pending), so every screen is written against the final types. A channel
 * main does not serve yet answers UNKNOWN_CHANNEL at run time, which the screens show as
 * an error state.
 */
import type { z } from 'zod';
import type { MediaGuardApi } from '../../src-preload/create-api';
import type { ChannelDef, EventDef } from '../../src-shared/contract/define';
import type { adminChannels, adminModelChannels } from '../../src-shared/contract/admin';
import type { analysisChannels, analysisEvents } from '../../src-shared/contract/analysis';
import type { appChannels, appEvents } from '../../src-shared/contract/app';
import type { authChannels } from '../../src-shared/contract/auth';
import type { historyChannels } from '../../src-shared/contract/history';
import type { liveChannels } from '../../src-shared/contract/live';
import type { reportChannels } from '../../src-shared/contract/reports';
import type { cameraChannels } from '../../src-shared/contract/cameras';
import type { AppErrorShape, Result } from '../../src-shared/result';

declare global {
  interface Window {
    mediaguard?: MediaGuardApi;
  }
}

/** Every declared request channel, live or pending. */
export type AllChannels = typeof appChannels &
  typeof authChannels &
  typeof adminChannels &
  typeof adminModelChannels &
  typeof analysisChannels &
  typeof historyChannels &
  typeof reportChannels &
  typeof liveChannels &
  typeof cameraChannels;
/** Every declared event, live or pending. */
export type AllEvents = typeof appEvents & typeof analysisEvents;

export type AnyChannel = keyof AllChannels;
export type AnyEvent = keyof AllEvents;
/** What a caller passes to channel K. */
export type In<K extends AnyChannel> = z.input<AllChannels[K]['input']>;
/** What channel K answers. */
export type Out<K extends AnyChannel> = AllChannels[K] extends ChannelDef<z.ZodType, infer O> ? O : never;
/** Payload of event K. */
export type Payload<K extends AnyEvent> = AllEvents[K] extends EventDef<infer P> ? P : never;

/** The bridge, or a clear error when the page is opened outside the app. */
export function api(): MediaGuardApi {
  const bridge = window.mediaguard;
  if (!bridge) throw new Error('MediaGuard bridge missing: open this page from the MediaGuard app.');
  return bridge;
}

/** True when the bridge exists. */
export function hasBridge(): boolean {
  return typeof window.mediaguard === 'object' && window.mediaguard !== null;
}

type LooseApi = {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
};

let lastCallAt = Date.now();
let unauthenticatedHook: ((message: string) => void) | null = null;

/** When main says the session is gone, the session store returns the window to login. */
export function onUnauthenticated(hook: ((message: string) => void) | null): void {
  unauthenticatedHook = hook;
}

/** Milliseconds since the last call reached main (main's idle timer counts calls). */
export function msSinceLastCall(): number {
  return Date.now() - lastCallAt;
}

/** Call any declared channel; always resolves to an envelope (never throws). */
export async function call<K extends AnyChannel>(channel: K, input: In<K>): Promise<Result<Out<K>>> {
  try {
    lastCallAt = Date.now();
    const res = (await (api() as unknown as LooseApi).invoke(channel, input)) as Result<Out<K>>;
    if (!res.ok && res.error.code === 'UNAUTHENTICATED') unauthenticatedHook?.(res.error.message);
    return res;
  } catch (e) {
    return { ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
  }
}

/** Subscribe to any declared event; a no-op unsubscribe when the bridge is missing. */
export function subscribe<K extends AnyEvent>(event: K, listener: (payload: Payload<K>) => void): () => void {
  if (!hasBridge()) return () => undefined;
  return (api() as unknown as LooseApi).on(event, (p) => listener(p as Payload<K>));
}

/** What to tell the user about an error: the message plus what to do next. */
export function describeError(e: AppErrorShape): { title: string; hint: string | null } {
  switch (e.code) {
    case 'UNKNOWN_CHANNEL':
      return { title: 'This part of MediaGuard is not available in this build.', hint: e.message };
    case 'UNAUTHENTICATED':
      return { title: e.message, hint: 'Sign in again to continue.' };
    case 'FORBIDDEN':
      return { title: 'Your account may not do this.', hint: e.message };
    case 'PASSWORD_CHANGE_REQUIRED':
      return { title: e.message, hint: 'Choose a new password first.' };
    case 'UNSUPPORTED_MEDIA':
      return { title: e.message, hint: 'Use an image (JPEG, PNG, WebP, TIFF, BMP, HEIF) or a video (MP4, MOV, MKV, WebM, AVI).' };
    case 'LIMIT_EXCEEDED':
      return { title: e.message, hint: 'Trim or downscale the file, or ask an admin to raise the limit in Settings.' };
    case 'FFMPEG_MISSING':
      return { title: e.message, hint: 'Install ffmpeg or set its path in Admin → Settings.' };
    case 'MODEL_MISSING':
    case 'MODEL_INVALID':
      return { title: e.message, hint: 'An admin can re-import the model in Admin → Settings → Models.' };
    case 'DISK_FULL':
      return { title: e.message, hint: 'Free some disk space and try again.' };
    case 'READ_ONLY':
    case 'IO':
      return { title: e.message, hint: 'Check that the file or folder exists and is readable.' };
    case 'TIMEOUT':
      return { title: e.message, hint: 'Try again; a shorter clip or fewer frames will be faster.' };
    case 'CANCELLED':
      return { title: 'Cancelled.', hint: null };
    case 'LOCKED':
    case 'BAD_CREDENTIALS':
    case 'VALIDATION':
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'SETUP_REQUIRED':
    case 'INTERNAL':
      return { title: e.message, hint: null };
    default: {
      const never: never = e.code;
      return { title: String(never), hint: null };
    }
  }
}
