/**
 * IPC fuzzing: thousands of random and malformed payloads across every live channel.
 * No call may throw or hang; every reply is an envelope; a payload the channel's schema
 * rejects is answered with VALIDATION; nothing pollutes Object.prototype.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, CHANNEL_NAMES, type ChannelName } from '../../../src-shared/contract/index';
import { isResult } from '../../../src-shared/result';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import type { Core } from '../../../src-main/core/core';
import { testCore } from '../../helpers/core';
// Deterministic PRNG (mulberry32) so a failure can be replayed from its seed.
import { prng } from '../../../src-main/core/analysis/metrics';

const NASTY_STRINGS = [
  '',
  ' ',
  '../../../../etc/passwd',
  '/dev/zero',
  'C:\\Windows\\System32\\config\\SAM',
  '\u0000',
  'a\u0000b',
  '-rf',
  '--help',
  '$(rm -rf /)',
  '`id`',
  "'; DROP TABLE users; --",
  '{"$where":"1"}',
  '__proto__',
  'constructor',
  'prototype',
  '😀'.repeat(50),
  '\u202e\u202dreversed',
  'x'.repeat(70_000),
  'NaN',
  'Infinity',
];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', '$where', '$gt', 'toString', 'then', 'id', 'path', 'paths', 'role', 'password', ''];

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 14);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return r() < 0.5;
    case 3:
      return [0, -1, 1.5, 2 ** 53, -(2 ** 31), Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity][Math.floor(r() * 10)];
    case 4:
    case 5:
      return NASTY_STRINGS[Math.floor(r() * NASTY_STRINGS.length)];
    case 6:
      return Math.random().toString(36).slice(2, 2 + Math.floor(r() * 12));
    case 7:
    case 8: {
      if (depth > 4) return {};
      const n = Math.floor(r() * 5);
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
    case 9:
      // Very deep nesting.
      return Array.from({ length: 200 }).reduce<unknown>((acc) => ({ a: acc }), {});
    default: {
      if (depth > 4) return {};
      const obj: Record<string, unknown> = {};
      const n = Math.floor(r() * 5);
      for (let i = 0; i < n; i++) {
        const key = r() < 0.5 ? NASTY_KEYS[Math.floor(r() * NASTY_KEYS.length)]! : Math.random().toString(36).slice(2, 8);
        Object.defineProperty(obj, key, { value: randomValue(r, depth + 1), enumerable: true, configurable: true, writable: true });
      }
      return obj;
    }
  }
}

describe('IPC fuzzing', () => {
  let core: Core;
  let done: () => Promise<void>;
  let dispatcher: Dispatcher;
  beforeAll(async () => {
    ({ core, cleanup: done } = await testCore());
    dispatcher = createAppDispatcher(core);
  });
  afterAll(async () => done());

  it('answers 10,000 random payloads across every channel with envelopes, validation errors for invalid ones', async () => {
    const seed = Number(process.env.MG_FUZZ_SEED ?? 20261129);
    const r = prng(seed);
    const total = 10_000;
    let validationErrors = 0;
    const byCode: Record<string, number> = {};
    for (let i = 0; i < total; i++) {
      const name = CHANNEL_NAMES[i % CHANNEL_NAMES.length] as ChannelName;
      const payload = randomValue(r);
      // A fresh admin session every call: admins may call every channel, so only validation can refuse.
      core.sessions.start('fuzzer', { userId: 'fuzz-admin', username: 'fuzz', displayName: 'Fuzz', role: 'admin', mustChangePassword: false });
      const reply = await dispatcher.invoke('fuzzer', name, payload);
      expect(isResult(reply), `channel ${name}, seed ${seed}, call ${i}`).toBe(true);
      const valid = channels[name].input.safeParse(payload === undefined ? {} : payload).success;
      if (!reply.ok) byCode[reply.error.code] = (byCode[reply.error.code] ?? 0) + 1;
      if (!valid) {
        expect(reply.ok, `channel ${name} accepted an invalid payload (seed ${seed}, call ${i})`).toBe(false);
        if (!reply.ok) expect(reply.error.code, `channel ${name} (seed ${seed}, call ${i})`).toBe('VALIDATION');
        validationErrors++;
      } else if (!reply.ok) {
        expect(reply.error.code, `channel ${name} crashed on a valid payload (seed ${seed}, call ${i})`).not.toBe('INTERNAL');
      }
    }
    expect(validationErrors).toBeGreaterThan(total * 0.5);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'a')).toBe(false);
  }, 180_000);

  it('answers random channel names and non-string channels with UNKNOWN_CHANNEL', async () => {
    const r = prng(7);
    for (let i = 0; i < 500; i++) {
      const name = randomValue(r);
      if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name)) continue;
      const reply = await dispatcher.invoke('fuzzer', name, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });
});
