import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channel } from '../../../src-shared/contract/define';
import { ADMIN_ONLY, ANY_ROLE } from '../../../src-shared/roles';
import { AppError, ok } from '../../../src-shared/result';
import { createDispatcher, type HandlerTable } from '../../../src-main/ipc/dispatcher';
import { SessionManager } from '../../../src-main/core/auth/sessions';
import { createLogger } from '../../../src-main/core/log/logger';

// A small contract that exercises every rule of the dispatcher independently of the real one.
const contract = {
  'test:public': channel<string>()({ input: z.object({}).strict(), access: 'public', description: 'public' }),
  'test:echo': channel<number>()({ input: z.object({ n: z.number().int().max(10) }).strict(), access: ANY_ROLE, description: 'echo' }),
  'test:admin': channel<string>()({ input: z.object({}).strict(), access: ADMIN_ONLY, description: 'admin' }),
  'test:throws': channel<null>()({ input: z.object({}).strict(), access: 'public', description: 'throws' }),
  'test:expected': channel<null>()({ input: z.object({}).strict(), access: 'public', description: 'expected error' }),
  'test:pw': channel<string>()({ input: z.object({}).strict(), access: ANY_ROLE, allowDuringPasswordChange: true, description: 'allowed while password change pending' }),
};

function setup() {
  let now = 1_000_000;
  const sessions = new SessionManager(60_000, () => now);
  const logged: string[] = [];
  const handlers: HandlerTable<typeof contract> = {
    'test:public': () => ok('hello'),
    'test:echo': (input) => ok(input.n * 2),
    'test:admin': (_i, meta) => ok(`admin ${meta.session?.username}`),
    'test:throws': () => {
      throw new Error('boom with secret details');
    },
    'test:expected': () => {
      throw new AppError('NOT_FOUND', 'No such thing.');
    },
    'test:pw': () => ok('fine'),
  };
  const expired: string[] = [];
  const d = createDispatcher({
    contract,
    handlers,
    sessions,
    log: createLogger('t', { level: 'error', sink: (l) => logged.push(l) }),
    onSessionExpired: (id) => expired.push(id),
  });
  const login = (senderId: string, role: 'user' | 'investigator' | 'admin', mustChangePassword = false) =>
    sessions.start(senderId, { userId: `u-${senderId}`, username: `name-${senderId}`, displayName: 'X', role, mustChangePassword });
  return { d, sessions, login, logged, expired, advance: (ms: number) => (now += ms) };
}

describe('dispatcher', () => {
  it('answers a public channel without a session', async () => {
    const { d } = setup();
    expect(await d.invoke('w1', 'test:public', {})).toEqual({ ok: true, value: 'hello' });
  });

  it('keeps a validation error small however large the bad input (200,000 unknown keys, a 1 MB key)', async () => {
    const { d } = setup();
    const many: Record<string, number> = {};
    for (let i = 0; i < 200_000; i++) many[`key${i}`] = i;
    for (const payload of [many, { ['k'.repeat(1024 * 1024)]: 1 }]) {
      const r = await d.invoke('w1', 'test:public', payload);
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/^Invalid input — .*more characters/) } });
      expect(JSON.stringify(r).length).toBeLessThan(2000);
    }
  });

  it('treats a missing payload as an empty object', async () => {
    const { d } = setup();
    expect(await d.invoke('w1', 'test:public', undefined)).toEqual({ ok: true, value: 'hello' });
  });

  it.each([['nope:channel'], [''], [42], [null], [{}], ['__proto__'], ['constructor'], ['toString']])(
    'refuses unknown channel %j',
    async (name) => {
      const { d } = setup();
      const r = await d.invoke('w1', name, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('UNKNOWN_CHANNEL');
    },
  );

  it('requires a session on restricted channels', async () => {
    const { d } = setup();
    const r = await d.invoke('w1', 'test:echo', { n: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it.each([
    [null],
    ['string'],
    [[1, 2]],
    [{ n: 'one' }],
    [{ n: 11 }],
    [{ n: 1.5 }],
    [{ n: 1, extra: true }],
    [{}],
    [{ n: { $gt: 0 } }],
  ])('refuses malformed payload %j with a validation error', async (payload) => {
    const { d, login } = setup();
    login('w1', 'user');
    const r = await d.invoke('w1', 'test:echo', payload);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.message).toMatch(/Invalid input/);
    }
  });

  it('passes validated input to the handler', async () => {
    const { d, login } = setup();
    login('w1', 'user');
    expect(await d.invoke('w1', 'test:echo', { n: 4 })).toEqual({ ok: true, value: 8 });
  });

  it('refuses a role-restricted channel to a caller without the role', async () => {
    const { d, login } = setup();
    login('w1', 'user');
    login('w2', 'investigator');
    login('w3', 'admin');
    expect(await d.invoke('w1', 'test:admin', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d.invoke('w2', 'test:admin', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d.invoke('w3', 'test:admin', {})).toEqual({ ok: true, value: 'admin name-w3' });
  });

  it('checks the role before looking at the payload', async () => {
    const { d, login } = setup();
    login('w1', 'user');
    expect(await d.invoke('w1', 'test:admin', 'garbage')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('keys sessions by caller: one window signed in does not sign in another', async () => {
    const { d, login } = setup();
    login('w1', 'admin');
    expect(await d.invoke('w2', 'test:admin', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('expires idle sessions and says so', async () => {
    const { d, login, advance, expired } = setup();
    login('w1', 'user');
    advance(30_000);
    expect((await d.invoke('w1', 'test:echo', { n: 1 })).ok).toBe(true);
    advance(61_000);
    const r = await d.invoke('w1', 'test:echo', { n: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    if (!r.ok) expect(r.error.message).toMatch(/expired/);
    expect(expired).toEqual(['w1']);
  });

  it('blocks everything but allowed channels while a password change is pending', async () => {
    const { d, login } = setup();
    login('w1', 'user', true);
    expect(await d.invoke('w1', 'test:echo', { n: 1 })).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    expect(await d.invoke('w1', 'test:pw', {})).toEqual({ ok: true, value: 'fine' });
  });

  it('turns an unexpected exception into INTERNAL without leaking its message, and logs it', async () => {
    const { d, logged } = setup();
    const r = await d.invoke('w1', 'test:throws', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    if (!r.ok) expect(r.error.message).not.toMatch(/secret/);
    expect(logged.join('\n')).toMatch(/boom/);
  });

  it('turns an AppError into its code', async () => {
    const { d } = setup();
    expect(await d.invoke('w1', 'test:expected', {})).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such thing.' } });
  });
});
