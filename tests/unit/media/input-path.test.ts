import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertUnchanged, checkInputPath, ioError } from '../../../src-main/core/media';
import { tempDir } from '../../helpers/core';
import { fixture, rejectsWith } from './helpers';

const limits = { maxFileBytes: 2 * 1024 ** 3 };
const t = tempDir('mg-input-');
afterAll(() => t.cleanup());
const isRoot = process.getuid?.() === 0;

describe('checkInputPath', () => {
  it('accepts a regular readable file and returns its real path and size', async () => {
    const link = path.join(t.dir, 'link.mp4');
    fs.symlinkSync(fixture('clip.mp4'), link);
    const r = await checkInputPath(link, limits);
    expect(r.path).toBe(fs.realpathSync(fixture('clip.mp4')));
    expect(r.sizeBytes).toBe(fs.statSync(fixture('clip.mp4')).size);
  });

  it('refuses relative paths, empty paths and NUL bytes', async () => {
    await rejectsWith(checkInputPath('clip.mp4', limits), 'VALIDATION');
    await rejectsWith(checkInputPath('', limits), 'VALIDATION');
    await rejectsWith(checkInputPath('/tmp/a\0b', limits), 'VALIDATION');
  });

  it('says a missing file is missing', async () => {
    const e = await rejectsWith(checkInputPath(path.join(t.dir, 'gone.mp4'), limits), 'NOT_FOUND');
    expect(e.message).toMatch(/gone\.mp4/);
  });

  it('refuses a zero-byte file', async () => {
    const e = await rejectsWith(checkInputPath(fixture('empty.mp4'), limits), 'UNSUPPORTED_MEDIA');
    expect(e.message).toMatch(/empty/);
  });

  it('refuses directories, devices and FIFOs without blocking on them', async () => {
    expect((await rejectsWith(checkInputPath(t.dir, limits), 'UNSUPPORTED_MEDIA')).message).toMatch(/folder/);
    expect((await rejectsWith(checkInputPath('/dev/zero', limits), 'UNSUPPORTED_MEDIA')).message).toMatch(/device/);
    const fifo = path.join(t.dir, 'pipe.mp4');
    execFileSync('mkfifo', [fifo]);
    expect((await rejectsWith(checkInputPath(fifo, limits), 'UNSUPPORTED_MEDIA')).message).toMatch(/pipe/);
  });

  it('enforces the file-size limit from settings', async () => {
    const e = await rejectsWith(checkInputPath(fixture('clip.mp4'), { maxFileBytes: 1000 }), 'LIMIT_EXCEEDED');
    expect(e.message).toMatch(/limit/);
    expect(e.details).toMatchObject({ limit: 1000 });
  });

  it('notices a file changed, replaced or deleted after it was checked', async () => {
    const p = path.join(t.dir, 'evidence.mp4');
    fs.copyFileSync(fixture('clip.mp4'), p);
    const input = await checkInputPath(p, limits);
    await assertUnchanged(input);
    fs.appendFileSync(p, 'x');
    expect((await rejectsWith(assertUnchanged(input), 'IO')).message).toMatch(/changed during the analysis/);
    const q = path.join(t.dir, 'evidence2.mp4');
    fs.copyFileSync(fixture('clip.mp4'), q);
    const input2 = await checkInputPath(q, limits);
    fs.rmSync(q);
    expect((await rejectsWith(assertUnchanged(input2), 'IO')).message).toMatch(/deleted/);
  });

  it('maps permission errors to a clear IO error', () => {
    const e = ioError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), '/x/secret.jpg', 'read');
    expect(e.code).toBe('IO');
    expect(e.message).toMatch(/Permission denied.*secret\.jpg/);
  });

  // Root ignores file modes, so chmod 000 alone proves nothing here: when the tests run as
  // root, the check runs in a child process dropped to the unprivileged 'nobody' account.
  it('refuses an unreadable file with a clear error (as an unprivileged user when run as root)', async () => {
    const dir = fs.mkdtempSync('/tmp/mg-perm-');
    try {
      fs.chmodSync(dir, 0o755);
      const secret = path.join(dir, 'secret evidence.jpg');
      fs.copyFileSync(fixture('camera.jpg'), secret);
      fs.chmodSync(secret, 0o000);
      if (!isRoot) {
        const e = await rejectsWith(checkInputPath(secret, limits), 'IO');
        expect(e.message).toMatch(/Permission denied/);
        return;
      }
      const root = path.resolve(__dirname, '..', '..', '..');
      const mod = path.join(root, 'src-main', 'core', 'media', 'input-path.ts');
      const script = `const m0 = await import(${JSON.stringify(mod)}); const m = m0.checkInputPath ? m0 : m0.default;
        try { await m.checkInputPath(${JSON.stringify(secret)}, { maxFileBytes: 1e9 }); console.log(JSON.stringify({ ok: true })); }
        catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        uid: 65534,
        gid: 65534,
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: '/tmp' },
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const answer = JSON.parse(r.stdout.trim().split('\n').pop()!) as { code?: string; message?: string };
      expect(answer.code).toBe('IO');
      expect(answer.message).toMatch(/Permission denied/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
