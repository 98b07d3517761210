/**
 * Re-check a path handed over by the renderer (or the CLI) before anything reads it: it
 * must be absolute, exist, be a regular file (no directory, device, FIFO or socket, which
 * would block or never end), be readable by this process and be within the size limit.
 */
import { scaleBytes } from '../../../src-shared/format-bytes';
import fs from 'node:fs';
import path from 'node:path';
import type { AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';

export interface CheckedInput {
  /** Absolute, symlinks resolved: the file actually read. */
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  /** Device and inode, to notice the file being replaced later. */
  dev: number;
  ino: number;
}

/** Turn an fs error into the AppError an analyst can act on. */
export function ioError(e: unknown, p: string, doing = 'open'): AppError {
  if (e instanceof AppError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const name = path.basename(p);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new AppError('NOT_FOUND', `The file "${name}" does not exist (was it moved or deleted?).`, { path: p });
    case 'EACCES':
    case 'EPERM':
      return new AppError('IO', `Permission denied: this account cannot ${doing} "${name}". Copy the file somewhere readable or fix its permissions.`, { path: p, errno: code });
    case 'EISDIR':
      return new AppError('UNSUPPORTED_MEDIA', `"${name}" is a folder, not a media file.`, { path: p });
    case 'ELOOP':
      return new AppError('IO', `"${name}" is a symbolic link loop.`, { path: p, errno: code });
    case 'EIO':
      return new AppError('IO', `Read error on "${name}" (the disk or medium may be failing).`, { path: p, errno: code });
    case 'EMFILE':
    case 'ENFILE':
      return new AppError('IO', 'Too many open files; close other work and retry.', { errno: code });
    default:
      return new AppError('IO', `Cannot ${doing} "${name}": ${(e as Error | undefined)?.message ?? String(e)}`, { path: p, errno: code ?? null });
  }
}

function describeNonFile(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Validate an input path and return what was checked; throws AppError with a clear reason. */
export async function checkInputPath(p: string, limits: Pick<AppSettings['limits'], 'maxFileBytes'>): Promise<CheckedInput> {
  if (typeof p !== 'string' || p.length === 0) throw new AppError('VALIDATION', 'No file path was given.');
  if (p.includes('\0')) throw new AppError('VALIDATION', 'The file path contains a NUL character.');
  if (!path.isAbsolute(p)) throw new AppError('VALIDATION', 'The file path must be absolute.', { path: p });
  let real: string;
  let st: fs.Stats;
  try {
    real = await fs.promises.realpath(p);
    st = await fs.promises.stat(real);
  } catch (e) {
    throw ioError(e, p, 'find');
  }
  const name = path.basename(p);
  if (!st.isFile()) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" is ${describeNonFile(st)}, not a media file.`, { path: p });
  if (st.size === 0) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" is empty (0 bytes).`, { path: p });
  if (st.size > limits.maxFileBytes) {
    throw new AppError('LIMIT_EXCEEDED', `"${name}" is ${fmtBytes(st.size)}, over the ${fmtBytes(limits.maxFileBytes)} file-size limit in Settings.`, {
      path: p,
      sizeBytes: st.size,
      limit: limits.maxFileBytes,
    });
  }
  // Opening is the only honest readability test: access(R_OK) lies for root and on some mounts.
  let fh: fs.promises.FileHandle | null = null;
  try {
    fh = await fs.promises.open(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const again = await fh.stat();
    if (!again.isFile()) throw new AppError('UNSUPPORTED_MEDIA', `"${name}" is not a regular file.`, { path: p });
    const probe = Buffer.alloc(1);
    await fh.read(probe, 0, 1, 0);
  } catch (e) {
    throw ioError(e, p, 'read');
  } finally {
    await fh?.close().catch(() => undefined);
  }
  return { path: real, sizeBytes: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
}

/** 1536 → "1.5 KB" (decimal units, as file managers show them). */
export function fmtBytes(n: number): string {
  const { value, unit, scaled } = scaleBytes(n);
  return scaled ? `${value.toFixed(value >= 100 ? 0 : 1)} ${unit}` : `${n} bytes`;
}

/**
 * Re-check, after the work, that the checked file is still the same one (same inode, size and
 * modification time): the hashes, metadata and frames must all describe one content.
 */
export async function assertUnchanged(input: CheckedInput): Promise<void> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(input.path);
  } catch (e) {
    const err = ioError(e, input.path);
    if (err.code === 'NOT_FOUND') throw new AppError('IO', `"${path.basename(input.path)}" was deleted during the analysis.`, { path: input.path });
    throw err;
  }
  if (st.ino !== input.ino || st.dev !== input.dev || st.size !== input.sizeBytes || st.mtimeMs !== input.mtimeMs) {
    throw new AppError('IO', `"${path.basename(input.path)}" changed during the analysis; its results would not describe one definite file. Copy it somewhere stable and retry.`, {
      path: input.path,
    });
  }
}
