/**
 * One damaged byte in the admin's line of users.db used to leave zero readable accounts,
 * and first-run setup then handed the installation to whoever came next. Setup is refused
 * while account records are set aside; the store's repair is audited with what it set aside.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliCoreDefaults } from '../../../src-main/cli/context';
import { runCli } from '../../../src-main/cli/main';
import { TEST_PASSWORD, testCore } from '../../helpers/core';
import { testIo as io } from '../../helpers/cli-io';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('first-run setup after account records were set aside', () => {
  it('is refused in the window and on the command line, and the repair names what was set aside', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    await t.core.auth.setup('w', { username: 'chief', password: TEST_PASSWORD });
    await t.core.close();

    // One byte: the admin's line no longer parses.
    const usersDb = path.join(t.dir, 'db', 'users.db');
    const text = fs.readFileSync(usersDb, 'utf8');
    expect(text).toContain('"username":"chief"');
    fs.writeFileSync(usersDb, text.replace('"username":"chief"', '"username":chief"'));

    const t2 = await testCore({ dataDir: t.dir });
    cleanups.push(() => t2.core.close());
    expect(await t2.core.auth.count()).toBe(0);
    await expect(t2.core.auth.setup('w2', { username: 'evil', password: TEST_PASSWORD })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^Setup is refused: the account store was damaged and account records were set aside \(users\.db\.quarantine-[^)]+\).*restore users\.db from the backup/),
    });
    expect(await t2.core.auth.count()).toBe(0);
    const repaired = t2.core.audit.list({ action: 'store.repaired' }).items;
    expect(repaired.some((e) => e.target?.endsWith('users.db'))).toBe(true);
    await t2.core.close();

    cliCoreDefaults.bcryptCost = 4;
    const o = io({ MEDIAGUARD_NEW_PASSWORD: TEST_PASSWORD });
    const code = await runCli(['users', 'create-admin', 'evil', '--data-dir', t.dir], o);
    expect(code).not.toBe(0);
    expect(o.err).toMatch(/Setup is refused: the account store was damaged/);
    expect(o.out).not.toMatch(/Created admin/);
  });

  it('a clean first run is not affected', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    expect((await t.core.auth.setup('w', { username: 'chief', password: TEST_PASSWORD })).user.role).toBe('admin');
  });
});
