/**
 * The camera fingerprint file (`<data dir>/cameras/<id>.mgfp`): self-describing, so one file
 * can be copied to another MediaGuard and checked there.
 *
 *   "MGFP" (4 bytes) · version u8 (1) · header length u32 LE · header JSON (UTF-8) ·
 *   crop.w × crop.h float32 LE values, row-major (the fingerprint K over the crop)
 *
 * The header carries the SHA-256 of the values; a file whose values do not hash to it, whose
 * header is malformed or whose sizes disagree is refused with a clear error, never half-read.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CameraSummary } from '../../../src-shared/domain/cameras';
import { AppError } from '../../../src-shared/result';

const MAGIC = Buffer.from('MGFP', 'ascii');
const VERSION = 1;
/** Longest header accepted (names of up to 500 sources with their hashes fit easily). */
const MAX_HEADER = 1 << 20;
/** Largest fingerprint side (the crop is at most 2048 a side; anything larger is not ours). */
const MAX_SIDE = 4096;

const zHeader = z.object({
  format: z.literal('mediaguard-camera-fingerprint'),
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1).max(200),
  make: z.string().max(200).nullable(),
  model: z.string().max(200).nullable(),
  width: z.number().int().min(1).max(1_000_000),
  height: z.number().int().min(1).max(1_000_000),
  crop: z.object({ x: z.number().int().min(0), y: z.number().int().min(0), w: z.number().int().min(16).max(MAX_SIDE), h: z.number().int().min(16).max(MAX_SIDE) }),
  images: z.number().int().min(1),
  sources: z.array(z.object({ name: z.string().max(1000), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).max(10_000),
  createdAt: z.string().max(40),
  createdBy: z.string().max(200),
  dataSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type FingerprintHeader = z.infer<typeof zHeader>;

/** A fingerprint read back: its header and values. */
export interface FingerprintFile {
  header: FingerprintHeader;
  /** crop.w × crop.h values. */
  data: Float32Array;
  /** SHA-256 of the whole file. */
  sha256: string;
  sizeBytes: number;
}

/** The file's bytes for a header (less its data hash, computed here) and values. */
export function encodeFingerprint(header: Omit<FingerprintHeader, 'format' | 'dataSha256'>, data: Float32Array): Buffer {
  if (data.length !== header.crop.w * header.crop.h) throw new RangeError(`fingerprint has ${data.length} values for a ${header.crop.w}×${header.crop.h} crop`);
  const values = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) values.writeFloatLE(data[i]!, i * 4);
  const full: FingerprintHeader = { format: 'mediaguard-camera-fingerprint', ...header, dataSha256: createHash('sha256').update(values).digest('hex') };
  const json = Buffer.from(JSON.stringify(full), 'utf8');
  const head = Buffer.alloc(9);
  MAGIC.copy(head, 0);
  head.writeUInt8(VERSION, 4);
  head.writeUInt32LE(json.length, 5);
  return Buffer.concat([head, json, values]);
}

/** Parse and check a fingerprint file's bytes; `name` is for the error messages. */
export function decodeFingerprint(bytes: Buffer, name: string): FingerprintFile {
  const bad = (why: string) => new AppError('VALIDATION', `"${name}" is not a usable camera fingerprint: ${why}.`);
  if (bytes.length < 9 || !bytes.subarray(0, 4).equals(MAGIC)) throw bad('it does not start as a MediaGuard fingerprint file');
  const version = bytes.readUInt8(4);
  if (version !== VERSION) throw bad(`it is format version ${version}; this MediaGuard reads version ${VERSION}`);
  const len = bytes.readUInt32LE(5);
  if (len > MAX_HEADER || 9 + len > bytes.length) throw bad('its header is cut off or too long');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.subarray(9, 9 + len).toString('utf8'));
  } catch {
    throw bad('its header is not valid JSON');
  }
  const h = zHeader.safeParse(parsed);
  if (!h.success) throw bad(`its header is malformed (${h.error.issues[0]?.path.join('.') || 'header'}: ${h.error.issues[0]?.message ?? 'invalid'})`);
  const header = h.data;
  if (header.crop.x + header.crop.w > header.width || header.crop.y + header.crop.h > header.height) throw bad('its crop lies outside the picture size it states');
  // The filters and the correlation need powers of two; MediaGuard writes nothing else.
  if ((header.crop.w & (header.crop.w - 1)) !== 0 || (header.crop.h & (header.crop.h - 1)) !== 0) throw bad(`its crop of ${header.crop.w}×${header.crop.h} is not a power of two a side`);
  const values = bytes.subarray(9 + len);
  if (values.length !== header.crop.w * header.crop.h * 4) throw bad(`it holds ${values.length} bytes of values for a ${header.crop.w}×${header.crop.h} crop (${header.crop.w * header.crop.h * 4} expected)`);
  if (createHash('sha256').update(values).digest('hex') !== header.dataSha256) throw bad('its values do not match the hash in its header (damaged or edited)');
  const data = new Float32Array(header.crop.w * header.crop.h);
  for (let i = 0; i < data.length; i++) {
    const v = values.readFloatLE(i * 4);
    if (!Number.isFinite(v)) throw bad('it holds a value that is not a finite number');
    data[i] = v;
  }
  return { header, data, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length };
}

/** The summary the library lists. */
export function summaryOf(f: Pick<FingerprintFile, 'header' | 'sha256' | 'sizeBytes'>): CameraSummary {
  const h = f.header;
  return { id: h.id, name: h.name, make: h.make, model: h.model, width: h.width, height: h.height, crop: h.crop, images: h.images, sources: h.sources, createdAt: h.createdAt, createdBy: h.createdBy, sha256: f.sha256, sizeBytes: f.sizeBytes };
}
