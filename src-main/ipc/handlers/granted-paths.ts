/** Paths handed over by the renderer, re-checked in main before any handler opens them (analysis, cameras). */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../src-shared/result';
import type { Core } from '../../core/core';
import { checkInputPath } from '../../core/media/input-path';

/**
 * Re-check paths from the renderer: absolute, chosen in this window (dropped on it or picked
 * in main's dialog: core.grants), existing, and regular files or folders.
 */
export async function checkPaths(core: Core, senderId: string, paths: string[], how = 'drop it on the window, or use Choose files… or Choose a folder…'): Promise<string[]> {
  for (const p of paths) {
    if (!path.isAbsolute(p)) throw new AppError('VALIDATION', `Paths must be absolute: ${path.basename(p)}`);
    core.grants.require(senderId, p, how);
    await checkExisting(core, p);
  }
  return paths;
}

/** A folder, or a file checkInputPath accepts (exists, regular, readable, within the size limit). */
export async function checkExisting(core: Core, p: string): Promise<void> {
  const st = await fs.promises.stat(p).catch(() => null);
  if (!st?.isDirectory()) await checkInputPath(p, core.settings.get().limits);
}

