/** analysis:*, files:pick, models:list, admin:models:* and live:* handlers over the analysis engine. */
import path from 'node:path';
import type { adminModelChannels } from '../../../src-shared/contract/admin';
import type { analysisChannels } from '../../../src-shared/contract/analysis';
import type { liveChannels } from '../../../src-shared/contract/live';
import { AppError, ok } from '../../../src-shared/result';
import type { Core } from '../../core/core';
import type { HandlerTable } from '../dispatcher';
import { checkExisting, checkPaths } from './granted-paths';
import { sessionOf } from './session-of';

/** Handlers for the analysis domain. */
export function analysisHandlers(core: Core): HandlerTable<typeof analysisChannels> {
  const owner = (s: ReturnType<typeof sessionOf>) => ({ userId: s.userId, username: s.username, role: s.role });
  return {
    'analysis:start': async (input, meta) => {
      const s = sessionOf(meta);
      const paths = await checkPaths(core, meta.senderId, input.paths);
      const opts = input.options ?? {};
      return ok(
        await core.analysis.engine.start(paths, owner(s), {
          store: true,
          senderId: meta.senderId,
          options: { ...(opts.frames ? { frames: opts.frames } : {}), ...(opts.strategy ? { strategy: opts.strategy } : {}), ...(opts.fps ? { fps: opts.fps } : {}) },
        }),
      );
    },
    'analysis:rerun': async (input, meta) => {
      const s = sessionOf(meta);
      // The path comes from the record (main wrote it), in the caller's scope: no grant needed.
      const d = await core.detections.getScoped(input.detectionId, s);
      if (!d.file.path || !path.isAbsolute(d.file.path)) throw new AppError('NOT_FOUND', `The record of “${d.file.name}” does not say where the file was.`);
      await checkExisting(core, d.file.path);
      return ok(await core.analysis.engine.start([d.file.path], owner(s), { store: true, senderId: meta.senderId }));
    },
    'analysis:cancel': (input, meta) => {
      core.analysis.engine.cancel(input.jobId, owner(sessionOf(meta)));
      return ok(null);
    },
    'analysis:queue': (_input, meta) => ok(core.analysis.engine.list(owner(sessionOf(meta)))),
    'files:pick': async (input, meta) => {
      const picked = await core.dialogs.openFiles(meta.senderId, { directories: input.directories ?? false });
      for (const p of picked) core.grants.grant(meta.senderId, p); // chosen in main's own dialog
      return ok(picked);
    },
    'models:list': () => ok(core.analysis.registry.list()),
  };
}

/** Handlers for model administration. */
export function adminModelHandlers(core: Core): HandlerTable<typeof adminModelChannels> {
  return {
    'admin:models:import': async (input, meta) => {
      const s = sessionOf(meta);
      if (!path.isAbsolute(input.manifestPath)) throw new AppError('VALIDATION', 'The manifest path must be absolute.');
      core.grants.require(meta.senderId, input.manifestPath, 'choose it with Import model…');
      const summary = await core.analysis.registry.import(input.manifestPath);
      core.analysis.reloadModels(); // file jobs and live frames alike
      await core.audit.append({ actor: s, action: 'model.imported', target: summary.id, details: { version: summary.version, sha256: summary.sha256, task: summary.task, from: input.manifestPath } });
      return ok(summary);
    },
    'admin:models:verify': async () => ok(await core.analysis.registry.verify()),
  };
}

/** Handlers for live monitoring. */
export function liveHandlers(core: Core): HandlerTable<typeof liveChannels> {
  const owner = (m: Parameters<typeof sessionOf>[0]) => {
    const s = sessionOf(m);
    return { userId: s.userId, username: s.username, role: s.role };
  };
  return {
    'live:start': async (input, meta) => ok(await core.analysis.live.start(owner(meta), input.deviceLabel)),
    'live:frame': async (input, meta) => ok(await core.analysis.live.frame(input.liveId, owner(meta), input.timeSec, input.jpegBase64)),
    'live:stop': async (input, meta) => ok(await core.analysis.live.stop(input.liveId, owner(meta))),
  };
}
