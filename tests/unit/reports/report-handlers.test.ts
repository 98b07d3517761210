import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import type { DialogService } from '../../../src-main/core/dialogs';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import { defaultReportName } from '../../../src-main/ipc/handlers/reports';
import type { ReportRecord, ReportVerifyResult } from '../../../src-shared/contract/reports';
import type { Detection } from '../../../src-shared/domain/detection';
import { signIn, tempDir, testCore } from '../../helpers/core';
import { imageDetection, testImage } from '../../helpers/report-fixtures';
import { pdfText } from '../../helpers/pdf-tools';

/** Answers save dialogs from a queue and records what was asked. */
class FakeDialogs implements DialogService {
  saves: (string | null)[] = [];
  asked: { senderId: string; defaultName: string }[] = [];
  revealed: string[] = [];
  async openFiles() {
    return [];
  }
  async saveFile(senderId: string, opts: { defaultName: string }) {
    this.asked.push({ senderId, defaultName: opts.defaultName });
    return this.saves.shift() ?? null;
  }
  async reveal(p: string) {
    this.revealed.push(p);
  }
}

let core: Core;
let cleanup: () => Promise<void>;
let d: Dispatcher;
let dialogs: FakeDialogs;
let out: { dir: string; cleanup: () => void };
let mine: Detection;
let theirs: Detection;

async function storeDetection(det: Detection, ownerId: string, ownerName: string): Promise<Detection> {
  const saved = await core.detections.insert({ ...det, id: '', ownerId, ownerName });
  for (const a of det.artifacts) await core.artifacts.write(saved.id, a.key, await testImage(a.key.length, a.width > 100 ? 200 : 64, a.width > 100 ? 120 : 64, a.key.includes('heat')), { mime: 'image/png' });
  return saved;
}

beforeEach(async () => {
  dialogs = new FakeDialogs();
  ({ core, cleanup } = await testCore({ dialogs }));
  d = createAppDispatcher(core);
  out = tempDir('mg-reports-out-');
  // The PDFs checked below are chosen in each window's "Choose a PDF…" (main's dialog grants them).
  for (const w of ['w-user', 'w-user2', 'w-inv']) core.grants.grant(w, out.dir);
  await signIn(core, 'investigator', 'w-inv');
  const user = await signIn(core, 'user', 'w-user');
  const user2 = await signIn(core, 'user', 'w-user2', 'user2');
  mine = await storeDetection(imageDetection('東京タワー_夜景.jpg'), user.userId, user.username);
  theirs = await storeDetection(imageDetection('theirs.jpg'), user2.userId, user2.username);
});
afterEach(async () => {
  await cleanup();
  out.cleanup();
});

const value = <T>(r: { ok: boolean; value?: unknown; error?: unknown }) => {
  expect(r.ok, JSON.stringify(r.error)).toBe(true);
  return r.value as T;
};

