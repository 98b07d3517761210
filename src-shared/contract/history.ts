import { z } from 'zod';
import { channel } from './define';
import { zBand, zEmpty, zId, zIsoDate } from './common';
import { ANY_ROLE, INVESTIGATOR_UP } from '../roles';
import type { Detection, DetectionSummary, VerdictBand } from '../domain/detection';

export interface HistoryPage {
  items: DetectionSummary[];
  total: number;
  offset: number;
  limit: number;
}

export interface DashboardStats {
  total: number;
  byBand: Record<VerdictBand, number>;
  byKind: { image: number; video: number };
  perDay: { day: string; count: number }[];
  perUser: { ownerName: string; count: number }[];
  recent: DetectionSummary[];
}

export const historyChannels = {
  'history:list': channel<HistoryPage>()({
    input: z
      .object({
        search: z.string().max(200).optional(),
        band: zBand.optional(),
        kind: z.enum(['image', 'video']).optional(),
        ownerId: zId.optional(),
        from: zIsoDate.optional(),
        to: zIsoDate.optional(),
        sort: z.enum(['createdAt', 'fileName', 'probability']).default('createdAt'),
        order: z.enum(['asc', 'desc']).default('desc'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    access: ANY_ROLE,
    description: 'History: own records for users, everyone\'s for investigators and admins.',
  }),
  'history:get': channel<Detection>()({
    input: z.object({ id: zId }).strict(),
    access: ANY_ROLE,
    description: 'One record (viewing another user\'s record is audited).',
  }),
  'history:artifact': channel<{ mime: string; base64: string }>()({
    input: z.object({ id: zId, key: z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/) }).strict(),
    access: ANY_ROLE,
    description: 'An evidence image of a record, served by record id and key, never by path.',
  }),
  'history:delete': channel<null>()({
    input: z.object({ id: zId }).strict(),
    access: ANY_ROLE,
    description: 'Delete a record (own, or any for admins); audited.',
  }),
  'history:annotate': channel<Detection>()({
    input: z
      .object({
        id: zId,
        note: z.string().min(1).max(5000),
        override: z.object({ band: zBand, reason: z.string().min(3).max(2000) }).strict().optional(),
      })
      .strict(),
    access: INVESTIGATOR_UP,
    description: 'Add an investigator note and optional verdict override; audited.',
  }),
  'stats:dashboard': channel<DashboardStats>()({
    input: zEmpty,
    access: ANY_ROLE,
    description: 'Counts by verdict, per day and per user, and recent analyses (scoped by role).',
  }),
} as const;
