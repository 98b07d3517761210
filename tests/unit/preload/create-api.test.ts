import { describe, expect, it } from 'vitest';
import { createApi, type Transport } from '../../../src-preload/create-api';
import { CHANNEL_NAMES } from '../../../src-shared/contract/index';

function fakeTransport(reply: (channel: string, payload: unknown) => unknown): Transport & { calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  return {
    calls,
    async invoke(channel, payload) {
      calls.push([channel, payload]);
      return reply(channel, payload);
    },
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== listener));
    },
    async pathForFile() {
      return null;
    },
  };
}

describe('createApi', () => {
  it('forwards a known channel and returns the envelope', async () => {
    const t = fakeTransport(() => ({ ok: true, value: { name: 'MediaGuard' } }));
    const api = createApi(t);
    const r = await api.invoke('app:info', {});
    expect(r).toEqual({ ok: true, value: { name: 'MediaGuard' } });
    expect(t.calls).toEqual([['app:info', {}]]);
  });

  it('refuses an unknown channel without touching the transport', async () => {
    const t = fakeTransport(() => ({ ok: true, value: 1 }));
    const api = createApi(t);
    // @ts-expect-error: not a channel of the contract
    const r = await api.invoke('evil:channel', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(t.calls).toHaveLength(0);
  });

  it('turns a malformed reply into an INTERNAL error', async () => {
    const api = createApi(fakeTransport(() => 'not an envelope'));
    expect(await api.invoke('app:info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('turns a transport failure into an INTERNAL error', async () => {
    const api = createApi(
      fakeTransport(() => {
        throw new Error('pipe broken');
      }),
    );
    const r = await api.invoke('app:info', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    if (!r.ok) expect(r.error.message).toMatch(/pipe broken/);
  });

  it('lists the contract channels', () => {
    expect(createApi(fakeTransport(() => null)).channels).toEqual(CHANNEL_NAMES);
  });

  it('ignores subscriptions to unknown events', () => {
    const api = createApi(fakeTransport(() => null));
    // @ts-expect-error: not an event of the contract
    const off = api.on('nope', () => undefined);
    expect(typeof off).toBe('function');
  });
});
