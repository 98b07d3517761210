/** Evidence images for the report, re-encoded at a bounded size so a long video's report stays small. */
import { sharp } from '../native';
import type { ReportImage } from './report-input';

export interface PreparedImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Downscale to at most `maxPx` on the long side and encode as JPEG (photos, overlays) or
 * PNG (tiny crops stay lossless). Returns null for bytes that are not a decodable image,
 * so one damaged artifact never stops a report.
 */
export async function prepareImage(img: ReportImage, maxPx: number): Promise<PreparedImage | null> {
  try {
    const pipeline = sharp(img.data, { failOn: 'error', limitInputPixels: 64_000_000 })
      .rotate()
      .resize({ width: maxPx, height: maxPx, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' });
    const small = maxPx <= 128;
    const { data, info } = small ? await pipeline.png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true }) : await pipeline.jpeg({ quality: 82, mozjpeg: true }).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    return null;
  }
}
