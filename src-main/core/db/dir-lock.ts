/**
 * One process per data directory: nedb keeps each collection in memory and rewrites its
 * file on compaction, so a second process (the app and the CLI at once) would silently
 * overwrite the other's writes. The lock file holds the owner's pid; a dead owner's lock
 * (after a crash or kill -9) is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../src-shared/result';
import { errnoCode, fsError } from './fs-errors';

const heldInProcess = new Set<string>();

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

export interface DirLock {
  release(): Promise<void>;
}

/** Take the data directory's lock or fail with CONFLICT naming the owner. */
export async function lockDataDir(dataDir: string): Promise<DirLock> {
  const key = path.resolve(dataDir);
  if (heldInProcess.has(key)) {
    throw new AppError('CONFLICT', `The data directory ${key} is already open in this process. Close it before opening it again.`);
  }
  const file = path.join(key, '.mediaguard.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fs.promises.open(file, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      heldInProcess.add(key);
      return {
        async release() {
          heldInProcess.delete(key);
          try {
            const owner = Number((await fs.promises.readFile(file, 'utf8')).trim());
            if (owner === process.pid) await fs.promises.rm(file, { force: true });
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw fsError(e, `the data directory ${key}`);
    }
    let owner = NaN;
    try {
      owner = Number((await fs.promises.readFile(file, 'utf8')).trim());
    } catch {
      // Vanished between open and read: retry.
    }
    if (owner !== process.pid && alive(owner)) {
      throw new AppError(
        'CONFLICT',
        `The data directory ${key} is in use by another MediaGuard process (pid ${owner}). Close it first (if no such process runs, delete ${file}).`,
        { pid: owner },
      );
    }
    // Stale lock from a process that died (or our own, left by an unclean close): take it over.
    await fs.promises.rm(file, { force: true }).catch((e: unknown) => {
      throw fsError(e, `the data directory ${key}`);
    });
  }
  throw new AppError('CONFLICT', `Could not lock the data directory ${key}.`);
}
