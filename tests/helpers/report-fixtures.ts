/** Synthetic Detection records, manifests and evidence images for report tests. */
import crypto from 'node:crypto';
import sharp from 'sharp';
import type { ArtifactRef, Detection, FaceTrack, FrameResult } from '../../src-shared/domain/detection';
import type { ModelManifest } from '../../src-shared/domain/models';
import type { ReportImage, ReportInput } from '../../src-main/core/reports/report-input';

const hex = (s: string, n: number) => crypto.createHash('sha512').update(s).digest('hex').slice(0, n);

/** A deterministic test picture: a gradient with a bright blob (key frames, crops, heatmaps). */
export async function testImage(seed: number, w: number, h: number, heat = false): Promise<Buffer> {
  const data = Buffer.alloc(w * h * 3);
  const cx = ((seed * 37) % 100) / 100;
  const cy = ((seed * 61) % 100) / 100;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const d = Math.hypot(x / w - cx, y / h - cy);
      const blob = Math.max(0, 1 - d * 3);
      if (heat) {
        data[i] = Math.round(255 * blob);
        data[i + 1] = Math.round(80 * (1 - blob));
        data[i + 2] = Math.round(200 * (1 - blob));
      } else {
        data[i] = Math.round(90 + 120 * (x / w) + 40 * blob);
        data[i + 1] = Math.round(110 + 60 * (y / h) + 30 * blob);
        data[i + 2] = Math.round(140 + 50 * blob);
      }
    }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

/** Manifests for the models named by the fixtures. */
export function testManifests(): ModelManifest[] {
  const base = { input: { name: 'input', shape: [1, 3, 224, 224], layout: 'NCHW' as const, colorOrder: 'RGB' as const, scale: 255, mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number], resize: 'stretch' as const, cropMargin: 1.3 }, outputs: { logit: { name: 'logit', meaning: 'manipulation logit' } } };
  return [
    {
      ...base,
      id: 'mg-face-forgery-effnet',
      version: '1.2.0',
      file: 'mg-face-forgery-effnet.onnx',
      sha256: hex('effnet', 64),
      task: 'face-manipulation',
      calibration: { method: 'temperature', params: { T: 1.37 }, fittedOn: 'held-out validation split (4,200 faces)' },
      thresholds: { authentic: 0.3, manipulated: 0.7 },
      errorRates: { falsePositiveRate: 0.041, falseNegativeRate: 0.087, at: 'threshold 0.70' },
      metrics: [
        { name: 'AUC', value: 0.962, data: 'FaceForensics++ c23 test split, 140 videos' },
        { name: 'Accuracy', value: 0.914, data: 'Celeb-DF v2 test, 518 videos (cross-dataset)' },
      ],
      license: 'Apache-2.0',
      provenance: { trainedOn: 'FaceForensics++ (c23), 720 training videos', producedBy: 'training/face-forgery (MediaGuard)' },
      description: 'Frame-level face manipulation classifier on aligned face crops.',
    },
    {
      ...base,
      id: 'mg-generated-image-vit',
      version: '0.9.1',
      file: 'mg-generated-image-vit.onnx',
      sha256: hex('vit', 64),
      task: 'generated-image',
      calibration: { method: 'platt', params: { a: 1.12, b: -0.4 }, fittedOn: 'validation split' },
      metrics: [{ name: 'AUC', value: 0.931, data: 'GenImage subset, 6 generators, 3,000 images' }],
      license: 'MIT',
      provenance: { trainedOn: 'GenImage subset' },
    },
  ];
}

