/**
 * Builds the typed `window.mediaguard` object from the contract over any transport:
 * ipcRenderer in the preload, a Playwright binding in end-to-end tests.
 */
import {
  CHANNEL_NAMES,
  isChannelName,
  isEventName,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type EventName,
  type EventPayload,
} from '../src-shared/contract/index';
import { err, isResult, type Result } from '../src-shared/result';

/** How calls and events travel; implementations never throw for expected failures. */
export interface Transport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Resolve a dropped/picked File to a path main can open (webUtils in Electron). */
  pathForFile(file: File): Promise<string | null>;
}

/** The typed API the renderer talks to. */
export interface MediaGuardApi {
  /** Call a channel; always resolves to a result envelope. */
  invoke<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<Result<ChannelOutput<K>>>;
  /** Subscribe to an event pushed by main; returns an unsubscribe function. */
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** A path main can open for a dropped or picked file, or null. */
  pathForFile(file: File): Promise<string | null>;
  /** The channel names this API knows. */
  readonly channels: readonly ChannelName[];
}

/** Create the API over a transport. */
export function createApi(transport: Transport): MediaGuardApi {
  return {
    async invoke(channel, input) {
      if (!isChannelName(channel)) return err('UNKNOWN_CHANNEL', `Unknown channel: ${String(channel)}`);
      try {
        const raw = await transport.invoke(channel, input);
        if (!isResult(raw)) return err('INTERNAL', 'Malformed reply from the main process.');
        return raw as Result<never>;
      } catch (e) {
        return err('INTERNAL', `The call could not be delivered: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    on(event, listener) {
      if (!isEventName(event)) return () => undefined;
      return transport.on(event, (payload) => listener(payload as never));
    },
    pathForFile(file) {
      return transport.pathForFile(file);
    },
    channels: CHANNEL_NAMES,
  };
}
