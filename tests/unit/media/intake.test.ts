// The whole intake on hostile names and read-only media: every step succeeds or fails with a
// clear AppError, nothing is passed to a shell, nothing is written next to the evidence.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInputPath, extractFrames, hashFile, identify, probe, readMetadata, type ResolvedTools } from '../../../src-main/core/media';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { tempDir } from '../../helpers/core';
import { fixture, testTools } from './helpers';

let tools: ResolvedTools;
const t = tempDir('mg-intake-');
beforeAll(async () => {
  tools = await testTools();
});
afterAll(() => t.cleanup());

async function intake(p: string) {
  const input = await checkInputPath(p, DEFAULT_SETTINGS.limits);
  const identity = await identify(input.path, { tools });
  const info = await probe(input.path, tools, { identity });
  const hashes = await hashFile(input.path);
  const meta = await readMetadata(input.path, info);
  const { frames, sampling } = await extractFrames(input.path, info, tools, { strategy: { kind: 'even', count: 3 }, maxSide: 64 });
  return { identity, info, hashes, meta, frames, sampling };
}

describe('hostile file names', () => {
  const names = [
    'with space.mp4',
    `quote's "double".jpg`,
    'ünïcødé 日本語 🎞.mp4',
    '-leading-dash.mp4',
    '--help.jpg',
    '-i.mp4',
    '$(touch pwned).mp4',
    '`touch pwned2`.jpg',
    'semi;colon|pipe&amp>.mp4',
    'concat:a.mp4',
    'http:evil.jpg',
    'new\nline.mp4',
    '%d%s%n.mp4',
  ];
  it.each(names)('analyses %j like any other file', async (name) => {
    const src = name.endsWith('.jpg') ? fixture('camera.jpg') : fixture('clip.mp4');
    const p = path.join(t.dir, name);
    fs.copyFileSync(src, p);
    const r = await intake(p);
    expect(r.identity.kind).toBe(name.endsWith('.jpg') ? 'image' : 'video');
    expect(r.frames.length).toBeGreaterThan(0);
    expect(r.hashes.sizeBytes).toBe(fs.statSync(src).size);
    expect(fs.existsSync(path.join(t.dir, 'pwned'))).toBe(false);
    expect(fs.existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
    expect(fs.existsSync(path.join(process.cwd(), 'pwned2'))).toBe(false);
  });
});

describe('read-only media', () => {
  // A real read-only mount where this process may mount (root with CAP_SYS_ADMIN, as in CI
  // containers); otherwise a read-only directory and files, which is what an unprivileged
  // user sees on a write-protected card. The test says which one it used.
  it('analyses evidence where nothing can be written, writing nothing', async () => {
    const dir = path.join(t.dir, 'ro');
    fs.mkdirSync(dir);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]).status === 0;
    try {
      fs.copyFileSync(fixture('clip.mp4'), path.join(dir, 'evidence clip.mp4'));
      fs.copyFileSync(fixture('camera.jpg'), path.join(dir, 'evidence.jpg'));
      if (mounted) expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
      else {
        fs.chmodSync(path.join(dir, 'evidence clip.mp4'), 0o444);
        fs.chmodSync(path.join(dir, 'evidence.jpg'), 0o444);
        fs.chmodSync(dir, 0o555);
      }
      console.log(`read-only media test: ${mounted ? 'read-only tmpfs mount' : 'read-only directory (mount not permitted here)'}`);
      if (mounted) expect(() => fs.writeFileSync(path.join(dir, 'probe'), 'x')).toThrow(/EROFS/);
      const before = fs.readdirSync(dir).sort();
      const v = await intake(path.join(dir, 'evidence clip.mp4'));
      expect(v.frames).toHaveLength(3);
      const i = await intake(path.join(dir, 'evidence.jpg'));
      expect(i.meta.hasEmbeddedThumbnail).toBe(true);
      expect(fs.readdirSync(dir).sort()).toEqual(before);
    } finally {
      if (mounted) {
        // Nothing may stay open or mapped: a busy mount means the evidence is still pinned.
        const u = spawnSync('umount', [dir], { encoding: 'utf8' });
        expect(u.status, `umount: ${u.stderr}`).toBe(0);
      }
      else fs.chmodSync(dir, 0o755);
    }
  });
});

describe('bad input keeps the process alive with clear errors', () => {
  it.each([
    ['empty.mp4', 'UNSUPPORTED_MEDIA', /empty/],
    ['random.mp4', 'UNSUPPORTED_MEDIA', /recognise it as an image or a video/],
    ['truncated.mp4', 'UNSUPPORTED_MEDIA', /moov atom not found/],
    ['truncated.jpg', 'UNSUPPORTED_MEDIA', /damaged or truncated/],
    ['bomb.png', 'LIMIT_EXCEEDED', /decompression bomb/],
    ['audio-only.mp4', 'UNSUPPORTED_MEDIA', /no video stream/],
    ['notes.txt', 'UNSUPPORTED_MEDIA', /recognised image or video|recognise it as an image or a video/],
  ])('%s → %s', async (name, code, message) => {
    const err = await intake(fixture(name)).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string; name: string },
    );
    expect(err?.name).toBe('AppError');
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(message);
  });
});