function baseDetection(kind: 'image' | 'video', name: string): Detection {
  return {
    id: `det-${hex(name, 12)}`,
    ownerId: 'u-analyst',
    ownerName: 'analyst',
    status: 'done',
    createdAt: '2026-11-20T09:15:02.000Z',
    finishedAt: '2026-11-20T09:15:41.000Z',
    kind,
    file: {
      name,
      path: `/cases/2026-117/${name}`,
      sizeBytes: kind === 'video' ? 48_213_447 : 2_318_776,
      hashes: { sha256: hex(`${name}256`, 64), sha1: hex(`${name}1`, 40), md5: hex(`${name}md5`, 32) },
      claimedExtension: name.split('.').pop() ?? '',
      extensionMismatch: false,
    },
    media: null,
    metadata: {
      highlights: [
        { label: 'Camera', value: 'Canon EOS R6' },
        { label: 'Software', value: 'Adobe Photoshop 25.1 (Windows)' },
        { label: 'Date taken', value: '2026:11:18 21:04:33' },
      ],
      groups: { exif: { Make: 'Canon', Model: 'EOS R6' }, xmp: { CreatorTool: 'Adobe Photoshop 25.1' } },
      flags: [
        { code: 'EDITING_SOFTWARE', severity: 'warning', message: 'The file was last saved by image-editing software (Adobe Photoshop 25.1).' },
        { code: 'DATES_DIFFER', severity: 'notice', message: 'The modification date is two days after the capture date.' },
      ],
      hasEmbeddedThumbnail: true,
      thumbnailDiffers: true,
    },
    sampling: null,
    verdict: { band: 'manipulated', probability: 0.873, thresholds: { authentic: 0.3, manipulated: 0.7 }, explanation: 'The face-manipulation model scored the largest face at 0.87, above the 0.70 threshold.', decidedBy: 'faces' },
    faceTracks: [],
    frames: [],
    imageScores: [],
    models: [
      { id: 'mg-face-forgery-effnet', version: '1.2.0', sha256: hex('effnet', 64), task: 'face-manipulation', provider: 'cpu' },
      { id: 'mg-face-detector', version: '1.0.0', sha256: hex('det', 64), task: 'face-detection', provider: 'cpu' },
    ],
    warnings: [],
    timingsMs: { probe: 41, hash: 12, faces: 380, classify: 910 },
    tools: { ffmpeg: { path: '/usr/bin/ffmpeg', version: '5.1.6-0+deb12u1', source: 'path' }, ffprobe: { path: '/usr/bin/ffprobe', version: '5.1.6-0+deb12u1', source: 'path' }, appVersion: '0.1.0', executionProvider: 'cpu' },
    artifacts: [],
    annotations: [],
    error: null,
    reports: [],
  };
}

