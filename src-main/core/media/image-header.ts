/**
 * Declared image dimensions read straight from the header bytes, before any decoder runs,
 * so a decompression bomb (a tiny file claiming 100000×100000 pixels) is refused without
 * ever allocating its pixels. TIFF/HEIF/AVIF go through sharp's header-only metadata.
 */
import fs from 'node:fs';

export interface Dimensions {
  width: number;
  height: number;
}

/** PNG/GIF/BMP/WebP dimensions from the first bytes; null when not one of those or too short. */
export function headerDimensions(format: string, head: Buffer): Dimensions | null {
  switch (format) {
    case 'png':
      // IHDR is always the first chunk: width and height at fixed offsets.
      if (head.length < 24 || head.toString('latin1', 12, 16) !== 'IHDR') return null;
      return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
    case 'gif':
      if (head.length < 10) return null;
      return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
    case 'bmp': {
      if (head.length < 26) return null;
      const dib = head.readUInt32LE(14);
      if (dib === 12) return { width: head.readUInt16LE(18), height: head.readUInt16LE(20) };
      if (head.length < 26) return null;
      return { width: Math.abs(head.readInt32LE(18)), height: Math.abs(head.readInt32LE(22)) };
    }
    case 'webp': {
      if (head.length < 30) return null;
      const chunk = head.toString('latin1', 12, 16);
      if (chunk === 'VP8X') return { width: 1 + head.readUIntLE(24, 3), height: 1 + head.readUIntLE(27, 3) };
      if (chunk === 'VP8 ') return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
      if (chunk === 'VP8L') {
        const bits = head.readUInt32LE(21);
        return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
      }
      return null;
    }
    default:
      return null;
  }
}

/** JPEG dimensions from the first SOFn segment, walking markers with small reads. */
export async function jpegDimensions(filePath: string): Promise<Dimensions | null> {
  const fh = await fs.promises.open(filePath, 'r');
  try {
    const buf = Buffer.alloc(10);
    let pos = 2;
    const size = (await fh.stat()).size;
    // Bounded walk: a hostile file cannot make us loop forever.
    for (let guard = 0; guard < 10_000 && pos + 4 <= size; guard++) {
      const { bytesRead } = await fh.read(buf, 0, 10, pos);
      if (bytesRead < 4) return null;
      if (buf[0] !== 0xff) return null;
      const marker = buf[1]!;
      if (marker === 0xff) {
        pos += 1; // fill byte
        continue;
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        pos += 2;
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) return null; // end of image or start of scan without SOF
      const len = buf.readUInt16BE(2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) {
        if (bytesRead < 9) return null;
        return { height: buf.readUInt16BE(5), width: buf.readUInt16BE(7) };
      }
      if (len < 2) return null;
      pos += 2 + len;
    }
    return null;
  } finally {
    await fh.close();
  }
}

/**
 * Frames of an animated PNG (APNG): an acTL chunk before the first IDAT makes it one. The count
 * is the larger of what acTL declares and the fcTL (frame control) chunks present, since either
 * can be forged. null for a still PNG (or an acTL after IDAT, which the APNG spec ignores).
 */
export function apngFrameCount(png: Buffer): number | null {
  if (png.length < 8 || png.readUInt32BE(0) !== 0x89504e47) return null;
  let declared: number | null = null;
  let fctl = 0;
  let pos = 8;
  for (let guard = 0; guard < 1_000_000 && pos + 8 <= png.length; guard++) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (type === 'acTL' && declared === null && pos + 12 <= png.length) declared = png.readUInt32BE(pos + 8);
    else if (type === 'IDAT' && declared === null) return null;
    else if (type === 'fcTL') fctl++;
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  return declared === null ? null : Math.max(declared, fctl);
}
