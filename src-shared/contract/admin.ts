import { z } from 'zod';
import { channel } from './define';
import { zEmpty, zId, zIsoDate, zPassword, zPath, zRole, zUsername } from './common';
import { ADMIN_ONLY } from '../roles';
import type { PublicUser } from '../domain/user';
import type { AuditEntry, AuditVerifyResult } from '../domain/audit';
import type { AppSettings } from '../domain/settings';
import type { ModelSummary } from '../domain/models';

export interface AuditPage {
  items: AuditEntry[];
  total: number;
}

export const zSettingsPatch = z
  .object({
    thresholds: z
      .object({ authentic: z.number().min(0).max(1), manipulated: z.number().min(0).max(1) })
      .strict()
      .refine((t) => t.authentic <= t.manipulated, 'authentic threshold must not exceed manipulated threshold')
      .nullable()
      .optional(),
    sampling: z
      .object({
        strategy: z.enum(['even', 'rate', 'scene']),
        count: z.number().int().min(1).max(1024),
        fps: z.number().positive().max(60),
        max: z.number().int().min(1).max(4096),
      })
      .strict()
      .optional(),
    ffmpegPath: zPath.nullable().optional(),
    ffprobePath: zPath.nullable().optional(),
    c2paTrustAnchors: zPath.nullable().optional(),
    limits: z
      .object({
        // Bounds a user would expect: below them nothing ordinary could be analysed; above
        // them decoding would exhaust a laptop's memory or run for days.
        maxFileBytes: z.number().int().min(1024 * 1024).max(64 * 1024 ** 3),
        maxImagePixels: z.number().int().min(65_536).max(500_000_000),
        maxVideoSeconds: z.number().min(1).max(24 * 3600),
        maxFrames: z.number().int().min(1).max(4096),
      })
      .strict()
      .optional(),
    lockout: z.object({ maxAttempts: z.number().int().min(1).max(100), minutes: z.number().min(1).max(24 * 60) }).strict().optional(),
    sessionIdleMinutes: z.number().min(1).max(24 * 60).optional(),
    bcryptCost: z.number().int().min(10).max(15).optional(),
  })
  .strict();

export const adminChannels = {
  'admin:users:list': channel<PublicUser[]>()({ input: zEmpty, access: ADMIN_ONLY, description: 'All accounts.' }),
  'admin:users:create': channel<PublicUser>()({
    input: z.object({ username: zUsername, displayName: z.string().max(100).optional(), role: zRole, password: zPassword }).strict(),
    access: ADMIN_ONLY,
    description: 'Create an account; the user must change the password at first login.',
  }),
  'admin:users:update': channel<PublicUser>()({
    input: z.object({ id: zId, displayName: z.string().min(1).max(100) }).strict(),
    access: ADMIN_ONLY,
    description: 'Change an account\'s display name.',
  }),
  'admin:users:setRole': channel<PublicUser>()({
    input: z.object({ id: zId, role: zRole }).strict(),
    access: ADMIN_ONLY,
    description: 'Change an account\'s role (the last admin cannot be demoted).',
  }),
  'admin:users:lock': channel<PublicUser>()({
    input: z.object({ id: zId }).strict(),
    access: ADMIN_ONLY,
    description: 'Lock an account until an admin unlocks it.',
  }),
  'admin:users:unlock': channel<PublicUser>()({
    input: z.object({ id: zId }).strict(),
    access: ADMIN_ONLY,
    description: 'Unlock an account and clear its failed attempts.',
  }),
  'admin:users:resetPassword': channel<PublicUser>()({
    input: z.object({ id: zId, newPassword: zPassword }).strict(),
    access: ADMIN_ONLY,
    description: 'Set a temporary password; the user must choose a new one at next login.',
  }),
  'admin:users:delete': channel<null>()({
    input: z.object({ id: zId }).strict(),
    access: ADMIN_ONLY,
    description: 'Delete an account (the last admin cannot be deleted). Its records stay.',
  }),
  'admin:audit:list': channel<AuditPage>()({
    input: z
      .object({
        action: z.string().max(64).optional(),
        actor: z.string().max(64).optional(),
        from: zIsoDate.optional(),
        to: zIsoDate.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    access: ADMIN_ONLY,
    description: 'Audit entries, newest first, filtered.',
  }),
  'admin:audit:verify': channel<AuditVerifyResult>()({
    input: zEmpty,
    access: ADMIN_ONLY,
    description: 'Walk the hash chain and report exactly where it breaks.',
  }),
  'admin:settings:get': channel<AppSettings>()({ input: zEmpty, access: ADMIN_ONLY, description: 'Current settings.' }),
  'admin:settings:set': channel<AppSettings>()({
    input: zSettingsPatch,
    access: ADMIN_ONLY,
    description: 'Change settings (audited).',
  }),
} as const;

/** Model administration: served by the analysis engine's handlers. */
export const adminModelChannels = {
  'admin:models:import': channel<ModelSummary>()({
    input: z.object({ manifestPath: zPath }).strict(),
    access: ADMIN_ONLY,
    description: 'Import a model (manifest JSON beside its ONNX file); a wrong hash or shape is refused.',
  }),
  'admin:models:verify': channel<ModelSummary[]>()({
    input: zEmpty,
    access: ADMIN_ONLY,
    description: 'Re-hash every model file against its manifest.',
  }),
} as const;
