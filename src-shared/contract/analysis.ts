import { z } from 'zod';
import { channel, event } from './define';
import { zEmpty, zId, zPath } from './common';
import { ANY_ROLE } from '../roles';
import type { AnalysisProgress, JobState } from '../domain/detection';
import type { FolderLeftOut } from '../domain/folders';
import type { ModelSummary } from '../domain/models';

export interface QueuedJob {
  jobId: string;
  fileName: string;
  path: string;
  state: JobState;
  progress: AnalysisProgress | null;
  detectionId: string | null;
  error: { code: string; message: string } | null;
  ownerId: string;
}

/** What analysis:start queued, and what the dropped folders held that it did not. */
export interface StartResult {
  jobs: QueuedJob[];
  leftOut: FolderLeftOut[];
}

export const zAnalysisOptions = z
  .object({
    frames: z.number().int().min(1).max(4096).optional(),
    strategy: z.enum(['even', 'rate', 'scene']).optional(),
    fps: z.number().positive().max(60).optional(),
  })
  .strict();

export const analysisChannels = {
  'analysis:start': channel<StartResult>()({
    input: z.object({ paths: z.array(zPath).min(1).max(1000), options: zAnalysisOptions.optional() }).strict(),
    access: ANY_ROLE,
    description: 'Queue files or folders for analysis: only paths dropped on or picked in this window (main keeps the grants); each is re-checked in main. Folders are walked for images and videos (by content); what was left out is listed.',
  }),
  'analysis:rerun': channel<StartResult>()({
    input: z.object({ detectionId: zId }).strict(),
    access: ANY_ROLE,
    description: 'Queue the file of a record one may see again (a record whose analysis did not finish); its stored path is used, not one from the window.',
  }),
  'analysis:cancel': channel<null>()({
    input: z.object({ jobId: zId }).strict(),
    access: ANY_ROLE,
    description: 'Cancel a queued or running job of one\'s own (admins: any).',
  }),
  'analysis:queue': channel<QueuedJob[]>()({
    input: zEmpty,
    access: ANY_ROLE,
    description: 'Jobs queued, running or recently finished in this session.',
  }),
  'files:pick': channel<string[]>()({
    input: z.object({ directories: z.boolean().optional() }).strict(),
    access: ANY_ROLE,
    description: 'Show the open-file dialog in main and return the chosen paths.',
  }),
  'models:list': channel<ModelSummary[]>()({
    input: zEmpty,
    access: ANY_ROLE,
    description: 'Installed models.',
  }),
} as const;

export const analysisEvents = {
  'analysis:progress': event<AnalysisProgress>('Stage and fraction of a running job.'),
  'analysis:done': event<{ jobId: string; state: JobState; detectionId: string | null; error: { code: string; message: string } | null }>(
    'A job finished, failed or was cancelled.',
  ),
} as const;
