import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import { testCore } from '../../helpers/core';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(): Promise<Core> {
  const t = await testCore();
  cleanups.push(t.cleanup);
  return t.core;
}

const sha = (c: string) => c.repeat(64);

describe('reports repository', () => {
  it('records exported reports, scoped like the records they describe', async () => {
    const c = await open();
    const base = { fileName: 'a.jpg', path: '/out/a.pdf', authorId: 'inv-id', authorName: 'inv' };
    const r1 = await c.reportsRepo.insert({ ...base, detectionId: 'd1', ownerId: 'alice-id', sha256: sha('A'), createdAt: '2026-01-01T00:00:00.000Z' });
    await c.reportsRepo.insert({ ...base, detectionId: 'd2', ownerId: 'bob-id', sha256: sha('b'), createdAt: '2026-01-02T00:00:00.000Z' });
    expect(r1).toMatchObject({ detectionId: 'd1', sha256: sha('a'), authorName: 'inv' });
    expect((await c.reportsRepo.list({ userId: 'alice-id', role: 'user' })).map((r) => r.detectionId)).toEqual(['d1']);
    expect((await c.reportsRepo.list({ userId: 'inv-id', role: 'investigator' })).map((r) => r.detectionId)).toEqual(['d2', 'd1']);
    expect((await c.reportsRepo.list({ userId: 'x', role: 'admin' }, { detectionId: 'd2' })).length).toBe(1);
    await expect(c.reportsRepo.get(r1.id, { userId: 'bob-id', role: 'user' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await c.reportsRepo.get(r1.id, { userId: 'alice-id', role: 'user' })).id).toBe(r1.id);
    expect((await c.reportsRepo.findBySha256(sha('A')))?.id).toBe(r1.id);
    expect(await c.reportsRepo.findBySha256(sha('c'))).toBeNull();
  });

  it('refuses malformed report records', async () => {
    const c = await open();
    const base = { detectionId: 'd1', ownerId: 'o', fileName: 'a.jpg', path: '/out/a.pdf', authorId: 'i', authorName: 'i' };
    await expect(c.reportsRepo.insert({ ...base, sha256: 'nothex' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(c.reportsRepo.insert({ ...base, sha256: sha('a'), path: '' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await c.reportsRepo.list({ userId: 'x', role: 'admin' })).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('keeps the store owner-only (password hashes live there)', async () => {
    const c = await open();
    await c.auth.setup('w', { username: 'chief', password: 'correct-horse-42' });
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(path.join(c.dataDir, 'db'))).toBe(0o700);
    expect(mode(path.join(c.dataDir, 'db', 'users.db'))).toBe(0o600);
    expect(mode(path.join(c.dataDir, 'db', 'activity_logs.jsonl'))).toBe(0o600);
  });
});