describe('reports handlers', () => {
  it('exports to the path from the save dialog, stores the hash, links the record and audits it', async () => {
    const dest = path.join(out.dir, 'case-117');
    dialogs.saves.push(dest);
    const rec = value<ReportRecord>(await d.invoke('w-user', 'reports:export', { detectionId: mine.id, caseReference: 'CASE-117', notes: 'for the prosecutor' }));
    expect(dialogs.asked[0]).toMatchObject({ senderId: 'w-user' });
    expect(dialogs.asked[0]!.defaultName).toMatch(/^MediaGuard report - 東京タワー_夜景 - \d{4}-\d{2}-\d{2}\.pdf$/);
    expect(rec.path).toBe(`${dest}.pdf`);
    const bytes = fs.readFileSync(rec.path);
    const text = pdfText(bytes);
    expect(text).toContain(rec.id);
    expect(text).toContain('CASE-117');
    expect(text).toContain('for the prosecutor');
    expect(text).toContain(mine.file.hashes.sha256);
    const { createHash } = await import('node:crypto');
    expect(rec.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await core.detections.get(mine.id))!.reports).toEqual([{ id: rec.id, path: rec.path, sha256: rec.sha256, createdAt: rec.createdAt }]);
    const audit = core.audit.list({ action: 'report.exported' }).items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorName: 'user1', target: mine.id, details: { reportId: rec.id, sha256: rec.sha256, path: rec.path } });
    // Listed for its owner and investigators, not for another user.
    expect(value<ReportRecord[]>(await d.invoke('w-user', 'reports:list', {})).map((r) => r.id)).toEqual([rec.id]);
    expect(value<ReportRecord[]>(await d.invoke('w-inv', 'reports:list', {})).map((r) => r.id)).toEqual([rec.id]);
    expect(value<ReportRecord[]>(await d.invoke('w-user2', 'reports:list', {}))).toEqual([]);
  });

  it('verifies an issued file, and refuses a copy with one byte changed', async () => {
    dialogs.saves.push(path.join(out.dir, 'r.pdf'));
    const rec = value<ReportRecord>(await d.invoke('w-user', 'reports:export', { detectionId: mine.id }));
    const ok = value<ReportVerifyResult>(await d.invoke('w-user', 'reports:verify', { path: rec.path }));
    expect(ok).toMatchObject({ issued: true, sha256: rec.sha256, report: { id: rec.id }, chainOk: true, auditEntry: { actorName: expect.any(String) }, inScope: true });
    expect(ok.note).toMatch(/^Issued by this installation and unchanged since: the export is audit entry \d+/);
    expect(value<ReportVerifyResult>(await d.invoke('w-inv', 'reports:verify', { path: rec.path }))).toMatchObject({ issued: true, report: { id: rec.id }, inScope: true });
    // Another user learns that it was issued here, not whose case it is.
    const other = value<ReportVerifyResult>(await d.invoke('w-user2', 'reports:verify', { path: rec.path }));
    expect(other).toMatchObject({ issued: true, report: null, inScope: false, auditEntry: { actorName: null } });
    const tampered = path.join(out.dir, 'tampered.pdf');
    const bytes = Buffer.from(fs.readFileSync(rec.path));
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0x01;
    fs.writeFileSync(tampered, bytes);
    expect(value<ReportVerifyResult>(await d.invoke('w-user', 'reports:verify', { path: tampered }))).toMatchObject({ issued: false, report: null, auditEntry: null, note: expect.stringMatching(/was changed after export/) });
    expect(await d.invoke('w-user', 'reports:verify', { path: path.join(out.dir, 'nope.pdf') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await d.invoke('w-user', 'reports:verify', { path: out.dir })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // A path this window was not given is not read at all.
    expect(await d.invoke('w-user', 'reports:verify', { path: '/etc/hostname' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/Choose a PDF/) } });
  });

  it('a forged entry in the list of issued reports is not enough: the audit log must record the export', async () => {
    const forged = path.join(out.dir, 'forged.pdf');
    fs.writeFileSync(forged, '%PDF-1.7 a report this installation never issued');
    const sha256 = crypto.createHash('sha256').update(fs.readFileSync(forged)).digest('hex');
    // What someone editing reports.db in the data folder could add.
    await core.reportsRepo.insert({ detectionId: mine.id, ownerId: mine.ownerId, fileName: mine.file.name, path: forged, sha256, authorId: mine.ownerId, authorName: 'someone' });
    const r = value<ReportVerifyResult>(await d.invoke('w-user', 'reports:verify', { path: forged }));
    expect(r).toMatchObject({ issued: false, report: { sha256 }, auditEntry: null, chainOk: true });
    expect(r.note).toMatch(/audit log has no record of its export: the list was altered/);
  });

  it('an issued report is not confirmed while the audit chain is broken', async () => {
    dialogs.saves.push(path.join(out.dir, 'chain.pdf'));
    const rec = value<ReportRecord>(await d.invoke('w-user', 'reports:export', { detectionId: mine.id }));
    const log = core.audit.file;
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(log, [lines[1]!, ...lines.slice(2)].join('\n') + '\n'); // the first entry deleted
    try {
      const r = value<ReportVerifyResult>(await d.invoke('w-user', 'reports:verify', { path: rec.path }));
      expect(r).toMatchObject({ issued: false, chainOk: false, report: { id: rec.id }, auditEntry: { seq: expect.any(Number) } });
      expect(r.note).toMatch(/audit log fails verification/);
    } finally {
      fs.writeFileSync(log, lines.join('\n') + '\n');
    }
    expect(value<ReportVerifyResult>(await d.invoke('w-user', 'reports:verify', { path: rec.path })).issued).toBe(true);
  });

  it('returns null when the dialog is cancelled and writes nothing', async () => {
    expect(value(await d.invoke('w-user', 'reports:export', { detectionId: mine.id }))).toBeNull();
    expect(fs.readdirSync(out.dir)).toEqual([]);
    expect(core.audit.list({ action: 'report.exported' }).total).toBe(0);
  });

  it('hides other users\' records (no dialog is even shown) and refuses unsigned callers and bad input', async () => {
    expect(await d.invoke('w-user', 'reports:export', { detectionId: theirs.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(dialogs.asked).toEqual([]);
    expect(await d.invoke('w-nobody', 'reports:export', { detectionId: mine.id })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await d.invoke('w-user', 'reports:export', { detectionId: '../etc' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await d.invoke('w-user', 'reports:export', { detectionId: mine.id, caseReference: 'x'.repeat(201) })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // Investigators may export anyone's record.
    dialogs.saves.push(path.join(out.dir, 'inv.pdf'));
    value(await d.invoke('w-inv', 'reports:export', { detectionId: theirs.id }));
  });

  it('refuses a record whose analysis is still running, and a folder that does not exist', async () => {
    const asked = dialogs.asked.length;
    await core.detections.setStatus(mine.id, 'running');
    expect(await d.invoke('w-user', 'reports:export', { detectionId: mine.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/still running/) } });
    // A record that never finished (the app stopped, or the analysis failed) has nothing a report could attest.
    // Neither gets a save dialog.
    for (const status of ['interrupted', 'failed', 'cancelled'] as const) {
      await core.detections.setStatus(mine.id, status);
      const res = await d.invoke('w-user', 'reports:export', { detectionId: mine.id });
      expect(res).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/nothing to report; re-run it first/) } });
      await expect(core.reports.exportReport({ detectionId: mine.id, destPath: path.join(out.dir, `${status}.pdf`), author: { userId: mine.ownerId, username: 'u', displayName: 'U', role: 'user' }, overwrite: false })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(fs.existsSync(path.join(out.dir, `${status}.pdf`))).toBe(false);
    }
    expect(dialogs.asked.length).toBe(asked);
    await core.detections.setStatus(theirs.id, 'done');
    dialogs.saves.push(path.join(out.dir, 'missing', 'x.pdf'));
    expect(await d.invoke('w-inv', 'reports:export', { detectionId: theirs.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('reveals an exported report in scope only, and says when the file is gone', async () => {
    dialogs.saves.push(path.join(out.dir, 'rev.pdf'));
    const rec = value<ReportRecord>(await d.invoke('w-user', 'reports:export', { detectionId: mine.id }));
    value(await d.invoke('w-user', 'reports:reveal', { id: rec.id }));
    expect(dialogs.revealed).toEqual([rec.path]);
    expect(await d.invoke('w-user2', 'reports:reveal', { id: rec.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    fs.rmSync(rec.path);
    expect(await d.invoke('w-user', 'reports:reveal', { id: rec.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('defaultReportName', () => {
  it('keeps the evidence name readable but strips path and direction tricks', () => {
    const when = new Date('2026-11-29T10:00:00Z');
    expect(defaultReportName('تسجيل.mp4', when)).toBe('MediaGuard report - تسجيل - 2026-11-29.pdf');
    expect(defaultReportName('a/b\\c:d\u202Egpj.exe', when)).toBe('MediaGuard report - a_b_c_d_gpj - 2026-11-29.pdf');
    expect(defaultReportName('', when)).toBe('MediaGuard report - evidence - 2026-11-29.pdf');
  });
});
