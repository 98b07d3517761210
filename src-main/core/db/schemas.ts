/** Schemas of the stored documents, checked on every write and at load (a failing document is set aside: datafile-repair.ts). */
import { z } from 'zod';
import { JOB_STATES, VERDICT_BANDS } from '../../../src-shared/domain/detection';
import { ROLES } from '../../../src-shared/roles';

const zIso = z.string().min(10).max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO date');
const zDocId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');
const zSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a lowercase hex SHA-256');

/** An account as stored (the only place a password hash lives). */
export const zUserDoc = z
  .object({
    _id: zDocId,
    username: z.string().min(1).max(64),
    /** Lower-cased username: uniqueness is case-insensitive. */
    usernameKey: z.string().min(1).max(64),
    displayName: z.string().min(1).max(100),
    role: z.enum(ROLES),
    passwordHash: z.string().regex(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/, 'not a bcrypt hash'),
    createdAt: zIso,
    updatedAt: zIso,
    passwordChangedAt: zIso,
    lastLoginAt: zIso.nullable(),
    failedAttempts: z.number().int().min(0),
    lockedUntil: zIso.nullable(),
    adminLocked: z.boolean(),
    mustChangePassword: z.boolean(),
  })
  .strict();
export type UserDoc = z.infer<typeof zUserDoc>;

/**
 * The index row of a detection: the fields history lists, filters and sorts on. The full
 * record lives in records/<id>.json (see detections.ts for why).
 */
export const zDetectionRow = z
  .object({
    _id: zDocId,
    ownerId: zDocId,
    ownerName: z.string().max(100),
    status: z.enum(JOB_STATES),
    createdAt: zIso,
    finishedAt: zIso.nullable(),
    kind: z.enum(['image', 'video']),
    fileName: z.string().max(1024),
    /** Lower-cased file name for case-insensitive search. */
    fileNameKey: z.string().max(1024),
    sha256: z.union([zSha256, z.literal('')]),
    band: z.enum(VERDICT_BANDS),
    probability: z.number().min(0).max(1).nullable(),
    overridden: z.boolean(),
  })
  .strict();
export type DetectionRow = z.infer<typeof zDetectionRow>;

/** An exported PDF report. */
export const zReportDoc = z
  .object({
    _id: zDocId,
    detectionId: zDocId,
    path: z.string().min(1).max(4096),
    sha256: zSha256,
    createdAt: zIso,
    authorId: zDocId,
    authorName: z.string().max(100),
    /** Owner of the analysed record: reports are scoped like the record they describe. */
    ownerId: zDocId,
    fileName: z.string().max(1024),
    caseReference: z.string().max(200).nullable(),
  })
  .strict();
export type ReportDoc = z.infer<typeof zReportDoc>;

/** Store metadata (schema version). */
export const zMetaDoc = z
  .object({
    _id: z.literal('schema'),
    version: z.number().int().min(1),
    migratedAt: zIso,
    history: z.array(z.object({ from: z.number().int(), to: z.number().int(), at: zIso }).strict()),
  })
  .strict();
export type MetaDoc = z.infer<typeof zMetaDoc>;
