/**
 * Durability primitives. Node's writeFile/appendFile return once the kernel has the bytes,
 * not once they are on disk; a finished analysis, an account change or an audit entry must
 * survive a crash right after we acknowledge it, so these fsync explicitly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errnoCode } from './fs-errors';

/** fsync a file's contents to stable storage. */
export async function fsyncFile(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so a created or renamed entry in it is durable (no-op where unsupported). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | null = null;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    // Windows and some filesystems refuse to open or fsync directories; the rename is still atomic there.
    const code = errnoCode(e);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') throw e;
  } finally {
    await fh?.close();
  }
}

/** Replace a file atomically and durably: temp file, fsync, rename, fsync the directory. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  const fh = await fs.promises.open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await fsyncDir(dir);
}

/** Append bytes to a file and fsync before returning (creates the file, fsyncing its directory). */
export async function appendDurable(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  let existed = true;
  try {
    await fs.promises.access(file);
  } catch {
    existed = false;
  }
  const fh = await fs.promises.open(file, 'a', mode);
  try {
    await fh.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (!existed) await fsyncDir(path.dirname(file));
}

/** Drop a half-written last line (an append cut short by a crash or a full disk), so the next append starts clean. */
export async function trimTornTail(file: string): Promise<void> {
  const raw = await fs.promises.readFile(file);
  if (raw.length && raw[raw.length - 1] !== 0x0a) {
    await fs.promises.truncate(file, raw.lastIndexOf(0x0a) + 1);
    await fsyncFile(file);
  }
}
