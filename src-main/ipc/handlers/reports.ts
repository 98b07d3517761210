/** reports:* handlers: export a record as PDF to a path chosen in main's save dialog, list, reveal, verify. */
import fs from 'node:fs';
import { AppError, ok } from '../../../src-shared/result';
import { canSeeAllRecords } from '../../../src-shared/roles';
import type { reportChannels } from '../../../src-shared/contract/reports';
import type { Core } from '../../core/core';
import { assertReportable } from '../../core/reports/report-service';
import type { HandlerTable } from '../dispatcher';
import { sessionOf } from './session-of';

/** A file-system-safe default name: "MediaGuard report – <evidence name> – <date>.pdf". */
export function defaultReportName(evidenceName: string, when: Date): string {
  const base = evidenceName
    .replace(/\.[^.]{1,8}$/, '')
    .replace(/[\u0000-\u001f\u007f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff<>:"/\\|?*]/gu, '_')
    .trim()
    .slice(0, 80);
  return `MediaGuard report - ${base || 'evidence'} - ${when.toISOString().slice(0, 10)}.pdf`;
}

/** Handlers for the reports domain. */
export function reportHandlers(core: Core): HandlerTable<typeof reportChannels> {
  return {
    'reports:export': async (input, meta) => {
      const s = sessionOf(meta);
      // Scope first: no dialog for a record the caller may not see.
      const d = await core.detections.getScoped(input.detectionId, s);
      assertReportable(d); // and no dialog for a record that cannot be reported
      const dest = await core.dialogs.saveFile(meta.senderId, { defaultName: defaultReportName(d.file.name, new Date()), filters: [{ name: 'PDF report', extensions: ['pdf'] }] });
      if (!dest) return ok(null);
      const record = await core.reports.exportReport({
        detectionId: d.id,
        destPath: dest,
        author: { userId: s.userId, username: s.username, displayName: s.displayName, role: s.role },
        caseReference: input.caseReference ?? null,
        notes: input.notes ?? null,
        overwrite: true, // the save dialog asked before replacing a file
      });
      return ok(record);
    },
    'reports:list': async (_input, meta) => ok(await core.reportsRepo.list(sessionOf(meta))),
    'reports:reveal': async (input, meta) => {
      const r = await core.reportsRepo.get(input.id, sessionOf(meta));
      if (!fs.existsSync(r.path)) throw new AppError('NOT_FOUND', `The report file is no longer at ${r.path}.`);
      await core.dialogs.reveal(r.path);
      return ok(null);
    },
    'reports:verify': async (input, meta) => {
      const s = sessionOf(meta);
      core.grants.require(meta.senderId, input.path, 'choose it with Choose a PDF…');
      const r = await core.reports.verify(input.path);
      // Whether a PDF was issued here is for anyone to ask; whose case it belongs to is not.
      if (r.report && !canSeeAllRecords(s.role) && r.report.ownerId !== s.userId) {
        return ok({ ...r, report: null, auditEntry: r.auditEntry ? { ...r.auditEntry, actorName: null } : null, inScope: false });
      }
      return ok(r);
    },
  };
}
