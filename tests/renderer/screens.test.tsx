import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createApi } from '../../src-preload/create-api';
import { createAppDispatcher } from '../../src-main/ipc/handler-table';
import type { Core } from '../../src-main/core/core';
import { err } from '../../src-shared/result';
import { testCore, TEST_PASSWORD } from '../helpers/core';
import { App } from '../../src-renderer/src/app';
import { useSession } from '../../src-renderer/src/stores/session-store';
import { useNav } from '../../src-renderer/src/stores/nav-store';
import { lockoutSeconds, passwordProblem, usernameProblem } from '../../src-renderer/src/lib/password';
import { describeError } from '../../src-renderer/src/api';

type Listener = (payload: unknown) => void;

describe('renderer screens over the real handler table', () => {
  let core: Core;
  let done: () => Promise<void>;
  let listeners: Map<string, Set<Listener>>;
  let refuse: Set<string>;

  const emit = (event: string, payload: unknown) => act(() => listeners.get(event)?.forEach((l) => l(payload)));

  beforeEach(async () => {
    ({ core, cleanup: done } = await testCore());
    const dispatcher = createAppDispatcher(core);
    listeners = new Map();
    refuse = new Set();
    useSession.setState({ phase: 'boot', session: null, notice: null, bootError: null });
    useNav.setState({ route: { name: 'dashboard' } });
    window.mediaguard = createApi({
      // A refused channel behaves like a domain main does not serve yet.
      invoke: async (c, p) => (refuse.has(c) ? err('UNKNOWN_CHANNEL', `Unknown channel: ${c}`) : dispatcher.invoke('renderer-test', c, p)),
      on: (e, l) => {
        const set = listeners.get(e) ?? new Set();
        set.add(l);
        listeners.set(e, set);
        return () => set.delete(l);
      },
      pathForFile: async () => null,
    });
  });
  afterEach(async () => {
    cleanup();
    delete window.mediaguard;
    await done();
  });

  async function setUp() {
    render(<App />);
    await screen.findByTestId('first-run');
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'chief' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: TEST_PASSWORD } });
    fireEvent.change(screen.getByLabelText('Repeat password'), { target: { value: TEST_PASSWORD } });
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
    await screen.findByTestId('screen-dashboard');
  }

  it('first run refuses a weak password before calling main, then creates the admin', async () => {
    render(<App />);
    await screen.findByTestId('first-run');
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'chief' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } });
    fireEvent.change(screen.getByLabelText('Repeat password'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator' }));
    expect((await screen.findByTestId('form-error')).textContent).toMatch(/at least 10/);
    expect(await core.auth.count()).toBe(0);
    cleanup();
    await setUp();
    expect(screen.getByTestId('signed-in-as').textContent).toContain('chief');
  });

  it('a screen whose domain is not served shows an error state instead of crashing', async () => {
    refuse.add('stats:dashboard');
    await setUp();
    const alert = await screen.findByTestId('error-state');
    expect(alert.dataset.code).toBe('UNKNOWN_CHANNEL');
    expect(alert.textContent).toMatch(/not available in this build/);
    // No retry button for a channel that cannot appear at run time.
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('returns to login with a notice when main says the session expired', async () => {
    await setUp();
    emit('session:expired', { reason: 'idle' });
    await screen.findByTestId('login');
    expect(screen.getByTestId('login-notice').textContent).toMatch(/inactivity/);
  });

  it('an UNAUTHENTICATED answer from any call also returns to login', async () => {
    await setUp();
    core.sessions.end('renderer-test');
    fireEvent.click(screen.getByTestId('nav-history'));
    await screen.findByTestId('login');
  });

  it('non-admins do not see the admin screen', async () => {
    await setUp();
    expect(screen.getByTestId('nav-admin')).toBeTruthy();
    await core.auth.createUser({ userId: (await core.auth.listUsers())[0]!.id, username: 'chief' }, { username: 'ursula', role: 'user', password: 'Temp-pass-0001' });
    fireEvent.click(screen.getByTestId('sign-out'));
    await screen.findByTestId('login');
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'ursula' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'Temp-pass-0001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByTestId('forced-password-change');
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'Temp-pass-0001' } });
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'Another-pass-99' } });
    fireEvent.change(screen.getByLabelText('Repeat new password'), { target: { value: 'Another-pass-99' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
    await screen.findByTestId('screen-dashboard');
    expect(screen.queryByTestId('nav-admin')).toBeNull();
  });
});

describe('renderer helpers', () => {
  it('checks passwords and usernames like main does', () => {
    expect(passwordProblem('short1', 'short1')).toMatch(/at least 10/);
    expect(passwordProblem('onlyletterslong', 'onlyletterslong')).toMatch(/digit or symbol/);
    expect(passwordProblem('Good-pass-123', 'Good-pass-124')).toMatch(/differ/);
    expect(passwordProblem('Good-pass-123', 'Good-pass-123')).toBeNull();
    expect(usernameProblem('a')).toMatch(/3–32/);
    expect(usernameProblem('ana.lyst')).toBeNull();
  });

  it('reads the lockout time from the error details', () => {
    expect(lockoutSeconds({ remainingSec: 90.2 })).toBe(91);
    expect(lockoutSeconds({ lockedUntil: new Date(10_000 + 30_000).toISOString() }, 10_000)).toBe(30);
    expect(lockoutSeconds({ adminLocked: true })).toBeNull();
    expect(lockoutSeconds(undefined)).toBeNull();
  });

  it('tells the user what to do for every error code', () => {
    expect(describeError({ code: 'UNSUPPORTED_MEDIA', message: 'x' }).hint).toMatch(/image/);
    expect(describeError({ code: 'FFMPEG_MISSING', message: 'x' }).hint).toMatch(/ffmpeg/);
    expect(describeError({ code: 'UNKNOWN_CHANNEL', message: 'Unknown channel: a:b' }).title).toMatch(/not available/);
  });
});
