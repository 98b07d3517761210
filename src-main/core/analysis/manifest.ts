/**
 * Model manifests (models/<id>.json): parsed strictly at the edge, so the rest of the
 * engine can rely on their shape. Output conventions per task:
 * - face-detection: `boxes` [1,N,4] x1y1x2y2 normalised, `scores` [1,N], optional
 *   `landmarks` [1,N,K,2] normalised, plus `scoreThreshold` and `nmsIou`; or
 *   `format: 'yunet'` for YuNet's twelve stride outputs (decoded here).
 * - face-manipulation / generated-image: `logit` [N,1] (format 'logit', or a probability:
 *   'probability-manipulated' / 'probability-real'), optional `heatmap` [N,1,h,w] in 0..1.
 */
import { z } from 'zod';
import type { ModelManifest } from '../../../src-shared/domain/models';
import { AppError } from '../../../src-shared/result';

const zOutput = z
  .object({ name: z.string().min(1), shape: z.array(z.number()).optional(), meaning: z.string().optional(), caption: z.string().max(400).optional(), format: z.string().optional(), points: z.array(z.string()).optional() })
  .passthrough();

const zCalibration = z.discriminatedUnion('method', [
  z.object({ method: z.literal('temperature'), params: z.object({ T: z.number().positive() }), fittedOn: z.string() }),
  z.object({ method: z.literal('platt'), params: z.object({ a: z.number(), b: z.number() }), fittedOn: z.string() }),
  z.object({
    method: z.literal('isotonic'),
    params: z.object({ x: z.array(z.number()), y: z.array(z.number().min(0).max(1)) }).refine((p) => p.x.length === p.y.length, 'x and y differ in length'),
    fittedOn: z.string(),
  }),
]);

const zThresholds = z
  .object({ authentic: z.number().min(0).max(1), manipulated: z.number().min(0).max(1) })
  .refine((t) => t.authentic <= t.manipulated, 'authentic threshold must not exceed manipulated');

const zCodingCalibration = z.object({ calibration: zCalibration, thresholds: zThresholds, errorRates: z.record(z.string(), z.unknown()).optional() }).passthrough();

const zManifest = z
  .object({
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'id may hold letters, digits, dot, dash and underscore'),
    version: z.string().min(1).max(64),
    file: z.string().min(1).max(255).refine((f) => !/[\\/]/.test(f) && f !== '..' && f !== '.', 'file must be a bare file name beside the manifest'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
    task: z.enum(['face-detection', 'face-manipulation', 'generated-image']),
    input: z
      .object({
        name: z.string().min(1),
        shape: z.array(z.number().int()).min(4).max(4),
        layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
        colorOrder: z.enum(['RGB', 'BGR']).default('RGB'),
        scale: z.number().positive().default(255),
        mean: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
        std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([1, 1, 1]),
        resize: z.enum(['stretch', 'letterbox', 'center-crop']).default('stretch'),
        cropMargin: z.number().min(1).max(4).optional(),
        align: z.boolean().optional(),
        border: z.enum(['black', 'reflect']).optional(),
      })
      .passthrough(),
    outputs: z.record(z.string(), z.union([zOutput, z.number(), z.string()])),
    calibration: zCalibration.optional(),
    thresholds: zThresholds.optional(),
    errorRates: z.record(z.string(), z.unknown()).optional(),
    realExceedance: z
      .object({ p: z.array(z.number().min(0).max(1)).min(2).max(512), share: z.array(z.number().min(0).max(1)), measuredOn: z.string() })
      .refine((e) => e.p.length === e.share.length, 'p and share differ in length')
      .refine((e) => e.p.every((v, i) => i === 0 || v > e.p[i - 1]!), 'p must increase')
      .refine((e) => e.share.every((v, i) => i === 0 || v <= e.share[i - 1]!), 'share must not increase')
      .optional(),
    metrics: z.array(z.object({ name: z.string(), value: z.number(), data: z.string() })).default([]),
    license: z.string().min(1),
    provenance: z.record(z.string(), z.unknown()).default({}),
    sizeCorrection: z
      .object({ px: z.array(z.number().positive().finite()).min(2).max(64), logit: z.array(z.number().finite()), measuredOn: z.string() })
      .refine((c) => c.px.length === c.logit.length, 'px and logit differ in length')
      .refine((c) => c.px.every((v, i) => i === 0 || v > c.px[i - 1]!), 'px must increase')
      .optional(),
    codings: z.object({ hevc: zCodingCalibration.optional(), av1: zCodingCalibration.optional() }).strict().optional(),
    limits: z.record(z.string(), z.number()).optional(),
    description: z.string().optional(),
  })
  .passthrough()
  .superRefine((m, ctx) => {
    const need = (key: string) => {
      const o = m.outputs[key];
      if (typeof o !== 'object') ctx.addIssue({ code: 'custom', path: ['outputs', key], message: `a ${m.task} model must declare outputs.${key}.name` });
    };
    if (m.codings && m.task !== 'generated-image') {
      ctx.addIssue({ code: 'custom', path: ['codings'], message: 'per-coding calibration is for generated-image models only' });
    }
    if (m.input.resize === 'center-crop' && m.task !== 'generated-image') {
      ctx.addIssue({ code: 'custom', path: ['input', 'resize'], message: "'center-crop' is for generated-image models only" });
    }
    if (m.task === 'face-detection') {
      if (m.outputs.format !== 'yunet') {
        need('boxes');
        need('scores');
      }
    } else need('logit');
  });

/** Parse and check a manifest; a bad one is a MODEL_INVALID error naming the first problems. */
export function parseManifest(json: unknown, where: string): ModelManifest {
  const r = zManifest.safeParse(json);
  if (!r.success) {
    const why = r.error.issues
      .slice(0, 4)
      .map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`)
      .join('; ');
    throw new AppError('MODEL_INVALID', `Model manifest ${where} is invalid — ${why}`);
  }
  return r.data as unknown as ModelManifest;
}

/** The name of a declared output, or null when the manifest has none under that key. */
export function outputName(m: ModelManifest, key: string): string | null {
  const o = m.outputs[key];
  return typeof o === 'object' && o !== null ? o.name : null;
}

/** A numeric setting kept in outputs (e.g. scoreThreshold), with a default. */
export function outputNumber(m: ModelManifest, key: string, fallback: number): number {
  const o = m.outputs[key];
  return typeof o === 'number' && Number.isFinite(o) ? o : fallback;
}

/** How a classifier's score output is expressed. */
export type ScoreFormat = 'logit' | 'probability-manipulated' | 'probability-real';

/** The score format of a classifier (defaults to a raw logit). */
export function scoreFormat(m: ModelManifest): ScoreFormat {
  const o = m.outputs.logit;
  const f = typeof o === 'object' && o !== null ? o.format : undefined;
  return f === 'probability-manipulated' || f === 'probability-real' ? f : 'logit';
}
