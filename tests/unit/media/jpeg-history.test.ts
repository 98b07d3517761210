import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeLumaCoefficients } from '../../../src-main/core/media/jpeg-dct';
import { HISTORY_READ_BYTES, jpegHistory, jpegHistoryOfFile, type JpegHistory } from '../../../src-main/core/media/jpeg-history';
import type { RgbImage } from '../../../src-main/core/analysis/types';
import { texture } from '../../helpers/textures';

const raw = (img: RgbImage) => ({ raw: { width: img.width, height: img.height, channels: 3 as const } });
const save = (img: RgbImage, quality: number) => sharp(Buffer.from(img.data), raw(img)).jpeg({ quality }).toBuffer();
async function resave(buf: Buffer, quality: number, crop?: { left: number; top: number }): Promise<Buffer> {
  let s = sharp(buf);
  if (crop) {
    const m = await sharp(buf).metadata();
    s = s.extract({ ...crop, width: m.width! - crop.left, height: m.height! - crop.top });
  }
  return s.jpeg({ quality }).toBuffer();
}
function history(buf: Buffer): JpegHistory | null {
  const d = decodeLumaCoefficients(buf);
  if (!d.ok) throw new Error(d.reason);
  return jpegHistory(d.luma);
}

describe('JPEG compression history', () => {
  const img = texture(480, 360, 21);

  it('sees no earlier compression in a picture saved once, at any quality', async () => {
    for (const q of [70, 85, 95]) {
      const h = history(await save(img, q));
      expect(h?.finding).toBe('once');
      expect(h?.votes).toBeLessThanOrEqual(1);
      expect(h?.earlierQuality).toBeNull();
      expect(h?.fits.length).toBeGreaterThanOrEqual(5);
    }
  });

  it('finds a second save on the same grid after an earlier, lower quality, and names that quality', async () => {
    for (const [q1, q2] of [
      [50, 75],
      [60, 85],
      [70, 95],
      [80, 90],
    ] as const) {
      const h = history(await resave(await save(img, q1), q2));
      expect(h?.finding, `${q1} → ${q2}`).toBe('twice');
      expect(Math.abs((h?.earlierQuality ?? 0) - q1), `${q1} → ${q2}`).toBeLessThanOrEqual(2);
      expect(h!.votes).toBeGreaterThanOrEqual(3);
      // Each voting frequency's earlier step is coarser than the present one.
      for (const f of h!.fits.filter((x) => x.earlierStep !== x.step && x.ratio <= 0.25)) expect(f.earlierStep).toBeGreaterThan(f.step);
    }
  });

  it('does not take a single save with trellis quantisation (mozjpeg-style) for two, on a smooth picture where finer earlier steps fit', async () => {
    // Smooth content: a finer "earlier step" fits many such single saves (11 of these 24 were called
    // "twice" when finer steps could vote), so only coarser ones are looked for.
    const t = texture(640, 480, 5);
    const smooth = await sharp(Buffer.from(t.data), raw(t)).blur(1.5).raw().toBuffer();
    for (const quantisationTable of [1, 2, 3, 4, 5, 6, 7, 8]) {
      for (const quality of [70, 75, 80]) {
        const buf = await sharp(smooth, raw(t)).jpeg({ quality, quantisationTable, trellisQuantisation: true }).toBuffer();
        expect(history(buf)?.finding, `table ${quantisationTable}, q${quality}`).toBe('once');
      }
    }
  });

  it('cannot see a re-save at the same or a lower quality, nor one after a crop that moved the grid (its stated limits)', async () => {
    expect(history(await resave(await save(img, 80), 80))?.finding).toBe('once');
    expect(history(await resave(await save(img, 90), 75))?.finding).toBe('once');
    expect(history(await resave(await save(img, 60), 90, { left: 3, top: 5 }))?.finding).toBe('once');
    // The same crop by whole blocks keeps the grid: found again.
    expect(history(await resave(await save(img, 60), 90, { left: 8, top: 16 }))?.finding).toBe('twice');
  });

  it('gives no answer where too few coefficients survive', async () => {
    expect(history(await save(texture(16, 16, 2), 90))).toBeNull();
    const flat = { width: 200, height: 200, data: new Uint8Array(200 * 200 * 3).fill(128) };
    expect(history(await save(flat, 90))).toBeNull();
  });

  it('reads a file on disk, but at most its first 64 MiB: a picture whose data starts later is not analysed, and says why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-histfile-'));
    try {
      const twice = await resave(await save(img, 60), 90);
      const p = path.join(dir, 'twice.jpg');
      fs.writeFileSync(p, twice);
      const r = await jpegHistoryOfFile(p);
      expect(r.ok && r.history?.finding).toBe('twice');
      // The same file behind 65 MiB of comment segments (64 KiB each).
      const com = Buffer.alloc(65537);
      com.writeUInt16BE(0xfffe, 0);
      com.writeUInt16BE(65535, 2);
      const n = Math.ceil((HISTORY_READ_BYTES + 1024 * 1024) / com.length);
      const padded = path.join(dir, 'padded.jpg');
      fs.writeFileSync(padded, Buffer.concat([twice.subarray(0, 2), ...Array.from({ length: n }, () => com), twice.subarray(2)]));
      expect(await jpegHistoryOfFile(padded)).toEqual({ ok: false, reason: 'the first 64 MiB of the file do not hold the first 4 megapixels of the picture' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
