import { z } from 'zod';
import { channel } from './define';
import { zId } from './common';
import { ANY_ROLE } from '../roles';
import type { FaceBox } from '../domain/detection';

export interface LiveFrameResult {
  faces: { box: FaceBox; probability: number | null }[];
  probability: number | null;
  elapsedMs: number;
}

export const liveChannels = {
  'live:start': channel<{ liveId: string }>()({
    input: z.object({ deviceLabel: z.string().max(200).optional() }).strict(),
    access: ANY_ROLE,
    description: 'Start a live-monitor session.',
  }),
  'live:frame': channel<LiveFrameResult>()({
    input: z
      .object({
        liveId: zId,
        timeSec: z.number().min(0),
        // A JPEG frame from the capture device, base64, at most ~4 MB.
        jpegBase64: z.string().min(4).max(6_000_000).regex(/^[A-Za-z0-9+/=]+$/),
      })
      .strict(),
    access: ANY_ROLE,
    description: 'Score one captured frame: face boxes and live probabilities.',
  }),
  'live:stop': channel<{ detectionId: string | null }>()({
    input: z.object({ liveId: zId }).strict(),
    access: ANY_ROLE,
    description: 'Stop the session and save a summary record.',
  }),
} as const;
