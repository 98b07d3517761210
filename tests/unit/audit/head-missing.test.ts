/**
 * The audit log's head record (the last entry appended) is what shows entries cut from the
 * end of the log. Deleting it with the tail must not go unnoticed: at the next start the core
 * writes audit.head_missing into the chain, and verification reports it from then on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signIn, testCore } from '../../helpers/core';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('audit head record', () => {
  it('a new data folder has its head before the first entry; deleting it is recorded in the chain at the next start', async () => {
    const t = await testCore();
    cleanups.push(t.cleanup);
    const head = t.core.audit.headFile;
    expect(JSON.parse(fs.readFileSync(head, 'utf8'))).toMatchObject({ seq: expect.any(Number) });
    await signIn(t.core, 'admin');
    for (let i = 0; i < 3; i++) await t.core.audit.append({ actor: null, action: 'settings.changed', details: { i } });
    expect((await t.core.audit.verify()).ok).toBe(true);
    await t.core.close();

    // A clean restart writes nothing of the kind.
    const t1 = await testCore({ dataDir: t.dir });
    expect(t1.core.audit.list({ action: 'audit.head_missing' }).total).toBe(0);
    expect((await t1.core.audit.verify()).ok).toBe(true);
    await t1.core.close();

    // Cut the last entry and delete the head with it.
    const log = path.join(path.dirname(head), 'activity_logs.jsonl');
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(log, lines.slice(0, -1).join('\n') + '\n');
    fs.rmSync(head);
    const t2 = await testCore({ dataDir: t.dir });
    cleanups.push(() => t2.core.close());
    const [mark] = t2.core.audit.list({ action: 'audit.head_missing' }).items;
    expect(mark).toMatchObject({ actorId: null, details: { lastSeq: lines.length - 1, file: 'activity_logs.head.json' } });
    const v = await t2.core.audit.verify();
    expect(v.ok).toBe(false);
    expect(v.breaks).toEqual([expect.objectContaining({ seq: mark!.seq, kind: 'head-missing' })]);
  });
});
