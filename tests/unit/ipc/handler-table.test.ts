import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels, CHANNEL_NAMES } from '../../../src-shared/contract/index';
import { buildHandlers, createAppDispatcher } from '../../../src-main/ipc/handler-table';
import type { Core } from '../../../src-main/core/core';
import { testCore } from '../../helpers/core';

describe('the real handler table', () => {
  let core: Core;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ core, cleanup } = await testCore());
  });
  afterEach(async () => cleanup());

  it('has exactly one handler per contract channel', () => {
    const handlers = buildHandlers(core);
    expect(Object.keys(handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
    for (const name of CHANNEL_NAMES) expect(typeof handlers[name]).toBe('function');
  });

  it('declares a description and access rule for every channel', () => {
    for (const name of CHANNEL_NAMES) {
      const def = channels[name];
      expect(def.description.length, name).toBeGreaterThan(3);
      expect(def.access === 'public' || (Array.isArray(def.access) && def.access.length > 0), name).toBe(true);
    }
  });

  it('serves app:info through the dispatcher', async () => {
    const d = createAppDispatcher(core);
    const r = await d.invoke('test', 'app:info', {});
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({ name: 'MediaGuard', version: '0.0.0-test', dataDir: core.dataDir, offline: true });
    }
  });

  it('refuses extra fields on app:info', async () => {
    const d = createAppDispatcher(core);
    expect(await d.invoke('test', 'app:info', { evil: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
