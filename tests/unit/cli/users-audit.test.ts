import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/main';
import { cliCoreDefaults } from '../../../src-main/cli/context';
import { rewriteAuditLog } from '../../helpers/audit-rewrite';
import { tempDir, testCore } from '../../helpers/core';
import { testIo as io } from '../../helpers/cli-io';

const PW = 'correct-horse-42';
const cleanups: (() => void)[] = [];
beforeAll(() => {
  cliCoreDefaults.bcryptCost = 4;
  cliCoreDefaults.compactEveryMs = null;
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dataDir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

async function cli(dir: string, args: string[], env: Record<string, string> = {}, answers: (string | null)[] = []) {
  const i = io(env, answers);
  const code = await runCli([...args, '--data-dir', dir], i);
  return { code, out: i.out, err: i.err, prompts: i.prompts };
}

async function withAdmin(): Promise<string> {
  const dir = dataDir();
  const r = await cli(dir, ['users', 'create-admin', 'chief'], { MEDIAGUARD_NEW_PASSWORD: PW });
  expect(r.code, r.err).toBe(0);
  return dir;
}

const asChief = { MEDIAGUARD_PASSWORD: PW };

describe('mediaguard users', () => {
  it('creates the first admin once, from the env var or a prompt asked twice', async () => {
    const dir = dataDir();
    expect((await cli(dir, ['users', 'create-admin', 'chief'])).code).toBe(1);
    const r = await cli(dir, ['users', 'create-admin', 'chief'], {}, [PW, PW]);
    expect(r.code, r.err).toBe(0);
    expect(r.prompts).toHaveLength(2);
    const again = await cli(dir, ['users', 'create-admin', 'other'], { MEDIAGUARD_NEW_PASSWORD: PW });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exist/);
  });

  it('refuses mismatched prompts and weak passwords', async () => {
    const dir = dataDir();
    expect((await cli(dir, ['users', 'create-admin', 'chief'], {}, [PW, PW + 'x'])).err).toMatch(/differ/);
    const weak = await cli(dir, ['users', 'create-admin', 'chief'], { MEDIAGUARD_NEW_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/too short/);
  });

  it('adds, lists, changes roles, resets passwords — only as an admin', async () => {
    const dir = await withAdmin();
    const add = await cli(dir, ['users', 'add', 'ivy', '--role', 'investigator', '--as', 'chief'], { ...asChief, MEDIAGUARD_NEW_PASSWORD: 'temp-pass-word-1' });
    expect(add.code, add.err).toBe(0);
    const dup = await cli(dir, ['users', 'add', 'IVY', '--role', 'user', '--as', 'chief'], { ...asChief, MEDIAGUARD_NEW_PASSWORD: PW });
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/already taken/);
    const list = await cli(dir, ['users', 'list', '--as', 'chief'], asChief);
    expect(list.out).toMatch(/chief\s+admin/);
    expect(list.out).toMatch(/ivy\s+investigator.*must change password/);
    const json = JSON.parse((await cli(dir, ['users', 'list', '--json', '--as', 'chief'], asChief)).out) as { username: string }[];
    expect(json.map((u) => u.username)).toEqual(['chief', 'ivy']);
    expect((await cli(dir, ['users', 'set-role', 'ivy', 'admin', '--as', 'chief'], asChief)).code).toBe(0);
    expect((await cli(dir, ['users', 'set-role', 'ivy', 'root', '--as', 'chief'], asChief)).code).toBe(1);
    expect((await cli(dir, ['users', 'set-role', 'nobody', 'user', '--as', 'chief'], asChief)).err).toMatch(/No account named nobody/);
    expect((await cli(dir, ['users', 'reset-password', 'ivy', '--as', 'chief'], { ...asChief, MEDIAGUARD_NEW_PASSWORD: 'fresh-temp-pw-3' })).code).toBe(0);
    // ivy must change the temporary password before acting from the CLI.
    const ivy = await cli(dir, ['users', 'list', '--as', 'ivy'], { MEDIAGUARD_PASSWORD: 'fresh-temp-pw-3' });
    expect(ivy.code).toBe(3);
    expect(ivy.err).toMatch(/must choose a new password/);
  });

  it('needs --as, the right password and the admin role (exit 3)', async () => {
    const dir = await withAdmin();
    const none = await cli(dir, ['users', 'list']);
    expect(none.code).toBe(3);
    expect(none.err).toMatch(/--as/);
    const noPw = await cli(dir, ['users', 'list', '--as', 'chief']);
    expect(noPw.code).toBe(3);
    expect(noPw.err).toMatch(/MEDIAGUARD_PASSWORD/);
    expect((await cli(dir, ['users', 'list', '--as', 'chief'], {}, [PW])).code).toBe(0);
    expect((await cli(dir, ['users', 'list', '--as', 'chief'], { MEDIAGUARD_PASSWORD: 'wrong-password-1' })).code).toBe(3);
    // A non-admin is refused.
    const { core, cleanup } = await testCore({ dataDir: dir });
    const chief = await core.auth.loginSession('t', 'chief', PW, 'test');
    const u = await core.auth.createUser(chief, { username: 'ursula', role: 'user', password: PW });
    await core.db.users.mutate({ _id: u.id }, (d) => ({ ...d, mustChangePassword: false }));
    await core.close();
    void cleanup;
    const r = await cli(dir, ['users', 'list', '--as', 'ursula'], asChief);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/needs one of: admin/);
  });

  it('counts CLI logins toward the same lockout, and an admin unlocks', async () => {
    const dir = await withAdmin();
    await cli(dir, ['users', 'add', 'ivy', '--role', 'admin', '--as', 'chief'], { ...asChief, MEDIAGUARD_NEW_PASSWORD: 'temp-pass-word-1' });
    for (let i = 0; i < 4; i++) expect((await cli(dir, ['users', 'list', '--as', 'chief'], { MEDIAGUARD_PASSWORD: 'wrong-password-1' })).err).toMatch(/Wrong username or password/);
    const locked = await cli(dir, ['users', 'list', '--as', 'chief'], { MEDIAGUARD_PASSWORD: 'wrong-password-1' });
    expect(locked.code).toBe(3);
    expect(locked.err).toMatch(/locked for 30 minutes/);
    const still = await cli(dir, ['users', 'list', '--as', 'chief'], asChief);
    expect(still.err).toMatch(/Try again in 30 minutes|Try again in 29 minutes/);
    // ivy (an admin, after setting her own password) unlocks chief.
    const { core } = await testCore({ dataDir: dir });
    const s = await core.auth.loginSession('t', 'ivy', 'temp-pass-word-1', 'test');
    await core.auth.changePassword('t', s, 'temp-pass-word-1', 'hers-own-secret-2');
    await core.close();
    expect((await cli(dir, ['users', 'unlock', 'chief', '--as', 'ivy'], { MEDIAGUARD_PASSWORD: 'hers-own-secret-2' })).code).toBe(0);
    expect((await cli(dir, ['users', 'list', '--as', 'chief'], asChief)).code).toBe(0);
  });

  it('rejects bad usage with exit 2', async () => {
    const dir = dataDir();
    expect((await cli(dir, ['users'])).code).toBe(2);
    expect((await cli(dir, ['users', 'frob'])).code).toBe(2);
    expect((await cli(dir, ['users', 'add'])).code).toBe(2);
    expect((await cli(dir, ['users', 'list', '--bogus'])).code).toBe(2);
  });

  it('reports a data dir in use by another process clearly', async () => {
    const dir = await withAdmin();
    fs.writeFileSync(path.join(dir, '.mediaguard.lock'), `${process.ppid}\n`);
    const r = await cli(dir, ['users', 'list', '--as', 'chief'], asChief);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/in use by another MediaGuard process/);
    fs.rmSync(path.join(dir, '.mediaguard.lock'));
  });
});

