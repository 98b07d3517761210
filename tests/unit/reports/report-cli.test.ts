import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/main';
import { cliCoreDefaults } from '../../../src-main/cli/context';
import type { CliIo } from '../../../src-main/cli/command';
import { tempDir, testCore } from '../../helpers/core';
import { videoDetection } from '../../helpers/report-fixtures';
import { pdfText, stripBidiMarks } from '../../helpers/pdf-tools';

const PW = 'correct-horse-42';
const cleanups: (() => void)[] = [];
beforeAll(() => {
  cliCoreDefaults.bcryptCost = 4;
  cliCoreDefaults.compactEveryMs = null;
  cliCoreDefaults.bundledModels = false;
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

async function cli(dataDir: string, args: string[], env: Record<string, string> = {}) {
  const o = { out: '', err: '' };
  const io: CliIo = { stdout: (t) => (o.out += t), stderr: (t) => (o.err += t), env, promptSecret: async () => null };
  const code = await runCli([...args, '--data-dir', dataDir], io);
  return { code, ...o };
}

/** A data dir with an admin "chief" and one stored video record (no artifacts: the report says so). */
async function setup(): Promise<{ data: string; id: string }> {
  const data = dir();
  expect((await cli(data, ['users', 'create-admin', 'chief'], { MEDIAGUARD_NEW_PASSWORD: PW })).code).toBe(0);
  const { core } = await testCore({ dataDir: data, bundledModels: false });
  const chief = (await core.auth.findByUsername('chief'))!;
  const rec = await core.detections.insert({ ...videoDetection('مقطع الشاهد.mp4', 3, 12), id: '', ownerId: chief.id, ownerName: chief.username });
  await core.close();
  return { data, id: rec.id };
}

describe('mediaguard report', () => {
  it('exports a stored record, refuses to overwrite without --force, and verify tells issued from altered', async () => {
    const { data, id } = await setup();
    const out = path.join(dir(), 'report.pdf');
    const r = await cli(data, ['report', id, '--out', out, '--case', 'CASE-9', '--as', 'chief'], { MEDIAGUARD_PASSWORD: PW });
    expect(r.code, r.err).toBe(0);
    const sha = /sha256 ([0-9a-f]{64})/.exec(r.out)?.[1];
    expect(sha).toBeDefined();
    const text = stripBidiMarks(pdfText(fs.readFileSync(out)));
    expect(text).toContain('مقطع الشاهد');
    expect(text).toContain('CASE-9');

    const again = await cli(data, ['report', id, '--out', out, '--as', 'chief'], { MEDIAGUARD_PASSWORD: PW });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    expect((await cli(data, ['report', id, '--out', out, '--force', '--as', 'chief'], { MEDIAGUARD_PASSWORD: PW })).code).toBe(0);

    const v = await cli(data, ['report', 'verify', out]);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toMatch(/^ISSUED/);
    const json = JSON.parse((await cli(data, ['report', 'verify', out, '--json'])).out) as { issued: boolean; report: { authorName: string } };
    expect(json).toMatchObject({ issued: true, report: { authorName: 'chief' }, chainOk: true, auditEntry: { actorName: 'chief' } });

    const altered = path.join(dir(), 'altered.pdf');
    const bytes = Buffer.from(fs.readFileSync(out));
    bytes[100] = bytes[100]! ^ 0x20;
    fs.writeFileSync(altered, bytes);
    const bad = await cli(data, ['report', 'verify', altered]);
    expect(bad.code).toBe(4);
    expect(bad.out).toMatch(/^NOT CONFIRMED/);
    expect(bad.out).toMatch(/was changed after export/);
  });

  it('checks usage, sign-in and the record id', async () => {
    const { data, id } = await setup();
    const out = path.join(dir(), 'r.pdf');
    expect((await cli(data, ['report', id])).code).toBe(2);
    expect((await cli(data, ['report', '--out', out])).code).toBe(2);
    expect((await cli(data, ['report', 'verify'])).code).toBe(2);
    expect((await cli(data, ['report', id, '--out', out, '--bogus'])).code).toBe(2);
    expect((await cli(data, ['report', id, '--out', out])).code).toBe(3);
    expect((await cli(data, ['report', id, '--out', out, '--as', 'chief'], { MEDIAGUARD_PASSWORD: 'wrong-password-9' })).code).toBe(3);
    const missing = await cli(data, ['report', 'no-such-record', '--out', out, '--as', 'chief'], { MEDIAGUARD_PASSWORD: PW });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/not found/);
    expect(fs.existsSync(out)).toBe(false);
    expect((await cli(data, ['report', 'verify', path.join(dir(), 'none.pdf')])).code).toBe(1);
  });
});
