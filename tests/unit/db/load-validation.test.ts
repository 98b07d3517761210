/**
 * Documents that parse but break their collection's schema are set aside at load, like
 * damaged lines: kept in a quarantine file (the exact original lines) with a backup of the
 * file as found, kept out of memory and indexes, and named in the repair report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import { repairAuditDetails } from '../../../src-main/core/db/datafile-repair';
import { SCHEMA_VERSION } from '../../../src-main/core/db/migrations';
import { Store } from '../../../src-main/core/db/store';
import { createLogger } from '../../../src-main/core/log/logger';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import { TEST_PASSWORD, signIn, tempDir, testCore } from '../../helpers/core';
import { datafileLines, editDocLine, sideFiles, userDoc } from '../../helpers/datafiles';
import { makeDetection } from '../../helpers/detections';
import { code } from '../../helpers/error-code';

const log = createLogger('test', { level: 'error', sink: () => undefined });
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(dataDir?: string): Promise<{ core: Core; dir: string }> {
  const t = await testCore(dataDir ? { dataDir } : {});
  cleanups.push(dataDir ? () => t.core.close() : t.cleanup);
  return { core: t.core, dir: t.dir };
}

const dbFile = (dir: string, name: string) => path.join(dir, 'db', `${name}.db`);

describe('documents that fail their schema at load', () => {
  it('a detections row with createdAt:12 is set aside: history and stats work for everyone, the row is rebuilt from its body', async () => {
    const { core, dir } = await open();
    const admin = await signIn(core, 'admin');
    const user = await signIn(core, 'user');
    const mine = (name: string) => makeDetection({ ownerId: user.userId, ownerName: user.username, file: { ...makeDetection().file, name } });
    const a = await core.detections.insert(mine('a.jpg'));
    const b = await core.detections.insert(mine('b.jpg'));
    const c = await core.detections.insert(mine('c.jpg'));
    await core.close();
    const file = dbFile(dir, 'detections');
    const bad = { createdAt: 12, verdict: 'x', faces: {} };
    const ea = editDocLine(file, a.id, (d) => ({ ...d, ...bad }));
    const eb = editDocLine(file, b.id, (d) => ({ ...d, ...bad }));
    // b cannot be rebuilt: its body is gone too.
    fs.rmSync(path.join(dir, 'records', `${b.id}.json`));
    const asFound = fs.readFileSync(file, 'utf8');

    const { core: c2 } = await open(dir);
    const d = createAppDispatcher(c2);
    for (const who of ['admin', 'user'] as const) {
      const s = await signIn(c2, who);
      const stats = await d.invoke(s.senderId, 'stats:dashboard', {});
      expect(stats.ok, JSON.stringify(stats)).toBe(true);
      const list = await d.invoke(s.senderId, 'history:list', {});
      if (!list.ok) throw new Error(list.error.message);
      const items = (list.value as { items: { id: string; createdAt: unknown }[] }).items;
      expect(items.map((i) => i.id).sort()).toEqual([a.id, c.id].sort());
      for (const i of items) expect(typeof i.createdAt).toBe('string');
    }
    // a's row was rebuilt from its (valid) body with the real date.
    expect((await c2.detections.list({}, admin)).items.find((i) => i.id === a.id)?.createdAt).toBe(a.createdAt);
    expect(await c2.db.detections.findOne({ createdAt: 12 } as never)).toBeNull();

    const r = c2.db.repairs.find((x) => x.file === file)!;
    expect(r).toMatchObject({ tornTail: false, corruptLines: [] });
    expect(r.invalidDocuments.map((x) => [x.id, x.lines])).toEqual([
      [a.id, [ea.line]],
      [b.id, [eb.line]],
    ].sort((x, y) => (x[1] as number[])[0]! - (y[1] as number[])[0]!));
    const reasons = r.invalidDocuments[0]!.reasons.join('\n');
    expect(reasons).toMatch(/createdAt/);
    expect(reasons).toMatch(/verdict|faces/);
    // The quarantine holds exactly the original lines; the backup is the file as found.
    const lines = [ea, eb].sort((x, y) => x.line - y.line).map((e) => e.replaced);
    expect(fs.readFileSync(r.quarantine!, 'utf8')).toBe(lines.join('\n') + '\n');
    expect(fs.readFileSync(r.backup!, 'utf8')).toBe(asFound);
    expect(datafileLines(file).some((l) => l.includes('"createdAt":12'))).toBe(false);
    // Audited as today's repairs are (the record re-indexed from its body too).
    expect(c2.audit.list({ action: 'store.repaired' }).items.map((e) => e.target)).toEqual(expect.arrayContaining([file, 'records']));
    const records = c2.audit.list({ action: 'store.repaired' }).items.find((e) => e.target === 'records')!;
    expect(records.details.reindexed).toEqual([`${a.id} (a.jpg)`]);
  });

  it('a users document with role "root" is set aside: that sign-in is refused as unknown, everyone else signs in and writes', async () => {
    const { core, dir } = await open();
    await signIn(core, 'admin');
    const user = await signIn(core, 'user');
    await core.close();
    const e = editDocLine(dbFile(dir, 'users'), user.userId, (d) => ({ ...d, role: 'root' }));

    const { core: c2 } = await open(dir);
    expect(await code(c2.auth.login('w1', 'user1', TEST_PASSWORD))).toBe('BAD_CREDENTIALS');
    expect(await code(c2.auth.login('w2', 'admin1', TEST_PASSWORD))).toBe('resolved');
    expect(await c2.db.users.findOne({ _id: user.userId })).toBeNull();
    const r = c2.db.repairs[0]!;
    expect(r.invalidDocuments).toEqual([{ id: user.userId, lines: [e.line], reasons: [expect.stringMatching(/^role: /)] }]);
    expect(fs.readFileSync(r.quarantine!, 'utf8')).toBe(e.replaced + '\n');
    expect(await c2.db.usersWereSetAside()).toBe(true);
    // The username is free again; writes to the users collection work.
    const admin = await signIn(c2, 'admin');
    await c2.auth.createUser(admin, { username: 'user1', role: 'user', password: TEST_PASSWORD });
  });

  it('a users line replaced by {"_id":"x1"} is set aside, and the store says users were set aside (now and at later opens)', async () => {
    const { core, dir } = await open();
    const chief = await signIn(core, 'admin', 'w-chief', 'chief');
    const second = await signIn(core, 'admin', 'w-second', 'second');
    await core.close();
    const file = dbFile(dir, 'users');
    const e = editDocLine(file, chief.userId, () => ({ _id: 'x1' }));

    const { core: c2 } = await open(dir);
    expect(await c2.db.users.findOne({ _id: 'x1' })).toBeNull();
    expect(await c2.auth.count()).toBe(1);
    expect(await code(c2.auth.login('w1', 'chief', TEST_PASSWORD))).toBe('BAD_CREDENTIALS');
    expect(await code(c2.auth.login('w2', 'second', TEST_PASSWORD))).toBe('resolved');
    expect(second.role).toBe('admin');
    const r = c2.db.repairs[0]!;
    expect(r.invalidDocuments).toHaveLength(1);
    expect(r.invalidDocuments[0]).toMatchObject({ id: 'x1', lines: [e.line] });
    expect(r.invalidDocuments[0]!.reasons.join('\n')).toMatch(/username/);
    expect(fs.readFileSync(r.quarantine!, 'utf8')).toBe('{"_id":"x1"}\n');
    expect(await c2.db.usersWereSetAside()).toBe(true);
    expect(await c2.db.users.wereDocumentsSetAside()).toBe(true);
    expect(await c2.db.quarantineFiles('users')).toEqual([r.quarantine]);
    expect(await c2.db.detections.wereDocumentsSetAside()).toBe(false);
    await c2.close();
    // Later opens find nothing new to repair, and still report the earlier set-aside.
    const { core: c3 } = await open(dir);
    expect(c3.db.repairs).toEqual([]);
    expect(await c3.db.usersWereSetAside()).toBe(true);
  });

  it('names what was set aside in the repair report and its audit details', async () => {
    const { core, dir } = await open();
    const user = await signIn(core, 'user');
    await core.close();
    const file = dbFile(dir, 'users');
    const e = editDocLine(file, user.userId, (d) => ({ ...d, failedAttempts: -3, passwordHash: 'plaintext' }));
    fs.appendFileSync(file, 'not json\n');
    const { core: c2 } = await open(dir);
    const r = c2.db.repairs[0]!;
    const junk = datafileLines(r.backup!).indexOf('not json') + 1;
    expect(r).toEqual({
      file,
      tornTail: false,
      corruptLines: [junk],
      invalidDocuments: [{ id: user.userId, lines: [e.line], reasons: [expect.stringMatching(/^passwordHash: not a bcrypt hash/), expect.stringMatching(/^failedAttempts: /)] }],
      quarantine: expect.stringMatching(/users\.db\.quarantine-/),
      backup: expect.stringMatching(/users\.db\.corrupt-.*\.bak$/),
    });
    // Both kinds in one quarantine file, in file order, exactly as found.
    expect(fs.readFileSync(r.quarantine!, 'utf8')).toBe([e.replaced, 'not json'].join('\n') + '\n');
    expect(repairAuditDetails(r)).toEqual({
      tornTail: false,
      corruptLines: [junk],
      invalidDocuments: [{ id: user.userId, lines: [e.line], reasons: r.invalidDocuments[0]!.reasons }],
      quarantine: r.quarantine,
      backup: r.backup,
    });
    // The reasons never carry the stored values (a password hash must not reach the audit log).
    expect(JSON.stringify(repairAuditDetails(r))).not.toContain('plaintext');
    const entry = c2.audit.list({ action: 'store.repaired' }).items.find((x) => x.target === file)!;
    expect(entry.details).toMatchObject({ corruptLines: [junk], backup: r.backup });
  });
});

describe('what load validation sets aside in a datafile', () => {
  const user = (id: string, username: string, o: Record<string, unknown> = {}) => JSON.stringify(userDoc(id, username, o));

  it('sets aside every version of a document whose latest version fails (no older version comes back), lines without _id, and duplicates of a unique key', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    fs.mkdirSync(path.join(t.dir, 'db'));
    const lines = [
      user('u1', 'alice', { role: 'admin' }), // 1: an older, valid version …
      user('u1', 'alice', { role: 'root' }), // 2: … superseded by an invalid one
      '{"foo":1}', // 3: nedb would drop this silently
      user('u2', 'bob'), // 4, 5: one username twice: which is genuine cannot be told
      user('u3', 'Bob'),
      user('u4', 'dan'), // 6, 7: deleted: nothing is loaded, nothing to report
      '{"$$deleted":true,"_id":"u4"}',
      user('u5', 'eve', { role: 'root' }), // 8, 9: an invalid version, deleted after
      '{"$$deleted":true,"_id":"u5"}',
      user('u6', 'carol'), // 10
      '{"$$indexCreated":{"fieldName":"usernameKey","unique":true}}', // 11
    ];
    const file = path.join(t.dir, 'db', 'users.db');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const s = await Store.open({ dataDir: t.dir, log, compactEveryMs: null });
    cleanups.push(() => s.close());
    expect((await s.users.find({})).map((u) => u._id)).toEqual(['u6']);
    const r = s.repairs[0]!;
    expect(r.invalidDocuments.map((d) => [d.id, d.lines])).toEqual([
      ['u1', [1, 2]],
      [null, [3]],
      ['u2', [4]],
      ['u3', [5]],
    ]);
    expect(r.invalidDocuments[2]!.reasons).toEqual(['usernameKey: "bob" is shared by u2, u3 (unique)']);
    expect(fs.readFileSync(r.quarantine!, 'utf8')).toBe(lines.slice(0, 5).join('\n') + '\n');
    expect(datafileLines(file).some((l) => l.includes('"u1"'))).toBe(false);
    expect(await s.usersWereSetAside()).toBe(true);
  });

  it('checks an older store as it will be once migrated (legacy rows without usernameKey still load)', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    fs.mkdirSync(path.join(t.dir, 'db'));
    const legacy = JSON.parse(user('u1', 'Carol')) as Record<string, unknown>;
    delete legacy.usernameKey;
    const broken = JSON.parse(user('u2', 'Dora', { role: 'root' })) as Record<string, unknown>;
    delete broken.usernameKey;
    fs.writeFileSync(path.join(t.dir, 'db', 'users.db'), `${JSON.stringify(legacy)}\n${JSON.stringify(broken)}\n`);
    const s = await Store.open({ dataDir: t.dir, log, compactEveryMs: null });
    cleanups.push(() => s.close());
    expect((await s.users.find({})).map((u) => [u._id, u.usernameKey])).toEqual([['u1', 'carol']]);
    expect(s.repairs[0]!.invalidDocuments.map((d) => d.id)).toEqual(['u2']);
  });

  it('refuses a newer store untouched even when its documents carry fields this build does not know', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = path.join(t.dir, 'db');
    fs.mkdirSync(db);
    fs.writeFileSync(path.join(db, 'meta.db'), JSON.stringify({ _id: 'schema', version: SCHEMA_VERSION + 1, migratedAt: new Date().toISOString(), history: [], newField: 1 }) + '\n');
    fs.writeFileSync(path.join(db, 'users.db'), user('u1', 'zed', { futureField: true }) + '\n');
    const before = fs.readdirSync(db).sort();
    const usersBefore = fs.readFileSync(path.join(db, 'users.db'), 'utf8');
    const err = await Store.open({ dataDir: t.dir, log, compactEveryMs: null }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/newer MediaGuard/) });
    expect(fs.readdirSync(db).sort()).toEqual(before);
    expect(fs.readFileSync(path.join(db, 'users.db'), 'utf8')).toBe(usersBefore);
    expect(sideFiles(path.join(db, 'users.db'))).toEqual({ quarantine: [], backups: [] });
  });
});
