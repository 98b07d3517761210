/** Test helpers: well-formed Detection records. */
import crypto from 'node:crypto';
import type { Detection, VerdictBand } from '../../src-shared/domain/detection';

/** A finished, valid Detection; override any field. */
export function makeDetection(o: Partial<Detection> & { band?: VerdictBand; probability?: number | null; sha256?: string } = {}): Detection {
  const { band, probability, sha256, ...rest } = o;
  const name = rest.file?.name ?? 'photo.jpg';
  const sha = sha256 ?? crypto.createHash('sha256').update(name + Math.random()).digest('hex');
  const p = probability === undefined ? 0.12 : probability;
  return {
    id: '',
    ownerId: 'owner-1',
    ownerName: 'owner1',
    status: 'done',
    createdAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    kind: 'image',
    file: {
      name,
      path: `/evidence/${name}`,
      sizeBytes: 1234,
      hashes: { sha256: sha, sha1: crypto.createHash('sha1').update(sha).digest('hex'), md5: crypto.createHash('md5').update(sha).digest('hex') },
      claimedExtension: 'jpg',
      extensionMismatch: false,
    },
    media: null,
    metadata: null,
    sampling: null,
    verdict: {
      band: band ?? 'authentic',
      probability: p,
      thresholds: { authentic: 0.3, manipulated: 0.7 },
      explanation: 'test verdict',
      decidedBy: 'faces',
    },
    faceTracks: [],
    frames: [{ index: 0, timeSec: 0, faceCount: 1, probability: p }],
    imageScores: [],
    models: [{ id: 'm', version: '1', sha256: 'a'.repeat(64), task: 'face-manipulation', provider: 'cpu' }],
    warnings: [],
    timingsMs: { total: 10 },
    tools: { ffmpeg: null, ffprobe: null, appVersion: '0.0.0-test', executionProvider: 'cpu' },
    artifacts: [],
    annotations: [],
    error: null,
    reports: [],
    ...rest,
  };
}
