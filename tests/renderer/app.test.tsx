import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { createApi } from '../../src-preload/create-api';
import { createAppDispatcher } from '../../src-main/ipc/handler-table';
import type { Core } from '../../src-main/core/core';
import { testCore } from '../helpers/core';
import { App } from '../../src-renderer/src/app';

describe('App (renderer tier, real handler table in-process)', () => {
  let core: Core;
  let done: () => Promise<void>;
  beforeEach(async () => {
    ({ core, cleanup: done } = await testCore());
    const dispatcher = createAppDispatcher(core);
    window.mediaguard = createApi({
      invoke: (c, p) => dispatcher.invoke('renderer-test', c, p),
      on: () => () => undefined,
      pathForFile: async () => null,
    });
  });
  afterEach(async () => {
    cleanup();
    delete window.mediaguard;
    await done();
  });

  it('shows the version and data dir from app:info', async () => {
    render(<App />);
    expect(await screen.findByTestId('app-version')).toHaveProperty('textContent', '0.0.0-test');
    expect(screen.getByText(core.dataDir)).toBeTruthy();
  });

  it('explains when the bridge is missing', () => {
    delete window.mediaguard;
    render(<App />);
    expect(screen.getByRole('alert').textContent).toMatch(/opened from the MediaGuard application/);
  });
});
