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
