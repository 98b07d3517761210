/**
 * Manifests for the third-party reference models folder (YuNet, MesoNet), which ships
 * ONNX files and a SHA256SUMS list but no manifests. Used only when such a folder is
 * given at run time (--models-dir / MEDIAGUARD_MODELS_DIR); nothing here is bundled.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelManifest } from '../../../src-shared/domain/models';

interface RefSpec {
  rel: string;
  manifest: Omit<ModelManifest, 'file' | 'sha256'>;
}

const meso = (id: string, version: string): Omit<ModelManifest, 'file' | 'sha256'> => ({
  id,
  version,
  task: 'face-manipulation',
  input: { name: 'input', shape: [-1, 256, 256, 3], layout: 'NHWC', colorOrder: 'RGB', scale: 255, mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch', cropMargin: 1.3 },
  outputs: { logit: { name: 'p_real', format: 'probability-real', meaning: '1 = real, 0 = manipulated' } },
  metrics: [{ name: 'frame AUC (DeepfakeBench, FF++ c23)', value: version.startsWith('Meso4') ? 0.608 : 0.758, data: 'FaceForensics++ c23 (published)' }],
  license: 'Apache-2.0',
  provenance: { source: 'DariusAf/MesoNet, converted to ONNX', reference: true },
  description: 'Reference baseline (MesoNet, Afchar et al. 2018); not a project model.',
});

const SPECS: RefSpec[] = [
  {
    rel: 'yunet/yunet_n_640_640.onnx',
    manifest: {
      id: 'ref-yunet-n-640',
      version: 'yunet_n_640_640',
      task: 'face-detection',
      input: { name: 'input', shape: [1, 3, 640, 640], layout: 'NCHW', colorOrder: 'BGR', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], resize: 'letterbox' },
      outputs: { format: 'yunet', scoreThreshold: 0.6, nmsIou: 0.45 },
      metrics: [{ name: 'WIDER FACE val AP (hard)', value: 0.811, data: 'WIDER FACE val (published)' }],
      license: 'Apache-2.0',
      provenance: { source: 'libfacedetection.train', reference: true },
      description: 'Reference face detector (YuNet); not a project model.',
    },
  },
  { rel: 'mesonet/Meso4_DF.onnx', manifest: meso('ref-meso4-df', 'Meso4_DF') },
  { rel: 'mesonet/MesoInception_DF.onnx', manifest: meso('ref-mesoinception-df', 'MesoInception_DF') },
  { rel: 'mesonet/Meso4_F2F.onnx', manifest: meso('ref-meso4-f2f', 'Meso4_F2F') },
  { rel: 'mesonet/MesoInception_F2F.onnx', manifest: meso('ref-mesoinception-f2f', 'MesoInception_F2F') },
];

/** True when dir looks like the reference-models folder. */
export function isReferenceFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'SHA256SUMS')) && fs.existsSync(path.join(dir, 'mesonet')) && fs.existsSync(path.join(dir, 'yunet'));
}

/** Manifests (with absolute file paths) for the reference models present in dir. */
export function referenceManifests(dir: string): { manifest: ModelManifest; filePath: string }[] {
  const sums = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!, m[1]!);
  }
  const out: { manifest: ModelManifest; filePath: string }[] = [];
  for (const s of SPECS) {
    const filePath = path.join(dir, s.rel);
    const sha256 = sums.get(s.rel);
    if (!sha256 || !fs.existsSync(filePath)) continue;
    out.push({ manifest: { ...s.manifest, file: path.basename(s.rel), sha256 } as ModelManifest, filePath });
  }
  return out;
}
