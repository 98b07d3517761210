import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Collection } from '../../../src-main/core/db/collection';
import { Store } from '../../../src-main/core/db/store';
import { SCHEMA_VERSION } from '../../../src-main/core/db/migrations';
import { createLogger } from '../../../src-main/core/log/logger';
import { AppError } from '../../../src-shared/result';
import { tempDir, testCore } from '../../helpers/core';
import { code } from '../../helpers/error-code';
import { userDoc } from '../../helpers/datafiles';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const log = createLogger('test', { level: 'error', sink: () => undefined });
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

async function open(d: string): Promise<Store> {
  const s = await Store.open({ dataDir: d, log, compactEveryMs: null });
  cleanups.push(() => s.close());
  return s;
}

describe('store', () => {
  it('records the schema version on a fresh store and creates the indexes', async () => {
    const s = await open(dir());
    expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
    const raw = fs.readFileSync(s.users.file, 'utf8');
    expect(raw).toContain('"fieldName":"usernameKey","unique":true');
    const det = fs.readFileSync(s.detections.file, 'utf8');
    for (const f of ['ownerId', 'createdAt', 'sha256', 'band']) expect(det).toContain(`"fieldName":"${f}"`);
  });

  it('enforces unique usernames case-insensitively with CONFLICT', async () => {
    const s = await open(dir());
    await s.users.insert(userDoc('u1', 'Alice'));
    expect(await code(s.users.insert(userDoc('u2', 'alice')))).toBe('CONFLICT');
    expect(await s.users.count()).toBe(1);
  });

  it('refuses documents that break the schema and stores nothing', async () => {
    const s = await open(dir());
    expect(await code(s.users.insert({ ...userDoc('u1', 'bob'), role: 'root' as never }))).toBe('VALIDATION');
    expect(await code(s.users.insert({ ...userDoc('u1', 'bob'), passwordHash: 'plaintext' }))).toBe('VALIDATION');
    expect(await code(s.users.insert({ ...userDoc('u1', 'bob'), extra: 1 } as never))).toBe('VALIDATION');
    expect(await s.users.count()).toBe(0);
    await s.users.insert(userDoc('u1', 'bob'));
    expect(await code(s.users.mutate({ _id: 'u1' }, (d) => ({ ...d, failedAttempts: -1 })))).toBe('VALIDATION');
    expect((await s.users.findOne({ _id: 'u1' }))?.failedAttempts).toBe(0);
  });

  it('migrates an unversioned store (derives missing keys) and records the step', async () => {
    const d = dir();
    fs.mkdirSync(path.join(d, 'db'));
    const legacy = { ...userDoc('u1', 'Carol') } as Record<string, unknown>;
    delete legacy.usernameKey;
    fs.writeFileSync(path.join(d, 'db', 'users.db'), JSON.stringify(legacy) + '\n');
    const s = await open(d);
    expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
    expect((await s.users.findOne({ _id: 'u1' }))?.usernameKey).toBe('carol');
    const meta = await s.meta.findOne({ _id: 'schema' });
    expect(meta?.history).toEqual([expect.objectContaining({ from: 0, to: 1 })]);
    expect(await code(s.users.insert(userDoc('u2', 'CAROL')))).toBe('CONFLICT');
  });

  it('refuses a store written by a newer schema version without touching it', async () => {
    const d = dir();
    fs.mkdirSync(path.join(d, 'db'));
    const metaLine = JSON.stringify({ _id: 'schema', version: SCHEMA_VERSION + 1, migratedAt: new Date().toISOString(), history: [] }) + '\n';
    fs.writeFileSync(path.join(d, 'db', 'meta.db'), metaLine);
    const err = await Store.open({ dataDir: d, log, compactEveryMs: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/newer MediaGuard/);
    expect(fs.readFileSync(path.join(d, 'db', 'meta.db'), 'utf8')).toContain(`"version":${SCHEMA_VERSION + 1}`);
    // The failed open released the lock.
    await open(d).catch(() => undefined);
  });

  it('trims a torn final line, keeps the original aside, and keeps every complete record', async () => {
    const d = dir();
    let s = await open(d);
    await s.users.insert(userDoc('u1', 'dave'));
    await s.users.insert(userDoc('u2', 'erin'));
    await s.close();
    const file = path.join(d, 'db', 'users.db');
    fs.appendFileSync(file, JSON.stringify(userDoc('u3', 'frank')).slice(0, 40));
    s = await open(d);
    expect((await s.users.find({})).map((u) => u._id).sort()).toEqual(['u1', 'u2']);
    expect(s.repairs).toEqual([expect.objectContaining({ tornTail: true, corruptLines: [] })]);
    expect(fs.readFileSync(s.repairs[0]!.backup!, 'utf8')).toContain('"frank'.slice(0, 3));
    await s.users.insert(userDoc('u3', 'frank'));
    expect(await s.users.count()).toBe(3);
  });

  it('quarantines corrupt lines instead of refusing to start or dropping them silently', async () => {
    const d = dir();
    let s = await open(d);
    await s.users.insert(userDoc('u1', 'gina'));
    await s.close();
    const file = path.join(d, 'db', 'users.db');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.splice(0, 0, '{"_id":"u9","username":"garbl', 'not json at all');
    fs.writeFileSync(file, lines.join('\n'));
    s = await open(d);
    expect(await s.users.count()).toBe(1);
    const r = s.repairs[0]!;
    expect(r.corruptLines).toEqual([1, 2]);
    expect(fs.readFileSync(r.backup!, 'utf8')).toContain('not json at all');
    const q = fs.readdirSync(path.join(d, 'db')).find((n) => n.startsWith('users.db.quarantine-'));
    expect(q && fs.readFileSync(path.join(d, 'db', q), 'utf8')).toContain('not json at all');
  });

  it('records a repair in the audit log when the core opens', async () => {
    const { core, dir: d, cleanup } = await testCore();
    await core.close();
    fs.appendFileSync(path.join(d, 'db', 'users.db'), '{"_id":"torn');
    const { core: c2, cleanup: cl2 } = await testCore({ dataDir: d });
    cleanups.push(cl2, cleanup);
    expect(c2.audit.list({ action: 'store.repaired' }).total).toBe(1);
  });

  it('allows one process per data dir and takes over a dead owner\'s lock', async () => {
    const d = dir();
    const s = await open(d);
    expect(await code(Store.open({ dataDir: d, log, compactEveryMs: null }))).toBe('CONFLICT');
    await s.close();
    fs.writeFileSync(path.join(d, '.mediaguard.lock'), '999999999\n');
    const s2 = await open(d);
    expect(await s2.users.count()).toBe(0);
  });

  it('refuses another live process\'s lock with its pid', async () => {
    const d = dir();
    fs.writeFileSync(path.join(d, '.mediaguard.lock'), `${process.ppid}\n`);
    const err = await Store.open({ dataDir: d, log, compactEveryMs: null }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('CONFLICT');
    expect((err as AppError).message).toContain(String(process.ppid));
  });

  it('gives READ_ONLY for a data dir it cannot write, and changes nothing (as root, whom modes do not stop: opened by a child running as nobody)', async () => {
    const d = dir();
    let s = await open(d);
    await s.users.insert(userDoc('u1', 'hank'));
    await s.close();
    const before = fs.readFileSync(path.join(d, 'db', 'users.db'), 'utf8');
    const asRoot = process.getuid?.() === 0;
    // Readable and searchable by everyone (the unprivileged child must reach the files), writable by no one but root.
    const mode = asRoot ? 0o555 : 0o500;
    fs.chmodSync(path.join(d, 'db'), mode);
    fs.chmodSync(d, mode);
    try {
      if (asRoot) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'open-store-child.ts'), d], { cwd: ROOT, uid: 65534, gid: 65534, env: { ...process.env, HOME: os.tmpdir() }, encoding: 'utf8' });
        expect(JSON.parse(out.trim()), out).toMatchObject({ code: 'READ_ONLY', message: expect.stringMatching(/the data directory is read-only or not writable \(EACCES\)/) });
      } else {
        expect(await code(Store.open({ dataDir: d, log, compactEveryMs: null }))).toBe('READ_ONLY');
      }
    } finally {
      fs.chmodSync(d, 0o700);
      fs.chmodSync(path.join(d, 'db'), 0o700);
    }
    expect(fs.readFileSync(path.join(d, 'db', 'users.db'), 'utf8')).toBe(before);
    s = await open(d);
    expect(await s.users.count()).toBe(1);
  });

  it('schedules compaction of every collection, and stops it at close', async () => {
    const calls: (number | null)[] = [];
    const spy = vi.spyOn(Collection.prototype, 'setAutocompaction').mockImplementation((ms) => void calls.push(ms));
    try {
      const s = await Store.open({ dataDir: dir(), log, compactEveryMs: 60_000 });
      expect(calls).toEqual([60_000, 60_000, 60_000, 60_000]);
      await s.close();
      expect(calls.slice(4)).toEqual([null, null, null, null]);
    } finally {
      spy.mockRestore();
    }
  });

  it('compacts superseded lines at close', async () => {
    const d = dir();
    const s = await open(d);
    await s.users.insert(userDoc('u1', 'ivan'));
    for (let i = 1; i <= 5; i++) await s.users.mutate({ _id: 'u1' }, (u) => ({ ...u, failedAttempts: i }));
    const lines = () => fs.readFileSync(s.users.file, 'utf8').split('\n').filter((l) => l.includes('"u1"')).length;
    expect(lines()).toBe(6);
    await s.close();
    expect(lines()).toBe(1);
  });
});
