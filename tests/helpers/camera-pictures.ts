/**
 * Synthetic camera pictures for the sensor-noise (PRNU) tests: each "camera" has its own
 * multiplicative pixel pattern K (0.6 % by default, within the 0.1–1 % real sensors show); a
 * photo is a random scene × (1 + K) plus shot noise, rounded to 8 bits and saved as JPEG (or
 * PNG). Seeded, so every run sees the same pictures.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { prng } from '../../src-main/core/analysis/metrics';
import type { FingerprintFile } from '../../src-main/core/cameras/fingerprint-file';

/** A small seeded PRNG (mulberry32, the one the bootstrap intervals use). */
export { prng };

/** A standard normal draw (Box–Muller). */
export function gauss(r: () => number): number {
  let u = 0;
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** A camera: its size and sensor pattern. */
export interface SimCamera {
  width: number;
  height: number;
  k: Float32Array;
}

export function simCamera(seed: number, width: number, height: number, strength = 0.006): SimCamera {
  const r = prng(seed);
  const k = new Float32Array(width * height);
  for (let i = 0; i < k.length; i++) k[i] = strength * gauss(r);
  return { width, height, k };
}

/** One RGB photo of a random scene (smooth shading, hard-edged shapes, grain of ±`texture`) through the camera's sensor. */
export function simPhoto(cam: SimCamera, seed: number, texture = 6): Buffer {
  const { width: W, height: H } = cam;
  const r = prng(seed);
  const waves = Array.from({ length: 5 }, () => ({ fx: (r() * 4) / W, fy: (r() * 4) / H, ph: r() * 6.28, a: 15 + r() * 25 }));
  const tint = [0.8 + r() * 0.4, 0.8 + r() * 0.4, 0.8 + r() * 0.4];
  const base = 70 + r() * 60;
  // Hard-edged shapes and fine texture: scene detail the denoiser cannot tell from noise, as in real photos.
  const shapes = Array.from({ length: 30 }, () => ({ x: r() * W, y: r() * H, w: 10 + r() * W * 0.3, h: 10 + r() * H * 0.3, d: (r() - 0.5) * 60 }));
  const grain = new Float32Array(Math.ceil(W / 3) * Math.ceil(H / 3)).map(() => (r() - 0.5) * 2 * texture);
  const gw = Math.ceil(W / 3);
  const out = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = base + grain[Math.floor(y / 3) * gw + Math.floor(x / 3)]!;
      for (const s of shapes) if (x >= s.x && x < s.x + s.w && y >= s.y && y < s.y + s.h) v += s.d;
      for (const w of waves) v += w.a * Math.sin(2 * Math.PI * (w.fx * x + w.fy * y) + w.ph);
      const k = 1 + cam.k[y * W + x]!;
      for (let c = 0; c < 3; c++) {
        const s = v * tint[c]! * k + 1.5 * gauss(r);
        out[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(s)));
      }
    }
  }
  return out;
}

/** Write a photo; `cut` keeps only that part of the frame, `turn` stores it turned clockwise (as a phone held upright stores its rows). */
export async function writePhoto(
  file: string,
  cam: SimCamera,
  seed: number,
  opts: { format?: 'jpeg' | 'png'; turn?: 0 | 90 | 180 | 270; make?: string; model?: string; resize?: number; cut?: { left: number; top: number; width: number; height: number } } = {},
): Promise<string> {
  let img = sharp(simPhoto(cam, seed), { raw: { width: cam.width, height: cam.height, channels: 3 } });
  if (opts.cut) img = sharp(await img.extract(opts.cut).png().toBuffer());
  if (opts.turn) img = sharp(await img.rotate(opts.turn).png().toBuffer());
  if (opts.resize) img = sharp(await img.resize({ width: Math.round(cam.width * opts.resize) }).png().toBuffer());
  if (opts.make || opts.model) img = img.withExif({ IFD0: { ...(opts.make ? { Make: opts.make } : {}), ...(opts.model ? { Model: opts.model } : {}) } });
  const bytes = opts.format === 'png' ? await img.png().toBuffer() : await img.jpeg({ quality: 95 }).toBuffer();
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, bytes);
  return file;
}

/** RGB rows (`width` wide) with the square (x, y, side) replaced by the same square of `from`, moved by (dx, dy) there. */
export function pasteSquare(into: Buffer, from: Buffer, width: number, x: number, y: number, side: number, dx = 0, dy = 0): Buffer {
  const out = Buffer.from(into);
  for (let j = y; j < y + side; j++) from.copy(out, (j * width + x) * 3, ((j + dy) * width + x + dx) * 3, ((j + dy) * width + x + dx + side) * 3);
  return out;
}

/** A library fingerprint (as loadCameraDir gives it) around estimated values, for comparing without writing a file. */
export function fingerprintFile(opts: { id: string; name: string; width: number; height: number; crop: { x: number; y: number; w: number; h: number }; images: number; data: Float32Array }): FingerprintFile {
  const { id, name, width, height, crop, images, data } = opts;
  return {
    header: { id, name, make: null, model: null, width, height, crop, images, sources: [], createdAt: '', createdBy: '', dataSha256: '0'.repeat(64), format: 'mediaguard-camera-fingerprint' },
    data,
    sha256: '',
    sizeBytes: 0,
  };
}
