/**
 * Schema of a full Detection record, checked before it is stored: the fields history,
 * reports and the audit rely on are checked strictly; engine detail (media, metadata,
 * per-frame data) is checked for shape only, so the engine can grow it freely.
 */
import { z } from 'zod';
import { JOB_STATES, VERDICT_BANDS, type Detection } from '../../../src-shared/domain/detection';

const zIso = z.string().min(10).max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO date');
const zId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');
const zProb = z.number().min(0).max(1).nullable();
const zBand = z.enum(VERDICT_BANDS);
const zHex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`), `not a ${n}-digit lowercase hex digest`);
const zObj = z.record(z.string(), z.unknown());
const zBox = z.object({ x: z.number().min(0), y: z.number().min(0), w: z.number().min(0), h: z.number().min(0) }).strict();
const zShift = z.number().int().min(0).max(7);
/** A libjpeg quality, or null when the steps match no standard table. */
const zQuality = z.number().int().min(1).max(100).nullable();
const zDcStep = z.number().int().min(1).max(255);
/** A region a block map reports (splice map, shifted-grid map). */
const zMapRegion = zBox.extend({ areaShare: z.number().min(0).max(1), peak: z.number() });

export const zArtifactKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'artifact keys are letters, digits, dot, dash, underscore, not starting with a dot');

/** The sensor-noise map of a picture that matches a camera (SensorNoiseCheck). */
const sensorNoiseSchema = z
  .object({
    method: z.string().min(1).max(200),
    cameraId: z.string().min(1).max(64),
    cameraName: z.string().min(1).max(200),
    area: zBox,
    coverage: z.number().min(0).max(1),
    judgedShare: z.number().min(0).max(1),
    block: z.number().int().positive(),
    threshold: z.number(),
    regions: z.array(zBox.extend({ areaShare: z.number().min(0).max(1), blocks: z.number().int().positive(), correlation: z.number(), predicted: z.number() }).strict()).max(10_000),
    artifact: zArtifactKey.optional(),
  })
  .strict();

/** What media analysed apart from the file's own (hidden by an edit list, appended) records: its frames and their verdict. */
const zApart = {
  frames: z.array(z.object({ mediaSec: z.number().min(0), faceCount: z.number().int().min(0), probability: zProb, band: zBand, artifact: zArtifactKey.optional() }).strict()).max(64),
  probability: zProb,
  band: zBand,
  note: z.string().max(2000),
};

const zAnnotation = z
  .object({
    id: zId,
    authorId: zId,
    authorName: z.string().max(100),
    createdAt: zIso,
    note: z.string().min(1).max(5000),
    override: z.object({ band: zBand, reason: z.string().min(1).max(2000) }).strict().optional(),
  })
  .strict();

/** The full record schema. */
export const zDetection = z
  .object({
    id: zId,
    ownerId: zId,
    ownerName: z.string().max(100),
    status: z.enum(JOB_STATES),
    createdAt: zIso,
    finishedAt: zIso.nullable(),
    kind: z.enum(['image', 'video']),
    file: z
      .object({
        name: z.string().max(1024),
        path: z.string().max(4096),
        sizeBytes: z.number().int().min(0),
        // Empty until the hash stage ran (a record can fail before it).
        hashes: z.object({ sha256: z.union([zHex(64), z.literal('')]), sha1: z.union([zHex(40), z.literal('')]), md5: z.union([zHex(32), z.literal('')]) }).strict(),
        claimedExtension: z.string().max(64),
        extensionMismatch: z.boolean(),
      })
      .strict(),
    media: zObj.nullable(),
    metadata: zObj.nullable(),
    sampling: zObj.nullable(),
    verdict: z
      .object({
        band: zBand,
        probability: zProb,
        thresholds: z.object({ authentic: z.number().min(0).max(1), manipulated: z.number().min(0).max(1) }).passthrough(),
        explanation: z.string().max(10_000),
        decidedBy: z.enum(['faces', 'generated-image', 'combined', 'none']),
      })
      .strict(),
    faceTracks: z.array(z.object({ trackId: z.number().int(), observations: z.array(zObj), probability: zProb, band: zBand }).passthrough()),
    frames: z.array(z.object({ index: z.number().int().min(0), timeSec: z.number().min(0), probability: zProb }).passthrough()),
    imageScores: z.array(z.object({ modelId: z.string(), probability: zProb, band: zBand }).passthrough()),
    copyMove: z
      .object({
        method: z.string().min(1).max(100),
        regions: z.array(z.object({ a: zBox, b: zBox, shift: z.object({ dx: z.number(), dy: z.number() }).strict(), mirrored: z.boolean(), areaShare: z.number().min(0).max(1), rmsDiff: z.number().min(0) }).strict()).max(250),
        analysedLongSide: z.number().int().min(0),
        texturedShare: z.number().min(0).max(1),
        patternSteps: z.number().int().min(0).max(1000).optional(),
        artifact: zArtifactKey.optional(),
      })
      .strict()
      .nullable()
      .optional(),
    splice: z
      .object({
        method: z.string().min(1).max(100),
        earlierQuality: zQuality,
        regions: z.array(zMapRegion).max(50),
        threshold: z.number().positive(),
        coverage: z.number().min(0).max(1),
        artifact: zArtifactKey.optional(),
      })
      .strict()
      .nullable()
      .optional(),
    grid: z
      .object({
        method: z.string().min(1).max(100),
        pictureGrid: z.object({ dx: zShift, dy: zShift, earlierStep: zDcStep, earlierQuality: zQuality, share: z.number().min(0).max(1) }).strict().nullable(),
        regions: z.array(zMapRegion.extend({ dx: zShift, dy: zShift, earlierStep: zDcStep, earlierQuality: zQuality })).max(50),
        threshold: z.number().positive(),
        coverage: z.number().min(0).max(1),
        artifact: zArtifactKey.optional(),
      })
      .strict()
      .nullable()
      .optional(),
    hiddenMedia: z
      .object({
        trackId: z.number().int().min(0),
        spans: z.array(z.object({ startSec: z.number().min(0), endSec: z.number().min(0) }).strict()).max(1000),
        hiddenSec: z.number().min(0),
        mediaSec: z.number().min(0),
        ...zApart,
      })
      .strict()
      .nullable()
      .optional(),
    appendedMedia: z
      .object({
        offset: z.number().int().min(0),
        bytes: z.number().int().min(0),
        foundAs: z.string().min(1).max(200),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        format: z.string().max(40).nullable(),
        kind: z.enum(['image', 'video']).nullable(),
        durationSec: z.number().min(0).nullable(),
        width: z.number().int().min(0).nullable(),
        height: z.number().int().min(0).nullable(),
        ...zApart,
      })
      .strict()
      .nullable()
      .optional(),
    sourceCamera: z
      .object({
        cameras: z.number().int().min(0),
        otherSizes: z.number().int().min(0),
        matches: z
          .array(
            z
              .object({
                cameraId: z.string().min(1).max(64),
                cameraName: z.string().min(1).max(200),
                outcome: z.enum(['match', 'inconclusive', 'no-match', 'not-comparable']),
                pce: z.number().nullable(),
                rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).nullable(),
                scale: z.number().gt(0).lt(1).optional(),
                offset: z.object({ x: z.number().int().min(0), y: z.number().int().min(0) }).strict().optional(),
                threshold: z.number().positive(),
                note: z.string().max(1000).nullable(),
              })
              .strict(),
          )
          .max(10_000),
        problems: z.array(z.string().max(2000)).max(10_000),
        integrity: sensorNoiseSchema.nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    models: z.array(z.object({ id: z.string().min(1), version: z.string(), sha256: z.string(), task: z.string(), provider: z.string() }).passthrough()),
    warnings: z.array(z.object({ code: z.string().min(1), message: z.string() }).strict()),
    timingsMs: z.record(z.string(), z.number()),
    tools: z.object({ ffmpeg: zObj.nullable(), ffprobe: zObj.nullable(), appVersion: z.string(), executionProvider: z.string() }).strict(),
    artifacts: z.array(
      z
        .object({
          key: zArtifactKey,
          kind: z.enum(['keyframe', 'heatmap', 'face', 'ela', 'noise', 'overlay', 'clone', 'splice', 'grid', 'hidden', 'sensor']),
          mime: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/),
          width: z.number().int().min(0),
          height: z.number().int().min(0),
          frameIndex: z.number().int().min(0).optional(),
          trackId: z.number().int().optional(),
          note: z.string().max(1000).optional(),
        })
        .strict(),
    ),
    annotations: z.array(zAnnotation),
    error: z.object({ code: z.string().min(1), message: z.string() }).strict().nullable(),
    reports: z.array(z.object({ id: zId, path: z.string(), sha256: zHex(64), createdAt: zIso }).strict()),
  })
  .strict();

/** Validate a record; returns the issues or null. */
export function detectionIssues(d: unknown): string[] | null {
  const r = zDetection.safeParse(d);
  if (r.success) return null;
  return r.error.issues.slice(0, 8).map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`);
}

// Compile-time check that the schema and the domain type agree on the top-level keys.
type Keys = keyof z.infer<typeof zDetection>;
type KeysMatch = Keys extends keyof Detection ? (keyof Detection extends Keys ? true : false) : false;
const keysMatch: KeysMatch = true;
void keysMatch;
