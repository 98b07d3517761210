/**
 * Every report prints the newest audit entry at the moment it was issued (its anchor), so a
 * copy of the report, kept anywhere, shows a log rewritten after it — even one whose hashes
 * and head were all recomputed, which the chain alone cannot show.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src-main/core/audit/chain';
import type { Core } from '../../../src-main/core/core';
import { renderReportDetailed } from '../../../src-main/core/reports/render-report';
import { scanReportFile } from '../../../src-main/core/reports/report-service';
import { formatAnchor, parseAnchor } from '../../../src-shared/domain/audit';
import type { Detection } from '../../../src-shared/domain/detection';
import { rewriteAuditLog } from '../../helpers/audit-rewrite';
import { signIn, tempDir, testCore } from '../../helpers/core';
import { pdfText } from '../../helpers/pdf-tools';
import { imageDetection, testImage } from '../../helpers/report-fixtures';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(dataDir?: string) {
  const t = dataDir ? { ...(await testCore({ dataDir })), dir: dataDir } : await testCore();
  cleanups.push(() => t.core.close());
  return t;
}

async function storeDetection(core: Core, ownerId: string, ownerName: string): Promise<Detection> {
  const det = imageDetection('evidence.jpg');
  const saved = await core.detections.insert({ ...det, id: '', ownerId, ownerName });
  for (const a of det.artifacts) await core.artifacts.write(saved.id, a.key, await testImage(a.key.length, 64, 64, a.key.includes('heat')), { mime: 'image/png' });
  return saved;
}

function outDir(): string {
  const o = tempDir('mg-anchor-out-');
  cleanups.push(o.cleanup);
  return o.dir;
}

describe('audit anchor in reports', () => {
  it('prints the newest entry in the report, and a later rewrite of the whole log is caught from the report', async () => {
    const t = await setup();
    const user = await signIn(t.core, 'user', 'w-user');
    const det = await storeDetection(t.core, user.userId, user.username);
    for (let i = 0; i < 3; i++) await t.core.audit.append({ actor: null, action: 'settings.changed', details: { i } });
    const before = t.core.audit.latest()!;
    const out = outDir();
    const rec = await t.core.reports.exportReport({ detectionId: det.id, destPath: path.join(out, 'r.pdf'), author: { userId: user.userId, username: user.username, displayName: 'User One', role: 'user' }, overwrite: false });

    // In the PDF: printed for a reader, and in the Keywords where verification finds it.
    const bytes = fs.readFileSync(rec.path);
    const text = pdfText(bytes);
    expect(text).toMatch(new RegExp(`Audit log anchor\\s+entry ${before.seq}\\s+Anchor entry’s hash\\s+${before.hash}`));
    expect(text).toContain(`mediaguard audit verify --anchor ${formatAnchor(before)}`);
    expect(await scanReportFile(rec.path)).toEqual({ sha256: rec.sha256, anchor: before });
    expect(t.core.audit.findLast((e) => e.action === 'report.exported')!.details.auditAnchor).toBe(formatAnchor(before));

    const ok = await t.core.reports.verify(rec.path);
    expect(ok).toMatchObject({ issued: true, chainOk: true, anchor: { ...before, found: before.hash, matches: true } });
    expect(ok.note).toMatch(/still holding entry \d+ as this report recorded it/);
    await t.core.close();

    // Someone with write access to the data folder removes entry 3 (something they did) and
    // redoes every later number and hash, and the head: the chain verifies on its own.
    const dbDir = path.dirname(t.core.audit.file);
    const dropped = JSON.parse(fs.readFileSync(t.core.audit.file, 'utf8').split('\n')[2]!) as { seq: number };
    expect(dropped.seq).toBe(3);
    expect(dropped.seq).toBeLessThan(before.seq);
    rewriteAuditLog(dbDir, (e) => e.seq === 3);
    const t2 = await setup(t.dir);
    expect((await t2.core.audit.verify()).ok).toBe(true);

    // The report, unchanged, remembers entry `before.seq` as it was.
    const r = await t2.core.reports.verify(rec.path);
    expect(r).toMatchObject({ issued: false, chainOk: false, report: { id: rec.id }, anchor: { seq: before.seq, hash: before.hash, matches: false } });
    expect(r.anchor!.found).toMatch(/^[0-9a-f]{64}$/);
    expect(r.anchor!.found).not.toBe(before.hash);
    expect(r.note).toMatch(new RegExp(`issued when audit entry ${before.seq} read ${before.hash.slice(0, 16)}…, and the audit log now reads ${r.anchor!.found!.slice(0, 16)}… there: the log was rewritten after this report was issued`));
    // The same check on the log alone, as `audit verify --anchor` runs it.
    const v = await t2.core.audit.verify({ anchor: before });
    expect(v.ok).toBe(false);
    expect(v.breaks).toEqual([expect.objectContaining({ seq: before.seq, kind: 'anchor-mismatch' })]);
  });

  it('a log cut back to before the anchor no longer holds it', async () => {
    const t = await setup();
    const user = await signIn(t.core, 'user', 'w-user');
    const det = await storeDetection(t.core, user.userId, user.username);
    const before = t.core.audit.latest()!;
    const out = outDir();
    const rec = await t.core.reports.exportReport({ detectionId: det.id, destPath: path.join(out, 'r.pdf'), author: { userId: user.userId, username: user.username, displayName: 'U', role: 'user' }, overwrite: false });
    await t.core.close();
    // Everything from the anchor on is gone, the export entry kept (renumbered) so the report still looks recorded.
    rewriteAuditLog(path.dirname(t.core.audit.file), (e) => e.seq >= before.seq - 1 && e.action !== 'report.exported');
    const t2 = await setup(t.dir);
    const r = await t2.core.reports.verify(rec.path);
    // The log now ends at the renumbered export entry, just before the anchor's number.
    expect(t2.core.audit.findLast(() => true)).toMatchObject({ seq: before.seq - 1, action: 'report.exported' });
    expect(r).toMatchObject({ issued: false, chainOk: false, auditEntry: { seq: before.seq - 1 }, anchor: { seq: before.seq, found: null, matches: false } });
    expect(r.note).toMatch(new RegExp(`no longer holds a readable entry ${before.seq}: the log was rewritten after this report was issued`));
  });

  it('a report from before anchors is still confirmed, and says what it cannot show', async () => {
    const t = await setup();
    const user = await signIn(t.core, 'user', 'w-user');
    const det = await storeDetection(t.core, user.userId, user.username);
    const out = outDir();
    const rendered = await renderReportDetailed({
      reportId: crypto.randomUUID(),
      detection: det,
      manifests: [],
      author: { userId: user.userId, username: user.username, displayName: 'U', role: 'user' },
      appVersion: '0.0.0-old',
      generatedAt: new Date('2026-01-01T00:00:00Z'),
      timeZone: 'UTC',
      readArtifact: async () => null,
    });
    const file = path.join(out, 'old.pdf');
    fs.writeFileSync(file, rendered.pdf);
    const sha256 = crypto.createHash('sha256').update(rendered.pdf).digest('hex');
    expect(pdfText(rendered.pdf)).not.toContain('Audit log anchor');
    await t.core.reportsRepo.insert({ detectionId: det.id, ownerId: det.ownerId, fileName: det.file.name, path: file, sha256, authorId: user.userId, authorName: user.username });
    await t.core.audit.append({ actor: user, action: 'report.exported', target: det.id, details: { sha256, path: file } });
    const r = await t.core.reports.verify(file);
    expect(r).toMatchObject({ issued: true, chainOk: true, anchor: null });
    expect(r.note).toMatch(/predates audit anchors/);
  });

  it('a marker in a file that was never issued is not read as an anchor', async () => {
    const t = await setup();
    await signIn(t.core, 'user', 'w-user');
    const file = path.join(outDir(), 'forged.pdf');
    fs.writeFileSync(file, `%PDF-1.7 (mediaguard-audit-anchor 1:${'0'.repeat(64)})`);
    const r = await t.core.reports.verify(file);
    expect(r).toMatchObject({ issued: false, anchor: null, chainOk: true });
    expect(r.note).toMatch(/No report with this SHA-256/);
  });
});

describe('scanReportFile', () => {
  it('hashes in one pass and finds the anchor across a chunk boundary, or none', async () => {
    const dir = outDir();
    const anchor = { seq: 123456, hash: 'ab'.repeat(32) };
    const marker = Buffer.from(`/Keywords (mediaguard; mediaguard-audit-anchor ${formatAnchor(anchor)})`);
    for (const at of [0, 65536 - 30, 65536 - 5, 65536 * 2 + 7]) {
      const buf = Buffer.concat([Buffer.alloc(at, 0x41), marker, Buffer.alloc(70_000, 0x42)]);
      const f = path.join(dir, `a${at}.pdf`);
      fs.writeFileSync(f, buf);
      expect(await scanReportFile(f), `marker at ${at}`).toEqual({ sha256: crypto.createHash('sha256').update(buf).digest('hex'), anchor });
    }
    const none = path.join(dir, 'none.pdf');
    fs.writeFileSync(none, Buffer.concat([Buffer.alloc(200_000, 0x43), Buffer.from('mediaguard-audit-anchor 12:xyz')]));
    expect((await scanReportFile(none)).anchor).toBeNull();
  });
});

describe('parseAnchor', () => {
  it('takes <seq>:<64 hex> and nothing else', () => {
    const h = 'AB'.repeat(32);
    expect(parseAnchor(` 42:${h}\n`)).toEqual({ seq: 42, hash: h.toLowerCase() });
    for (const bad of ['', '42', `0:${h}`, `-1:${h}`, `42:${h.slice(1)}`, `42:${h}0`, `x:${h}`, `42 ${h}`, `1${'0'.repeat(15)}:${h}`]) expect(parseAnchor(bad), bad).toBeNull();
  });

  it('verifyChain reports an anchor that the stored chain does not hold', () => {
    // An empty log holds no entry 5.
    const v = verifyChain('', null, { anchor: { seq: 5, hash: 'c'.repeat(64) } });
    expect(v).toMatchObject({ ok: false, anchor: { seq: 5, found: null, matches: false } });
    expect(v.breaks[0]).toMatchObject({ kind: 'anchor-mismatch', message: expect.stringMatching(/no longer holds a readable entry 5/) });
    expect(verifyChain('').anchor).toBeUndefined();
  });
});
