/** Test helpers: a core on a fresh temporary data dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore, type Core, type CoreOptions } from '../../src-main/core/core';
import { createLogger } from '../../src-main/core/log/logger';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'mg-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Open a core on a temp dir with a silent logger. */
export async function testCore(opts: Partial<CoreOptions> = {}): Promise<{ core: Core; dir: string; cleanup: () => Promise<void> }> {
  const t = tempDir();
  const core = await openCore({
    dataDir: t.dir,
    appVersion: '0.0.0-test',
    log: createLogger('test', { level: 'error', sink: () => undefined }),
    // Tests hash with a low bcrypt cost so they stay fast; production uses settings (default 12).
    bcryptCost: 4,
    compactEveryMs: null,
    ...opts,
  });
  return {
    core,
    dir: t.dir,
    cleanup: async () => {
      await core.close();
      t.cleanup();
    },
  };
}

/** Test passwords that satisfy the password rules. */
export const TEST_PASSWORD = 'correct-horse-42';

/**
 * Create an account of the given role directly in the store and sign it in as senderId
 * (first account created through setup, so the store always has an admin).
 */
export async function signIn(core: Core, role: 'user' | 'investigator' | 'admin', senderId = `test-${role}`, username = `${role}1`) {
  const existing = await core.auth.findByUsername(username);
  if (!existing) {
    if ((await core.auth.count()) === 0) {
      if (role !== 'admin') await core.auth.setup('setup', { username: 'admin0', password: TEST_PASSWORD });
      else {
        await core.auth.setup(senderId, { username, password: TEST_PASSWORD });
        return core.sessions.peek(senderId)!;
      }
    }
    const admin = (await core.auth.listUsers()).find((u) => u.role === 'admin')!;
    const created = await core.auth.createUser({ userId: admin.id, username: admin.username }, { username, role, password: TEST_PASSWORD });
    // createUser forces a password change at first login; tests start past that step.
    await core.db.users.mutate({ _id: created.id }, (d) => ({ ...d, mustChangePassword: false }));
  }
  return core.auth.loginSession(senderId, username, TEST_PASSWORD, 'test');
}
