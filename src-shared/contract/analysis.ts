import { z } from 'zod';
import { channel, event } from './define';
import { zEmpty, zId, zPath } from './common';
import { ANY_ROLE } from '../roles';
import type { AnalysisProgress, JobState } from '../domain/detection';
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

/** The most files one request queues from folders; the walk stops there and says so. */
export const MAX_FOLDER_FILES = 5000;
/** How deep the folder walk goes below a dropped folder. */
export const MAX_FOLDER_DEPTH = 8;

/**
 * What a dropped folder held that was not queued, so the user knows what was not examined.
 * Files are queued by their content, not their name: only those whose first bytes are not an
 * image or a video count as `notMedia`.
 */
export interface FolderLeftOut {
  folder: string;
  /** Regular files whose content is not an image or a video. */
  notMedia: number;
  /** Up to five of their names. */
  examples: string[];
  /** Entries whose name starts with a dot (not examined). */
  hidden: number;
  /** Symbolic links (not followed). */
  links: number;
  /** Entries that could not be read (folders without permission, vanished files). */
  unreadable: number;
  /** Folders deeper than MAX_FOLDER_DEPTH levels (not entered). */
  tooDeep: number;
  /** The walk stopped at MAX_FOLDER_FILES files; the rest was not examined. */
  limitReached: boolean;
}

/** What analysis:start queued, and what the dropped folders held that it did not. */
export interface StartResult {
  jobs: QueuedJob[];
  leftOut: FolderLeftOut[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One sentence on what a folder walk left out (for the queue and the command line). */
export function describeLeftOut(l: FolderLeftOut): string {
  const parts: string[] = [];
  if (l.notMedia) parts.push(`${plural(l.notMedia, 'file')} that ${l.notMedia === 1 ? 'is' : 'are'} not an image or a video${l.examples.length ? ` (${l.examples.join(', ')}${l.notMedia > l.examples.length ? ', …' : ''})` : ''}`);
  if (l.hidden) parts.push(`${plural(l.hidden, 'hidden entry', 'hidden entries')} (names starting with a dot)`);
  if (l.links) parts.push(`${plural(l.links, 'symbolic link')} (not followed)`);
  if (l.unreadable) parts.push(`${plural(l.unreadable, 'entry', 'entries')} that could not be read`);
  if (l.tooDeep) parts.push(`${plural(l.tooDeep, 'folder')} more than ${MAX_FOLDER_DEPTH} levels down`);
  let text = parts.length ? `Not analysed in “${l.folder}”: ${parts.join('; ')}.` : '';
  if (l.limitReached) text += `${text ? ' ' : ''}“${l.folder}”: the limit of ${MAX_FOLDER_FILES.toLocaleString('en-US')} files per request was reached; the rest of the folder was not examined — add it in parts.`;
  return text;
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
    description: 'Queue files or folders for analysis; each path is re-checked in main. Folders are walked for images and videos (by content); what was left out is listed.',
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