/** A still image with one face track, a whole-image score and forensic layers. */
export function imageDetection(name: string): Detection {
  const d = baseDetection('image', name);
  d.media = { kind: 'image', format: 'jpeg', mime: 'image/jpeg', sizeBytes: d.file.sizeBytes, width: 4000, height: 3000, rotation: 0, durationSec: null, fps: null, frameCount: null, bitRate: null, container: null, videoCodec: null, audioCodec: null, streams: [], tags: {} };
  d.sampling = { strategy: { kind: 'even', count: 1 }, method: 'image', frames: [{ index: 0, timeSec: 0 }] };
  d.frames = [{ index: 0, timeSec: 0, faceCount: 1, probability: 0.873, keyframeArtifact: 'frame-0.png', heatmapArtifact: 'heat-0.png' }];
  d.faceTracks = [{ trackId: 1, band: 'manipulated', probability: 0.873, observations: [{ frameIndex: 0, timeSec: 0, box: { x: 1510, y: 820, w: 640, h: 700, confidence: 0.99 }, probability: 0.873, rawLogit: 2.41, faceArtifact: 'face-1-0.png', heatmapArtifact: 'faceheat-1-0.png' }] }];
  d.imageScores = [{ modelId: 'mg-generated-image-vit', probability: 0.212, rawLogit: -1.31, band: 'authentic' }];
  d.models.push({ id: 'mg-generated-image-vit', version: '0.9.1', sha256: hex('vit', 64), task: 'generated-image', provider: 'cpu' });
  d.verdict.decidedBy = 'combined';
  const art = (key: string, kind: ArtifactRef['kind'], w: number, h: number): ArtifactRef => ({ key, kind, mime: 'image/png', width: w, height: h, frameIndex: 0 });
  d.artifacts = [art('frame-0.png', 'keyframe', 400, 300), art('heat-0.png', 'heatmap', 400, 300), art('face-1-0.png', 'face', 96, 96), { ...art('faceheat-1-0.png', 'heatmap', 96, 96), note: 'mg-face-sbi: where it sees a blending boundary.' }, art('ela.png', 'ela', 400, 300), art('noise.png', 'noise', 400, 300), { key: 'clone', kind: 'clone', mime: 'image/png', width: 400, height: 300, note: 'Copy-move check: one pair.' }, { key: 'splice', kind: 'splice', mime: 'image/png', width: 400, height: 300, note: 'Splice map: one region.' }, { key: 'grid', kind: 'grid', mime: 'image/png', width: 400, height: 300, note: 'Shifted-grid map: one region.' }];
  d.copyMove = {
    method: 'dense-dct-patchmatch 1',
    regions: [{ a: { x: 212, y: 1804, w: 410, h: 388 }, b: { x: 2950, y: 1760, w: 410, h: 388 }, shift: { dx: 2738, dy: -44 }, mirrored: true, areaShare: 0.0126, rmsDiff: 1.8 }],
    analysedLongSide: 768,
    texturedShare: 0.81,
    artifact: 'clone',
  };
  d.splice = { method: 'double-quantisation block map 1', earlierQuality: 60, regions: [{ x: 1480, y: 800, w: 688, h: 736, areaShare: 0.0422, peak: 212.6 }], threshold: 80, coverage: 1, artifact: 'splice' };
  d.grid = {
    method: 'shifted-grid DC lattice map 1',
    pictureGrid: null,
    regions: [{ x: 2560, y: 240, w: 512, h: 448, areaShare: 0.0183, peak: 41.6, dx: 6, dy: 1, earlierStep: 13, earlierQuality: 59 }],
    threshold: 24,
    coverage: 1,
    artifact: 'grid',
  };
  d.annotations = [
    { id: 'a1', authorId: 'u-inv', authorName: 'Dr. Lena Vogt', createdAt: '2026-11-21T10:02:00.000Z', note: 'Lighting on the face is inconsistent with the background; requested the original from the source.' },
    { id: 'a2', authorId: 'u-inv', authorName: 'Dr. Lena Vogt', createdAt: '2026-11-22T14:30:00.000Z', note: 'Original obtained: it shows a different person.', override: { band: 'manipulated', reason: 'Comparison with the original file from the source device.' } },
  ];
  return d;
}

