import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src-main/core/audit/audit-log';
import { canonicalJson, entryHash, GENESIS_HASH, verifyChain } from '../../../src-main/core/audit/chain';
import { createLogger } from '../../../src-main/core/log/logger';
import type { AuditEntry } from '../../../src-shared/domain/audit';
import { tempDir } from '../../helpers/core';

const log = createLogger('test', { level: 'error', sink: () => undefined });
const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function logWith(n: number): Promise<AuditLog> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const a = await AuditLog.open(t.dir, log);
  const actor = { userId: 'u1', username: 'alice' };
  for (let i = 1; i <= n; i++) await a.append({ actor: i % 2 ? actor : null, action: i % 3 ? 'auth.login' : 'record.viewed', target: `t${i}`, details: { i, nested: { b: 1, a: [i] } } });
  return a;
}

const lines = (a: AuditLog) => fs.readFileSync(a.file, 'utf8').split('\n').filter(Boolean);
const write = (a: AuditLog, ls: string[]) => fs.writeFileSync(a.file, ls.join('\n') + '\n');

describe('audit chain', () => {
  it('hashes canonically (key order does not matter)', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('hashes exactly as the first release did (a known entry, and random ones against the plain definition)', () => {
    // verify() recomputes every entry's hash with a hand-unrolled canonical form (see README
    // "Performance"); logs already on disk were hashed with the plain definition below.
    const plain = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      if (Array.isArray(v)) return `[${v.map(plain).join(',')}]`;
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${plain(o[k])}`)
        .join(',')}}`;
    };
    const known = { seq: 42, time: '2026-03-01T12:00:00.000Z', actorId: 'u-7', actorName: 'Zoë "ops" \\ admin', action: 'record.viewed' as const, target: null, details: { z: [3, { b: null, a: 'x\n\u2028' }], a: 1.5, m: { '\u00e9': true, e: -0 } }, prevHash: 'ab'.repeat(32) };
    expect(entryHash(known)).toBe('471a958351fe6fe696d03901d0d6f696485696f500dd69451d58890dd98349dc');
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const str = () => Array.from({ length: rnd(12) }, () => String.fromCharCode([34, 92, 10, 0x2028, 0xd800, 0xe9, 65 + rnd(26)][rnd(7)]!)).join('');
    const value = (depth: number): unknown => {
      switch (rnd(depth > 2 ? 4 : 6)) {
        case 0: return null;
        case 1: return rnd(2) ? rnd(1e6) - 5e5 : rnd(1000) / 7;
        case 2: return str();
        case 3: return rnd(2) === 1;
        case 4: return Array.from({ length: rnd(4) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: rnd(5) }, () => [str(), rnd(6) ? value(depth + 1) : undefined]));
      }
    };
    for (let i = 0; i < 300; i++) {
      const body = { seq: 1 + rnd(1e6), time: str(), actorId: rnd(3) ? str() : null, actorName: rnd(3) ? str() : null, action: 'auth.login' as const, target: rnd(2) ? str() : null, details: value(0) as Record<string, unknown>, prevHash: '0'.repeat(64) };
      expect(canonicalJson(body.details)).toBe(plain(body.details));
      expect(entryHash(body)).toBe(crypto.createHash('sha256').update(plain(body)).digest('hex'));
    }
  });

  it('chains each entry to the one before, starting from the genesis hash', async () => {
    const a = await logWith(5);
    const es = lines(a).map((l) => JSON.parse(l) as AuditEntry);
    expect(es.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(es[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < es.length; i++) expect(es[i]!.prevHash).toBe(es[i - 1]!.hash);
    for (const e of es) {
      const { hash, ...rest } = e;
      expect(entryHash(rest)).toBe(hash);
    }
    const v = await a.verify();
    expect(v).toEqual({ ok: true, entries: 5, breaks: [], headSeq: es[4]!.seq, headHash: es[4]!.hash });
  });

  it('names an edited entry', async () => {
    const a = await logWith(6);
    const ls = lines(a);
    ls[2] = ls[2]!.replace('"target":"t3"', '"target":"tX"');
    write(a, ls);
    const v = await a.verify();
    expect(v.ok).toBe(false);
    expect(v.breaks).toEqual([expect.objectContaining({ seq: 3, kind: 'hash-mismatch' })]);
  });

  it('names an edited entry whose hash was recomputed (the next entry no longer follows it)', async () => {
    const a = await logWith(6);
    const ls = lines(a);
    const e = JSON.parse(ls[3]!) as AuditEntry;
    const forged = { ...e, actorName: 'mallory' };
    const { hash: _h, ...rest } = forged;
    ls[3] = JSON.stringify({ ...rest, hash: entryHash(rest) });
    write(a, ls);
    const v = await a.verify();
    expect(v.breaks).toEqual([expect.objectContaining({ seq: 5, kind: 'prev-mismatch' })]);
    expect(v.breaks[0]!.message).toMatch(/entry 5 does not follow entry 4/i);
  });

  it('names deleted entries, in the middle, at the start and at the end', async () => {
    const a = await logWith(8);
    const ls = lines(a);
    write(a, [ls[1]!, ls[2]!, ls[5]!, ls[6]!]); // drop 1, 4–5 and 8
    const v = await a.verify();
    expect(v.breaks.map((b) => [b.seq, b.kind])).toEqual([
      [1, 'missing'],
      [4, 'missing'],
      [8, 'missing'],
    ]);
    expect(v.breaks[1]!.message).toMatch(/Entries 4–5 are missing/);
    expect(v.breaks[2]!.message).toMatch(/from the end of the log/);
  });

  it('a log cut short with its head record deleted is a break, and stays one after the next start', async () => {
    const a = await logWith(6);
    const dir = path.dirname(a.file);
    write(a, lines(a).slice(0, 4)); // entries 5–6 cut from the end ...
    fs.rmSync(a.headFile); // ... and the record that would show it deleted
    const v = await a.verify();
    expect(v.breaks.map((b) => [b.seq, b.kind])).toEqual([[4, 'head-missing']]);
    expect(v.breaks[0]!.message).toMatch(/could not be detected/);
    // At the next start the core writes the event into the chain (core.ts: audit.head_missing),
    // so the next append, which rewrites the head, cannot hide it.
    const reopened = await AuditLog.open(dir, log);
    expect(reopened.headWasMissing).toBe(true);
    const mark = await reopened.append({ actor: null, action: 'audit.head_missing', details: { lastSeq: 4 } });
    await reopened.append({ actor: null, action: 'settings.changed' });
    const after = await reopened.verify();
    expect(after.ok).toBe(false);
    expect(after.breaks).toEqual([{ seq: mark.seq, kind: 'head-missing', message: expect.stringMatching(/cannot be ruled out/) }]);
    // An unreadable head counts as missing; a clean log with its head does not.
    fs.writeFileSync(reopened.headFile, '{not json');
    expect((await AuditLog.open(dir, log)).headWasMissing).toBe(true);
    expect((await logWith(2)).headWasMissing).toBe(false);
    // An exported copy has no head: only the marks inside the chain count there.
    expect(verifyChain(fs.readFileSync(reopened.file, 'utf8')).breaks.map((b) => b.kind)).toEqual(['head-missing']);
    expect(verifyChain(lines(await logWith(3)).join('\n') + '\n').ok).toBe(true);
  });

  it('names reordered entries', async () => {
    const a = await logWith(6);
    const ls = lines(a);
    write(a, [ls[0]!, ls[1]!, ls[3]!, ls[2]!, ls[4]!, ls[5]!]);
    const v = await a.verify();
    expect(v.breaks).toEqual([expect.objectContaining({ seq: 3, kind: 'reordered' })]);
    expect(v.breaks[0]!.message).toMatch(/stored after entry 4/);
  });

  it('names renumbered entries (swapping seq breaks the hashes)', async () => {
    const a = await logWith(4);
    const ls = lines(a);
    ls[1] = ls[1]!.replace('"seq":2', '"seq":3');
    ls[2] = ls[2]!.replace('"seq":3', '"seq":2');
    write(a, [ls[0]!, ls[2]!, ls[1]!, ls[3]!]);
    const v = await a.verify();
    expect(v.ok).toBe(false);
    expect(v.breaks.filter((b) => b.kind === 'hash-mismatch').map((b) => b.seq).sort()).toEqual([2, 3]);
  });

  it('names an unreadable entry and a duplicated one', async () => {
    const a = await logWith(5);
    const ls = lines(a);
    ls[1] = ls[1]!.slice(0, 30) + '###';
    write(a, [...ls, ls[4]!]);
    const v = await a.verify();
    expect(v.breaks.map((b) => [b.seq, b.kind])).toEqual([
      [2, 'unparseable'],
      [5, 'reordered'],
    ]);
  });

  it('keeps appending after tampering, and the earlier break stays reported', async () => {
    const a = await logWith(4);
    const ls = lines(a);
    write(a, [ls[0]!, ls[1]!, ls[3]!]);
    const reopened = await AuditLog.open(path.dirname(a.file), log);
    const e = await reopened.append({ actor: null, action: 'settings.changed', details: {} });
    expect(e.seq).toBe(5);
    const v = await reopened.verify();
    expect(v.breaks.map((b) => [b.seq, b.kind])).toEqual([[3, 'missing']]);
  });

  it('sets aside a torn final entry at open (never acknowledged) and stays intact', async () => {
    const a = await logWith(3);
    fs.appendFileSync(a.file, '{"seq":4,"time":"20');
    const reopened = await AuditLog.open(path.dirname(a.file), log);
    expect(reopened.size).toBe(3);
    expect((await reopened.verify()).ok).toBe(true);
    expect(fs.readdirSync(path.dirname(a.file)).some((n) => n.startsWith('activity_logs.jsonl.torn-'))).toBe(true);
    expect((await reopened.append({ actor: null, action: 'settings.changed' })).seq).toBe(4);
  });

  it('filters and pages newest first', async () => {
    const a = await logWith(9);
    expect(a.list({ limit: 2 }).items.map((e) => e.seq)).toEqual([9, 8]);
    expect(a.list({ action: 'record.viewed' }).items.map((e) => e.seq)).toEqual([9, 6, 3]);
    expect(a.list({ action: 'record' }).total).toBe(3);
    expect(a.list({ actor: 'ALICE' }).total).toBe(5);
    expect(a.list({ from: '2999-01-01' }).total).toBe(0);
  });

  it('exports a verifiable copy and refuses to overwrite', async () => {
    const a = await logWith(3);
    const dest = path.join(path.dirname(a.file), 'export.jsonl');
    const r = await a.exportTo(dest, { userId: 'u1', username: 'alice' });
    expect(r.entries).toBe(3);
    expect(verifyChain(fs.readFileSync(dest, 'utf8')).ok).toBe(true);
    expect(a.list({ action: 'audit.exported' }).total).toBe(1);
    await expect(a.exportTo(dest, null)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
