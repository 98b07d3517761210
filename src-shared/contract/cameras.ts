import { z } from 'zod';
import { channel } from './define';
import { zEmpty, zPath } from './common';
import { ANY_ROLE, INVESTIGATOR_UP } from '../roles';
import type { CameraCheck, CameraSummary } from '../domain/cameras';

/** A reference picture left out of a fingerprint, and why. */
export interface CameraSkipped {
  name: string;
  reason: string;
}

export const cameraChannels = {
  'cameras:list': channel<{ cameras: CameraSummary[]; problems: { file: string; error: string }[] }>()({
    input: zEmpty,
    access: ANY_ROLE,
    description: 'The camera fingerprints in the library, and any fingerprint file that could not be read.',
  }),
  'cameras:add': channel<{ camera: CameraSummary; skipped: CameraSkipped[]; notes: string[] }>()({
    input: z.object({ name: z.string().min(1).max(200), paths: z.array(zPath).min(1).max(1000) }).strict(),
    access: INVESTIGATOR_UP,
    description: 'Estimate a camera sensor-noise fingerprint from reference pictures (files or folders dropped on or picked in this window) and add it to the library.',
  }),
  'cameras:remove': channel<CameraSummary>()({
    input: z.object({ id: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'invalid id') }).strict(),
    access: INVESTIGATOR_UP,
    description: 'Remove a camera fingerprint from the library.',
  }),
  'cameras:check': channel<CameraCheck & { problems: { file: string; error: string }[] }>()({
    input: z.object({ path: zPath }).strict(),
    access: ANY_ROLE,
    description: 'Compare a picture (dropped on or picked in this window) with every camera fingerprint in the library.',
  }),
} as const;
