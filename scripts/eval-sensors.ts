/**
 * Simulated camera sensors over real content, shared by the camera evaluations
 * (eval-sensor-map.ts, eval-camera-scale.ts): no set of pictures from known cameras is available,
 * so each simulated camera (tests/helpers/camera-pictures.ts) lays its own multiplicative pattern
 * over the --data folder's real photographs, or over the helpers' synthetic scenes without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parseManifest } from '../src-main/core/analysis/eval-manifest';
import { gauss, prng, simPhoto, type SimCamera } from '../tests/helpers/camera-pictures';
import { firstPerSourceAndLabel, STILL } from './eval-args';

/** Content pictures as RGB rows of W × H: the folder's real photographs, or synthetic scenes. */
export async function contents(a: Record<string, string>, W: number, H: number, count: number): Promise<{ name: string; rgb: () => Promise<Buffer> }[]> {
  if (!a.data) {
    const flat: SimCamera = { width: W, height: H, k: new Float32Array(W * H) };
    return Array.from({ length: count }, (_, i) => ({ name: `synthetic scene ${i}`, rgb: async () => simPhoto(flat, 90_000 + i) }));
  }
  const dir = path.resolve(a.data);
  const rows = parseManifest(fs.readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8')).filter((r) => !r.fake && STILL.test(r.relpath));
  const out: { name: string; rgb: () => Promise<Buffer> }[] = [];
  for (const r of firstPerSourceAndLabel(rows, Infinity)) {
    if (out.length >= count) break;
    const file = path.join(dir, r.relpath);
    const meta = await sharp(file).metadata().catch(() => null);
    if (!meta?.width || !meta.height || Math.min(meta.width, meta.height) < 512) continue;
    out.push({ name: r.relpath, rgb: async () => sharp(file).rotate().resize(W, H, { fit: 'cover' }).removeAlpha().raw().toBuffer() });
  }
  return out;
}

/** `content` through a camera's sensor: content × (1 + K) plus shot noise, 8-bit RGB rows. */
export function expose(cam: SimCamera, content: Buffer, seed: number): Buffer {
  const r = prng(seed);
  const out = Buffer.alloc(cam.width * cam.height * 3);
  for (let i = 0; i < cam.width * cam.height; i++) {
    const k = 1 + cam.k[i]!;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(content[i * 3 + c]! * k + 1.5 * gauss(r))));
  }
  return out;
}
