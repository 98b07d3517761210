import { z } from 'zod';

/** Absolute or relative filesystem path handed over by the renderer (re-checked in main). */
export const zPath = z.string().min(1).max(4096).refine((s) => !s.includes('\0'), 'path contains a NUL byte');
/** Record ids are nedb ids or uuids: short, printable. */
export const zId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');
export const zEmpty = z.object({}).strict();
export const zUsername = z.string().min(1).max(64);
export const zPassword = z.string().min(1).max(1024);
export const zRole = z.enum(['user', 'investigator', 'admin']);
export const zBand = z.enum(['authentic', 'inconclusive', 'manipulated', 'undetermined']);
export const zIsoDate = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'invalid date');
