/** poppler-utils wrappers for report tests: text extraction and page rendering. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** Text of a PDF (pdftotext), per page when `page` is given. */
export function pdfText(pdf: Buffer, opts: { page?: number; layout?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-pdf-'));
  try {
    const file = path.join(dir, 'r.pdf');
    fs.writeFileSync(file, pdf);
    const args = [...(opts.layout ? ['-layout'] : []), ...(opts.page ? ['-f', String(opts.page), '-l', String(opts.page)] : []), file, '-'];
    return execFileSync('pdftotext', args, { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Page count from pdfinfo. */
export function pdfPages(pdf: Buffer): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-pdf-'));
  try {
    const file = path.join(dir, 'r.pdf');
    fs.writeFileSync(file, pdf);
    const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    return Number(/Pages:\s+(\d+)/.exec(out)?.[1] ?? 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Render pages to PNG (pdftoppm) and return their paths in a fresh temp dir. */
export function renderPages(pdf: Buffer, opts: { dpi?: number; first?: number; last?: number } = {}): { files: string[]; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-pdf-'));
  const file = path.join(dir, 'r.pdf');
  fs.writeFileSync(file, pdf);
  const range = [...(opts.first ? ['-f', String(opts.first)] : []), ...(opts.last ? ['-l', String(opts.last)] : [])];
  execFileSync('pdftoppm', ['-r', String(opts.dpi ?? 50), '-png', ...range, file, path.join(dir, 'p')]);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => path.join(dir, f));
  return { files, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Fraction of pixels that are not (near) white. */
export async function inkFraction(png: string): Promise<number> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! < 200) ink++;
  return ink / (info.width * info.height);
}

/** Remove the bidi embedding marks poppler adds around right-to-left text. */
export function stripBidiMarks(s: string): string {
  return s.replace(/[\u202a-\u202e\u200e\u200f]/g, '');
}
