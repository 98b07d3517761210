/** A full disk or a read-only data dir gives a clear error and loses nothing already stored. */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fsError } from '../../../src-main/core/db/fs-errors';
import { AppError } from '../../../src-shared/result';
import { signIn, testCore } from '../../helpers/core';
import { makeDetection } from '../../helpers/detections';

// The same CommonJS module instance nedb uses internally.
const nedbStorage = createRequire(import.meta.url)('@seald-io/nedb/lib/storage.js') as { appendFileAsync: (file: string, data: string, opts?: unknown) => Promise<void> };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function errno(code: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

describe('filesystem faults', () => {
  it('maps errno codes to codes the UI and CLI understand', () => {
    expect(fsError(errno('ENOSPC'), 'x').code).toBe('DISK_FULL');
    expect(fsError(errno('EDQUOT'), 'x').code).toBe('DISK_FULL');
    expect(fsError(errno('EROFS'), 'x').code).toBe('READ_ONLY');
    expect(fsError(errno('EACCES'), 'x').code).toBe('READ_ONLY');
    expect(fsError(errno('EIO'), 'x').code).toBe('IO');
    const keep = new AppError('NOT_FOUND', 'kept');
    expect(fsError(keep, 'x')).toBe(keep);
  });

  it('a full disk refuses the write with DISK_FULL and keeps what was stored', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    const admin = await signIn(t.core, 'admin');
    const kept = await t.core.detections.insert(makeDetection({ ownerId: admin.userId }));
    // nedb appends through its storage module: make it write half a line, then fail like a full disk.
    const realAppend = nedbStorage.appendFileAsync;
    nedbStorage.appendFileAsync = async (file: string, data: string) => {
      await fs.promises.writeFile(file, data.slice(0, Math.floor(data.length / 2)), { flag: 'a' });
      throw errno('ENOSPC');
    };
    const open = fs.promises.open;
    const openSpy = vi.spyOn(fs.promises, 'open').mockImplementation(async (p, flags, mode) => {
      if (flags === 'w' || flags === 'a') {
        // A torn write, then the failure.
        if (flags === 'a') await fs.promises.writeFile(p as string, '{"seq":99,"ti', { flag: 'a' });
        throw errno('ENOSPC');
      }
      return open(p, flags, mode);
    });
    cleanups.push(async () => {
      nedbStorage.appendFileAsync = realAppend;
    });
    await expect(t.core.detections.insert(makeDetection({ ownerId: admin.userId }))).rejects.toMatchObject({ code: 'DISK_FULL' });
    await expect(t.core.audit.append({ actor: admin, action: 'record.viewed' })).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/disk is full/) });
    await expect(t.core.auth.createUser(admin, { username: 'newbie', role: 'user', password: 'correct-horse-42' })).rejects.toMatchObject({ code: 'DISK_FULL' });
    // Nothing of the refused writes is visible, in memory or on disk.
    expect(await t.core.auth.findByUsername('newbie')).toBeNull();
    expect((await t.core.detections.list({}, admin)).total).toBe(1);
    nedbStorage.appendFileAsync = realAppend;
    openSpy.mockRestore();
    // And the store keeps working once there is space again.
    await t.core.auth.createUser(admin, { username: 'later', role: 'user', password: 'correct-horse-42' });
    await t.core.audit.append({ actor: admin, action: 'record.viewed' });
    await t.core.close();
    const t2 = await testCore({ dataDir: t.dir });
    cleanups.push(() => t2.core.close());
    expect(await t2.core.detections.get(kept.id)).toEqual(kept);
    expect((await t2.core.audit.verify()).ok).toBe(true);
    expect(await t2.core.auth.findByUsername('admin1')).not.toBeNull();
    expect(await t2.core.auth.findByUsername('later')).not.toBeNull();
    expect(await t2.core.auth.findByUsername('newbie')).toBeNull();
    expect(t2.core.db.repairs).toEqual([]);
  });

  it('a read-only data dir fails to open with READ_ONLY', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    await t.core.close();
    const open = fs.promises.open;
    vi.spyOn(fs.promises, 'open').mockImplementation(async (p, flags, mode) => {
      if (flags === 'wx' || flags === 'w' || flags === 'a') throw errno('EROFS');
      return open(p, flags, mode);
    });
    vi.spyOn(fs.promises, 'writeFile').mockRejectedValue(errno('EROFS'));
    await expect(testCore({ dataDir: t.dir })).rejects.toMatchObject({ code: 'READ_ONLY', message: expect.stringMatching(/read-only/) });
  });
});