/** A video with `tracks` face tracks over `frames` sampled frames. */
export function videoDetection(name: string, tracks: number, frames: number): Detection {
  const d = baseDetection('video', name);
  const duration = 42.5;
  d.media = {
    kind: 'video', format: 'mp4', mime: 'video/mp4', sizeBytes: d.file.sizeBytes, width: 1920, height: 1080, rotation: 0, durationSec: duration, fps: 29.97, frameCount: 1274, bitRate: 9_075_000, container: 'mov,mp4,m4a,3gp,3g2,mj2', videoCodec: 'h264', audioCodec: 'aac',
    streams: [
      { index: 0, type: 'video', codec: 'h264', profile: 'High', width: 1920, height: 1080, pixFmt: 'yuv420p', fps: 29.97, bitRate: 8_900_000, durationSec: duration, frameCount: 1274 },
      { index: 1, type: 'audio', codec: 'aac', profile: 'LC', sampleRate: 48000, channels: 2, bitRate: 128_000, durationSec: duration },
    ],
    tags: { major_brand: 'isom', encoder: 'Lavf60.3.100' },
  };
  const times = Array.from({ length: frames }, (_, i) => +((i * duration) / frames).toFixed(3));
  d.sampling = { strategy: { kind: 'even', count: frames }, method: 'seek', frames: times.map((t, i) => ({ index: i, timeSec: t })) };
  const fr: FrameResult[] = times.map((t, i) => ({ index: i, timeSec: t, faceCount: 0, probability: null }));
  const tr: FaceTrack[] = [];
  for (let k = 0; k < tracks; k++) {
    const obs = [];
    for (let i = k % 3; i < frames; i += 1) {
      const wave = 0.5 + 0.45 * Math.sin(i / 5 + k);
      const p = i % 17 === 5 && k === 0 ? null : Math.min(0.99, Math.max(0.01, k === 0 ? 0.55 + 0.4 * Math.sin(i / 6) ** 2 : wave * (0.3 + (k % 4) * 0.15)));
      obs.push({ frameIndex: i, timeSec: times[i]!, box: { x: 100 + k * 40, y: 200, w: 120, h: 140, confidence: 0.97 }, probability: p, rawLogit: p === null ? null : Math.log(p / (1 - p)), faceArtifact: `face-${k}-${i}.png`, heatmapArtifact: `faceheat-${k}-${i}.png` });
      const f = fr[i]!;
      f.faceCount++;
      if (p !== null) f.probability = Math.max(f.probability ?? 0, p);
    }
    const ps = obs.map((o) => o.probability).filter((p): p is number => p !== null);
    const mean = ps.reduce((a, b) => a + b, 0) / Math.max(1, ps.length);
    tr.push({ trackId: k + 1, observations: obs, probability: mean, band: mean >= 0.7 ? 'manipulated' : mean < 0.3 ? 'authentic' : 'inconclusive' });
  }
  for (const f of fr) {
    f.keyframeArtifact = `frame-${f.index}.png`;
    f.heatmapArtifact = `heat-${f.index}.png`;
  }
  d.frames = fr;
  d.faceTracks = tr;
  d.warnings = [{ code: 'HEAVY_RECOMPRESSION', message: 'The video was re-encoded at a low bit rate; fine manipulation traces may be lost.' }];
  d.verdict = { band: 'inconclusive', probability: 0.64, thresholds: { authentic: 0.3, manipulated: 0.7 }, explanation: 'Track 1 scores high in parts of the video, but the average over the track stays below the manipulation threshold.', decidedBy: 'faces' };
  return d;
}

/** Artifact reader over generated images (the same few pictures reused, as a real record would vary). */
export function artifactReader(): { read: (key: string) => Promise<ReportImage | null>; reads: string[] } {
  const cache = new Map<string, Promise<Buffer>>();
  const reads: string[] = [];
  const make = (key: string): Promise<Buffer> => {
    const seed = [...key].reduce((a, c) => a + c.charCodeAt(0), 0) % 9;
    const heat = key.includes('heat');
    const small = key.startsWith('face');
    const id = `${seed}-${heat}-${small}`;
    let p = cache.get(id);
    if (!p) {
      p = testImage(seed, small ? 96 : 320, small ? 96 : 180, heat);
      cache.set(id, p);
    }
    return p;
  };
  return {
    reads,
    read: async (key) => {
      reads.push(key);
      if (key === 'missing.png') return null;
      return { data: await make(key), mime: 'image/png' };
    },
  };
}

/** A complete report input around a detection. */
export function reportInput(detection: Detection, over: Partial<ReportInput> = {}): ReportInput {
  return {
    reportId: 'rpt-3f9c2a71-5b0e-4d8e-9a51-0c7e2b1d4f60',
    detection,
    manifests: testManifests(),
    author: { userId: 'u-inv', username: 'lvogt', displayName: 'Dr. Lena Vogt', role: 'investigator' },
    caseReference: 'CASE-2026-117',
    notes: 'Submitted by the regional press office on 19 November 2026 for verification before publication.',
    appVersion: '0.1.0',
    generatedAt: '2026-11-29T21:30:00.000Z',
    timeZone: 'Europe/Berlin',
    readArtifact: artifactReader().read,
    ...over,
  };
}
