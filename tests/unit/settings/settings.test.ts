import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { signIn, testCore } from '../../helpers/core';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('settings', () => {
  it('starts from defaults, persists patches across restarts, and audits what changed', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    const admin = await signIn(t.core, 'admin');
    expect(t.core.settings.get()).toEqual(DEFAULT_SETTINGS);
    const seen: number[] = [];
    t.core.settings.onChange((n) => seen.push(n.sessionIdleMinutes));
    const next = await t.core.settings.patch({ sessionIdleMinutes: 10, thresholds: { authentic: 0.2, manipulated: 0.8 } }, admin);
    expect(next).toMatchObject({ sessionIdleMinutes: 10, thresholds: { authentic: 0.2, manipulated: 0.8 }, lockout: DEFAULT_SETTINGS.lockout });
    expect(seen).toEqual([10]);
    expect(t.core.sessions.idleTimeoutMs).toBe(10 * 60_000);
    const entry = t.core.audit.list({ action: 'settings.changed' }).items[0]!;
    expect(entry.actorName).toBe('admin1');
    expect(Object.keys(entry.details).sort()).toEqual(['sessionIdleMinutes', 'thresholds']);
    expect(entry.details.sessionIdleMinutes).toEqual({ from: 30, to: 10 });
    // No-op patches change nothing and are not audited.
    await t.core.settings.patch({ sessionIdleMinutes: 10 }, admin);
    expect(t.core.audit.list({ action: 'settings.changed' }).total).toBe(1);
    await t.core.close();
    const t2 = await testCore({ dataDir: t.dir });
    cleanups.push(() => t2.core.close());
    expect(t2.core.settings.get().sessionIdleMinutes).toBe(10);
    expect(t2.core.sessions.idleTimeoutMs).toBe(10 * 60_000);
  });

  it('refuses invalid values and keeps the old ones', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    const admin = await signIn(t.core, 'admin');
    await expect(t.core.settings.patch({ bcryptCost: 4 } as never, admin)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(t.core.settings.patch({ thresholds: { authentic: 0.9, manipulated: 0.1 } } as never, admin)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(t.core.settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps a damaged settings file aside and starts with defaults', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    await t.core.close();
    fs.writeFileSync(path.join(t.dir, 'settings.json'), '{"sessionIdleMinutes": "lots"');
    const t2 = await testCore({ dataDir: t.dir });
    cleanups.push(() => t2.core.close());
    expect(t2.core.settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(fs.readdirSync(t.dir).some((n) => n.startsWith('settings.json.invalid-'))).toBe(true);
  });
});
