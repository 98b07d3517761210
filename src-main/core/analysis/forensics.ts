/**
 * Classic forensic layers, shown as evidence beside the model verdicts (they do not vote):
 * - error-level analysis: re-save as JPEG at a known quality and show where the picture
 *   changes most; regions pasted in from another source often recompress differently;
 * - noise residual: the picture minus its local prediction (a Laplacian); spliced or
 *   synthesised regions often carry a different noise texture than the camera's.
 * Both are computed at full resolution (downscaling first would erase exactly these traces)
 * by libvips, and only the finished map is shrunk for display.
 */
import sharp from 'sharp';
import type { RgbImage } from './types';

const rawOf = (img: RgbImage) => ({ input: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), raw: { width: img.width, height: img.height, channels: 3 as const } });

/** Stretch so the 99.5th percentile maps to white (a few outliers must not flatten the map). */
function stretch(data: Uint8Array): number {
  const hist = new Uint32Array(256);
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    hist[data[i]!]!++;
    sum += data[i]!;
  }
  let seen = 0;
  let p = 255;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen >= 0.995 * data.length) {
      p = Math.max(1, v);
      break;
    }
  }
  const gain = 255 / p;
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.round(data[i]! * gain));
  return sum / Math.max(1, data.length);
}

/** Error-level map |image − JPEG(image, quality)|, shown at most maxSide wide, contrast-stretched. */
export async function errorLevel(img: RgbImage, opts: { quality?: number; maxSide?: number } = {}): Promise<{ image: RgbImage; meanError: number }> {
  const src = rawOf(img);
  const jpeg = await sharp(src.input, { raw: src.raw }).jpeg({ quality: opts.quality ?? 90, chromaSubsampling: '4:4:4' }).toBuffer();
  const resaved = await sharp(jpeg).raw().toBuffer();
  const max = opts.maxSide ?? 1600;
  // sharp resizes before compositing, so the difference is taken in its own pass.
  const diff = await sharp(src.input, { raw: src.raw }).composite([{ input: resaved, raw: src.raw, blend: 'difference' }]).removeAlpha().raw().toBuffer();
  const { data, info } = await sharp(diff, { raw: src.raw })
    .resize({ width: max, height: max, fit: 'inside', withoutEnlargement: true, kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const meanError = stretch(data);
  return { image: { width: info.width, height: info.height, data }, meanError };
}

const LAPLACE = [0, -1, 0, -1, 4, -1, 0, -1, 0];

/** libvips hands single-band results back as sRGB (three equal bands): keep band 0. */
function band0(r: { data: Buffer; info: { width: number; height: number; channels: number } }): Buffer {
  if (r.info.channels === 1) return r.data;
  const out = Buffer.alloc(r.info.width * r.info.height);
  for (let i = 0; i < out.length; i++) out[i] = r.data[i * r.info.channels]!;
  return out;
}

/** Noise residual |4·x − (N + S + E + W)| / 4 of the luma, shown at most maxSide wide, contrast-stretched. */
export async function noiseResidual(img: RgbImage, opts: { maxSide?: number } = {}): Promise<RgbImage> {
  const src = rawOf(img);
  const grey = band0(await sharp(src.input, { raw: src.raw }).greyscale().raw().toBuffer({ resolveWithObject: true }));
  const g = { raw: { width: img.width, height: img.height, channels: 1 as const } };
  // 8-bit convolution clamps at 0: the positive and negative parts, added, give the magnitude.
  const part = async (k: number[]) => band0(await sharp(grey, g).convolve({ width: 3, height: 3, kernel: k, scale: 4 }).raw().toBuffer({ resolveWithObject: true }));
  const [pos, neg] = await Promise.all([part(LAPLACE), part(LAPLACE.map((v) => -v))]);
  const max = opts.maxSide ?? 1600;
  const mag = Buffer.alloc(pos.length);
  for (let i = 0; i < mag.length; i++) mag[i] = Math.min(255, pos[i]! + neg[i]!);
  const small = await sharp(mag, g).resize({ width: max, height: max, fit: 'inside', withoutEnlargement: true, kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
  const info = small.info;
  const stretched = band0(small);
  stretch(stretched);
  const rgb = new Uint8Array(info.width * info.height * 3);
  for (let i = 0; i < stretched.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = stretched[i]!;
  return { width: info.width, height: info.height, data: rgb };
}
