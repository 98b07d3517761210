/**
 * JPEG quantisation tables → estimated quality, and whether they are exactly the standard
 * IJG (libjpeg) tables. Camera firmware mostly writes its own tables; exact libjpeg tables
 * are what software (editors, converters, social networks) writes when it re-saves a file.
 */
import fs from 'node:fs';
import { ZIGZAG } from './jpeg-dct';
import { jpegHeaderSegments } from './jpeg-segments';

export const STD_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104,
  113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STD_CHROMA = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/** IJG table for a quality (natural order). */
export function ijgTable(std: readonly number[], q: number): number[] {
  const s = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return std.map((v) => Math.min(255, Math.max(1, Math.floor((v * s + 50) / 100))));
}

/** Quantisation tables (natural order) by table id, from the JPEG header segments. */
export function parseDqt(jpeg: Buffer): Map<number, number[]> {
  const tables = new Map<number, number[]>();
  for (const { marker, payload: d } of jpegHeaderSegments(jpeg)) {
    if (marker !== 0xdb) continue;
    for (let o = 0; o < d.length; ) {
      const pq = d[o]! >> 4;
      const tq = d[o]! & 15;
      o++;
      const t = new Array<number>(64).fill(0);
      const step = pq ? 2 : 1;
      for (let k = 0; k < 64; k++, o += step) {
        if (o + step > d.length) {
          o = d.length; // a table cut short: kept as far as it goes, and nothing after it is read
          break;
        }
        t[ZIGZAG[k]!] = pq ? d.readUInt16BE(o) : d[o]!;
      }
      tables.set(tq, t);
    }
  }
  return tables;
}

export interface JpegQuality {
  /** Estimated IJG-equivalent quality 1..100. */
  quality: number;
  /** True when the tables are exactly libjpeg's standard tables at that quality. */
  standardTables: boolean;
}

/** Estimate quality from the luminance (and chrominance) tables; null without tables. */
export function estimateJpegQuality(tables: Map<number, number[]>): JpegQuality | null {
  const luma = tables.get(0);
  if (!luma) return null;
  const chroma = tables.get(1);
  let best = { q: 50, err: Infinity };
  for (let q = 1; q <= 100; q++) {
    const tl = ijgTable(STD_LUMA, q);
    let err = 0;
    for (let i = 0; i < 64; i++) err += Math.abs(tl[i]! - luma[i]!);
    if (chroma) {
      const tc = ijgTable(STD_CHROMA, q);
      for (let i = 0; i < 64; i++) err += Math.abs(tc[i]! - chroma[i]!);
    }
    if (err < best.err) best = { q, err };
  }
  return { quality: best.q, standardTables: best.err === 0 };
}

/** The most of a file's start searched for its quantisation tables. */
export const JPEG_HEADER_BYTES = 1024 * 1024;

/** Read the JPEG header (up to the first scan, max 1 MiB) and estimate its quality. */
export async function jpegQualityOfFile(p: string): Promise<JpegQuality | null> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const buf = Buffer.alloc(JPEG_HEADER_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return estimateJpegQuality(parseDqt(buf.subarray(0, bytesRead)));
  } finally {
    await fh.close();
  }
}