describe('mediaguard audit', () => {
  async function withLog(): Promise<string> {
    const dir = await withAdmin();
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) {
      await cli(dir, ['users', 'add', `user-${name}`, '--role', 'user', '--as', 'chief'], { ...asChief, MEDIAGUARD_NEW_PASSWORD: PW });
    }
    return dir;
  }
  const logFile = (dir: string) => path.join(dir, 'db', 'activity_logs.jsonl');
  const readLines = (dir: string) => fs.readFileSync(logFile(dir), 'utf8').split('\n').filter(Boolean);
  const writeLines = (dir: string, ls: string[]) => fs.writeFileSync(logFile(dir), ls.join('\n') + '\n');

  it('verifies an intact log (exit 0) and needs an admin', async () => {
    const dir = await withLog();
    const r = await cli(dir, ['audit', 'verify', '--as', 'chief'], asChief);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Audit log intact: \d+ entries/);
    expect((await cli(dir, ['audit', 'verify'])).code).toBe(3);
  });

  it('names each edited, deleted and reordered entry and exits 4', async () => {
    const dir = await withLog();
    const ls = readLines(dir);
    expect(ls.length).toBeGreaterThanOrEqual(10);
    // Edit entry 3, delete entry 6, swap entries 8 and 9.
    ls[2] = ls[2]!.replace(/"target":"[^"]*"/, '"target":"someone-else"');
    const tampered = [...ls.slice(0, 5), ...ls.slice(6, 7), ls[8]!, ls[7]!, ...ls.slice(9)];
    writeLines(dir, tampered);
    const r = await cli(dir, ['audit', 'verify', '--json', '--as', 'chief'], asChief);
    expect(r.code).toBe(4);
    const v = JSON.parse(r.out) as { ok: boolean; breaks: { seq: number; kind: string }[] };
    expect(v.ok).toBe(false);
    expect(v.breaks.map((b) => [b.seq, b.kind])).toEqual([
      [3, 'hash-mismatch'],
      [6, 'missing'],
      [8, 'reordered'],
    ]);
    const text = await cli(dir, ['audit', 'verify', '--as', 'chief'], asChief);
    expect(text.code).toBe(4);
    expect(text.out).toMatch(/entry 3: hash-mismatch: Entry 3 .* was modified/);
    expect(text.out).toMatch(/entry 6: missing: Entry 6 is missing/);
    expect(text.out).toMatch(/entry 8: reordered: Entry 8 .* is stored after entry 9/);
  });

  it('notices entries cut from the end of the log', async () => {
    const dir = await withLog();
    const ls = readLines(dir);
    writeLines(dir, ls.slice(0, -2));
    const r = await cli(dir, ['audit', 'verify', '--json', '--as', 'chief'], asChief);
    expect(r.code).toBe(4);
    // The verifying login itself is appended after the gap, with the next number.
    const v = JSON.parse(r.out) as { breaks: { seq: number; kind: string; message: string }[] };
    const n = ls.length;
    expect(v.breaks).toEqual([expect.objectContaining({ seq: n - 1, kind: 'missing', message: `Entries ${n - 1}–${n} are missing: they were deleted.` })]);
  });

  it('--anchor: a log rewritten with every hash redone verifies on its own, but not against an anchor taken before', async () => {
    const dir = await withLog();
    const entries = readLines(dir).map((l) => JSON.parse(l) as { seq: number; hash: string });
    const anchor = `${entries[6]!.seq}:${entries[6]!.hash}`;
    const good = await cli(dir, ['audit', 'verify', '--anchor', anchor, '--as', 'chief'], asChief);
    expect(good.code, good.err).toBe(0);
    expect(good.out).toMatch(new RegExp(`holds anchor entry ${entries[6]!.seq} as recorded`));
    // It also prints the newest entry as an anchor to keep (the verifying login is the newest).
    const newest = readLines(dir).map((l) => JSON.parse(l) as { seq: number; hash: string }).pop()!;
    expect(good.out).toContain(`newest entry (keep elsewhere; check later with --anchor): ${newest.seq}:${newest.hash}`);
    const out = path.join(dir, 'copy.jsonl');
    expect((await cli(dir, ['audit', 'export', '--out', out, '--as', 'chief'], asChief)).code).toBe(0);
    expect((await cli(dir, ['audit', 'verify', '--file', out, '--anchor', anchor])).code).toBe(0);

    rewriteAuditLog(path.join(dir, 'db'), (e) => e.seq === 3);
    const plain = await cli(dir, ['audit', 'verify', '--as', 'chief'], asChief);
    expect(plain.code, plain.out).toBe(0);
    const r = await cli(dir, ['audit', 'verify', '--json', '--anchor', anchor.toUpperCase(), '--as', 'chief'], asChief);
    expect(r.code).toBe(4);
    const v = JSON.parse(r.out) as { ok: boolean; anchor: { matches: boolean; found: string }; breaks: { seq: number; kind: string; message: string }[] };
    expect(v.anchor).toMatchObject({ seq: entries[6]!.seq, hash: entries[6]!.hash, matches: false, found: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(v.breaks).toEqual([expect.objectContaining({ seq: entries[6]!.seq, kind: 'anchor-mismatch', message: expect.stringMatching(/the log was rewritten after that record was made/) })]);
    // The exported copy from before the rewrite still holds it: the copy and the anchor agree, the live log does not.
    expect((await cli(dir, ['audit', 'verify', '--file', out, '--anchor', anchor])).code).toBe(0);

    for (const bad of ['7', `7:${'g'.repeat(64)}`, `0:${'a'.repeat(64)}`]) {
      const u = await cli(dir, ['audit', 'verify', '--anchor', bad, '--as', 'chief'], asChief);
      expect(u.code, bad).toBe(2);
      expect(u.err).toMatch(/--anchor takes <entry number>:<64 hex digits>/);
    }
    expect((await cli(dir, ['audit', 'export', '--out', path.join(dir, 'x.jsonl'), '--anchor', anchor, '--as', 'chief'], asChief)).code).toBe(2);
  });

  it('exports a verifiable copy, refuses to overwrite, and audits the export', async () => {
    const dir = await withLog();
    const out = path.join(dir, 'export.jsonl');
    const r = await cli(dir, ['audit', 'export', '--out', out, '--as', 'chief'], asChief);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Exported \d+ entries/);
    expect((await cli(dir, ['audit', 'verify', '--file', out])).code).toBe(0);
    expect((await cli(dir, ['audit', 'export', '--out', out, '--as', 'chief'], asChief)).err).toMatch(/already exists/);
    expect((await cli(dir, ['audit', 'export', '--as', 'chief'], asChief)).code).toBe(2);
    const lines = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(out, lines.slice(1).join('\n') + '\n');
    expect((await cli(dir, ['audit', 'verify', '--file', out])).code).toBe(4);
    const after = readLines(dir).map((l) => JSON.parse(l) as { action: string });
    expect(after.some((e) => e.action === 'audit.exported')).toBe(true);
  });
});
