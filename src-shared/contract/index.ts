/**
 * The IPC contract: every request channel and pushed event. Main, preload and renderer
 * all derive their types from here; nothing else names a channel string.
 */
import type { z } from 'zod';
import type { ChannelDef, EventDef } from './define';
import { adminChannels, adminModelChannels } from './admin';
import { analysisChannels, analysisEvents } from './analysis';
import { appChannels, appEvents } from './app';
import { authChannels } from './auth';
import { cameraChannels } from './cameras';
import { historyChannels } from './history';
import { liveChannels } from './live';
import { reportChannels } from './reports';

// A domain joins here when its handlers exist in src-main/ipc/handlers (the handler table
// must cover every channel listed, which the type checker enforces).
export const channels = {
  ...appChannels,
  ...authChannels,
  ...adminChannels,
  ...historyChannels,
  ...analysisChannels,
  ...adminModelChannels,
  ...liveChannels,
  ...reportChannels,
  ...cameraChannels,
} as const;

export const events = {
  ...appEvents,
  ...analysisEvents,
} as const;

/** Domain contracts declared but not yet served; kept here so they type-check. */
export const pendingDomains = {};

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type EventName = keyof typeof events;

/** Input type a caller passes (before defaults are applied). */
export type ChannelInput<K extends ChannelName> = z.input<Channels[K]['input']>;
/** Input type a handler receives (after validation and defaults). */
export type ChannelParsed<K extends ChannelName> = z.output<Channels[K]['input']>;
/** Output type of a channel. */
export type ChannelOutput<K extends ChannelName> = Channels[K] extends ChannelDef<z.ZodType, infer O> ? O : never;
/** Payload type of an event. */
export type EventPayload<K extends EventName> = (typeof events)[K] extends EventDef<infer P> ? P : never;

/** Names of all channels, for iteration (fuzzing, role walks). */
export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
/** Names of all events. */
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** Type guard for a channel name coming from an untrusted side. */
export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** Type guard for an event name. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

export type { ChannelDef, EventDef, Access } from './define';
export type { AppInfo } from './app';
export type { AuditPage } from './admin';
export type { QueuedJob } from './analysis';
export type { HistoryPage, DashboardStats } from './history';
export type { ReportRecord, ReportVerifyResult } from './reports';
export type { LiveFrameResult } from './live';
