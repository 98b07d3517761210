import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../../src-main/core/media';
import { tempDir } from '../../helpers/core';
import { fixture, rejectsWith } from './helpers';

const t = tempDir('mg-hash-');
afterAll(() => t.cleanup());

function expected(buf: Buffer) {
  return {
    sha256: crypto.createHash('sha256').update(buf).digest('hex'),
    sha1: crypto.createHash('sha1').update(buf).digest('hex'),
    md5: crypto.createHash('md5').update(buf).digest('hex'),
  };
}

describe('hashFile', () => {
  it('gives SHA-256, SHA-1 and MD5 of the content in one read', async () => {
    const p = fixture('clip.mp4');
    expect(await hashFile(p)).toEqual({ ...expected(fs.readFileSync(p)), sizeBytes: fs.statSync(p).size });
  });

  it('streams a file many times larger than its buffer, with progress', async () => {
    const p = path.join(t.dir, 'big.bin');
    const chunk = crypto.randomBytes(1024 * 1024);
    const fd = fs.openSync(p, 'w');
    for (let i = 0; i < 24; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const seen: number[] = [];
    const r = await hashFile(p, { chunkBytes: 256 * 1024, onProgress: (n) => seen.push(n) });
    expect(r.sha256).toBe(expected(fs.readFileSync(p)).sha256);
    expect(seen.length).toBe(96);
    expect(seen[seen.length - 1]).toBe(24 * 1024 * 1024);
  });

  it('hashes the empty string for an empty file (intake refuses it earlier)', async () => {
    const p = path.join(t.dir, 'empty');
    fs.writeFileSync(p, '');
    expect((await hashFile(p)).sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refuses to report hashes of a file that grows while it is read', async () => {
    const p = path.join(t.dir, 'growing.bin');
    fs.writeFileSync(p, crypto.randomBytes(4 * 1024 * 1024));
    let once = false;
    const e = await rejectsWith(
      hashFile(p, {
        chunkBytes: 1024 * 1024,
        onProgress: () => {
          if (!once) fs.appendFileSync(p, 'more');
          once = true;
        },
      }),
      'IO',
    );
    expect(e.message).toMatch(/changed while it was being read/);
  });

  it('refuses a file rewritten in place (same size) while it is read', async () => {
    const p = path.join(t.dir, 'rewritten.bin');
    fs.writeFileSync(p, Buffer.alloc(3 * 1024 * 1024));
    let once = false;
    await rejectsWith(
      hashFile(p, {
        chunkBytes: 1024 * 1024,
        onProgress: (n) => {
          if (once) return;
          once = true;
          const fd = fs.openSync(p, 'r+');
          fs.writeSync(fd, Buffer.from('tampered'), 0, 8, n + 10);
          fs.closeSync(fd);
          // Make sure the mtime moves even on coarse-clock filesystems.
          const later = new Date(Date.now() + 5000);
          fs.utimesSync(p, later, later);
        },
      }),
      'IO',
    );
  });

  it('says when the file was deleted or replaced during the read', async () => {
    const p = path.join(t.dir, 'deleted.bin');
    fs.writeFileSync(p, Buffer.alloc(2 * 1024 * 1024, 7));
    const e1 = await rejectsWith(hashFile(p, { chunkBytes: 1024 * 1024, onProgress: () => fs.rmSync(p, { force: true }) }), 'IO');
    expect(e1.message).toMatch(/deleted/);
    const q = path.join(t.dir, 'replaced.bin');
    const other = path.join(t.dir, 'other.bin');
    fs.writeFileSync(q, Buffer.alloc(2 * 1024 * 1024, 7));
    fs.writeFileSync(other, Buffer.alloc(2 * 1024 * 1024, 7));
    let once = false;
    const e2 = await rejectsWith(
      hashFile(q, {
        chunkBytes: 1024 * 1024,
        onProgress: () => {
          if (!once) fs.renameSync(other, q);
          once = true;
        },
      }),
      'IO',
    );
    expect(e2.message).toMatch(/replaced/);
  });

  it('stops when cancelled and reports a missing file clearly', async () => {
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(hashFile(fixture('clip.mp4'), { signal: ac.signal }), 'CANCELLED');
    await rejectsWith(hashFile(path.join(t.dir, 'nope')), 'NOT_FOUND');
  });
});
