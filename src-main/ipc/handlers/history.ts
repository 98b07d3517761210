/** history:* and stats:dashboard handlers: records scoped by role, audited where it matters. */
import { AppError, ok } from '../../../src-shared/result';
import type { historyChannels } from '../../../src-shared/contract/history';
import type { Core } from '../../core/core';
import type { HandlerTable } from '../dispatcher';
import { sessionOf } from './session-of';

/** Handlers for the history domain. */
export function historyHandlers(core: Core): HandlerTable<typeof historyChannels> {
  return {
    'history:list': async (input, meta) => ok(await core.detections.list(input, sessionOf(meta))),
    'history:get': async (input, meta) => {
      const s = sessionOf(meta);
      const d = await core.detections.getScoped(input.id, s);
      if (d.ownerId !== s.userId) {
        await core.audit.append({ actor: s, action: 'record.viewed', target: d.id, details: { ownerId: d.ownerId, ownerName: d.ownerName, fileName: d.file.name } });
      }
      return ok(d);
    },
    'history:artifact': async (input, meta) => {
      const d = await core.detections.getScoped(input.id, sessionOf(meta));
      const ref = d.artifacts.find((a) => a.key === input.key);
      if (!ref) throw new AppError('NOT_FOUND', `Record ${d.id} has no artifact ${input.key}.`);
      const f = await core.artifacts.read(d.id, ref.key);
      return ok({ mime: ref.mime || f.mime, base64: f.data.toString('base64') });
    },
    'history:delete': async (input, meta) => {
      const s = sessionOf(meta);
      const d = await core.detections.getScoped(input.id, s);
      if (d.ownerId !== s.userId && s.role !== 'admin') throw new AppError('FORBIDDEN', 'Only the owner or an admin can delete this record.');
      await core.detections.remove(d.id);
      await core.audit.append({
        actor: s,
        action: 'record.deleted',
        target: d.id,
        details: { ownerId: d.ownerId, ownerName: d.ownerName, fileName: d.file.name, sha256: d.file.hashes.sha256, band: d.verdict.band },
      });
      return ok(null);
    },
    'history:annotate': async (input, meta) => {
      const s = sessionOf(meta);
      await core.detections.getScoped(input.id, s);
      const d = await core.detections.annotate(input.id, s, input.note, input.override);
      await core.audit.append({
        actor: s,
        action: 'record.annotated',
        target: d.id,
        details: { ownerId: d.ownerId, fileName: d.file.name, ...(input.override ? { override: input.override.band, modelBand: d.verdict.band, reason: input.override.reason } : {}) },
      });
      return ok(d);
    },
    'stats:dashboard': async (_input, meta) => ok(await core.detections.stats(sessionOf(meta))),
  };
}
