/**
 * SHA-256, SHA-1 and MD5 of a file in one streaming read (constant memory for files of
 * many GB), refusing to report hashes of a file that changed or vanished while it was read:
 * a hash is evidence only if it describes one definite content.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileHashes } from '../../../src-shared/domain/media';
import { AppError } from '../../../src-shared/result';
import { ioError } from './input-path';

export interface HashOptions {
  signal?: AbortSignal;
  /** Called after each chunk with bytes read so far and the size at the start. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  chunkBytes?: number;
}

/** Hash a file; AppError('IO') if it changed, was replaced or was deleted during the read. */
export async function hashFile(p: string, opts: HashOptions = {}): Promise<FileHashes & { sizeBytes: number }> {
  const name = path.basename(p);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(p, 'r');
  } catch (e) {
    throw ioError(e, p, 'read');
  }
  try {
    const before = await fh.stat();
    const sha256 = crypto.createHash('sha256');
    const sha1 = crypto.createHash('sha1');
    const md5 = crypto.createHash('md5');
    const buf = Buffer.allocUnsafe(opts.chunkBytes ?? 1024 * 1024);
    let pos = 0;
    for (;;) {
      if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Hashing was cancelled.');
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, 0, buf.length, pos));
      } catch (e) {
        throw ioError(e, p, 'read');
      }
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      sha256.update(chunk);
      sha1.update(chunk);
      md5.update(chunk);
      pos += bytesRead;
      opts.onProgress?.(pos, before.size);
    }
    const after = await fh.stat();
    const changed = pos !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.ctimeMs !== before.ctimeMs;
    if (changed) {
      throw new AppError('IO', `"${name}" changed while it was being read (size or modification time moved); the hashes would not describe one definite file. Copy it somewhere stable and retry.`, {
        path: p,
        sizeBefore: before.size,
        sizeAfter: after.size,
        bytesRead: pos,
      });
    }
    // Same open file, but is it still the file at this path? (deleted, or replaced by rename)
    let now: fs.Stats | null = null;
    try {
      now = await fs.promises.stat(p);
    } catch {
      now = null;
    }
    if (!now) throw new AppError('IO', `"${name}" was deleted while it was being read.`, { path: p });
    if (now.ino !== before.ino || now.dev !== before.dev) throw new AppError('IO', `"${name}" was replaced by another file while it was being read.`, { path: p });
    return { sha256: sha256.digest('hex'), sha1: sha1.digest('hex'), md5: md5.digest('hex'), sizeBytes: pos };
  } finally {
    await fh.close().catch(() => undefined);
  }
}
