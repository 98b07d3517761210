import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../../src-main/core/db/artifacts';
import { tempDir } from '../../helpers/core';
import { code } from '../../helpers/error-code';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function store(): { a: ArtifactStore; dir: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return { a: new ArtifactStore(t.dir), dir: t.dir };
}

describe('artifact store', () => {
  it('writes, reads with its MIME type, lists and removes per record', async () => {
    const { a, dir } = store();
    await a.write('rec-1', 'heatmap-0.png', Buffer.from([1, 2, 3]), { mime: 'image/png', width: 2, height: 2 });
    await a.write('rec-1', 'frame.0001.jpg', Buffer.from([4]), { mime: 'image/jpeg' });
    expect(fs.existsSync(path.join(dir, 'artifacts', 'rec-1', 'heatmap-0.png'))).toBe(true);
    const f = await a.read('rec-1', 'heatmap-0.png');
    expect([...f.data]).toEqual([1, 2, 3]);
    expect(f.mime).toBe('image/png');
    expect(await a.list('rec-1')).toEqual(['frame.0001.jpg', 'heatmap-0.png']);
    await a.remove('rec-1');
    expect(await a.list('rec-1')).toEqual([]);
    expect(await code(a.read('rec-1', 'heatmap-0.png'))).toBe('NOT_FOUND');
  });

  it('refuses keys and ids that could leave the record folder', async () => {
    const { a, dir } = store();
    const outside = path.join(dir, 'secret.txt');
    fs.writeFileSync(outside, 'secret');
    for (const key of ['../secret.txt', '..', '.', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(129), 'nul\0.png', '.heatmap.png.meta.json', 'a.meta.json']) {
      expect(await code(a.write('rec-1', key, Buffer.from('x'), { mime: 'image/png' })), key).toBe('VALIDATION');
      expect(await code(a.read('rec-1', key)), key).toBe('VALIDATION');
    }
    for (const id of ['..', '../x', 'a/b', '', '.']) {
      expect(await code(a.read(id, 'k.png')), id).toBe('VALIDATION');
      expect(await code(a.remove(id)), id).toBe('VALIDATION');
    }
    expect(await code(a.write('rec-1', 'k.png', Buffer.from('x'), { mime: 'text/html; charset=utf-8' }))).toBe('VALIDATION');
    expect(fs.readFileSync(outside, 'utf8')).toBe('secret');
  });

  it('does not follow a symlink planted in a record folder', async () => {
    const { a, dir } = store();
    await a.write('rec-1', 'ok.png', Buffer.from('x'), { mime: 'image/png' });
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'artifacts', 'rec-1', 'link.png'));
    expect(await code(a.read('rec-1', 'link.png'))).toBe('NOT_FOUND');
  });
});
