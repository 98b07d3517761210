/**
 * Edits `npm run eval -- --perturb <spec>` applies to every decoded frame before any system sees
 * it, so the project's pipeline and the references are compared on the same edited pictures:
 * how the verdicts hold up when a file has been passed on the way files usually are (re-encoded
 * by a messaging app, shrunk by an upload form).
 *
 * A spec is a comma-separated chain, applied left to right:
 *   jpeg:Q     re-encode as JPEG at quality Q (1–100; libvips/mozjpeg defaults, 4:2:0 chroma)
 *   scale:F    resize by F (0.05–4; Lanczos 3, as most editors and upload services do)
 *   avif:Q     encode as AVIF at quality Q (1–100; libvips/libaom, 4:2:0, effort 4) and decode it again
 *   heic:Q     encode as HEIC at quality Q (1–100) with libheif's heif-enc (x265, 4:2:0; needs the
 *              heif-enc binary: Debian libheif-examples, or MEDIAGUARD_HEIF_ENC) and decode it with
 *              the app's own HEIF decoder — a picture as an iPhone would have stored it
 * e.g. `scale:0.5,jpeg:75` ("half size, then JPEG q75"). A video's frames are edited one by one
 * (a per-frame edit, not a re-encode of the stream).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharp } from '../native';
import { decodeHeif } from '../media/heif';
import { lastErrorLine, runTool } from '../media/run-tool';
import { rgbSharp } from './render';
import type { RgbImage } from './types';

export type FrameEdit = { kind: 'jpeg' | 'heic' | 'avif'; quality: number } | { kind: 'scale'; factor: number };

/** The file format a picture would have after this edit as its last one (a resize leaves raw pixels), as probe names formats. */
export function formatAfter(edit: FrameEdit): string {
  return edit.kind === 'heic' ? 'heif' : edit.kind === 'scale' ? 'raw' : edit.kind;
}

/** The edits of a spec, or an Error that says what is wrong with it. */
export function parsePerturbation(spec: string): FrameEdit[] {
  const parts = spec.split(',').map((s) => s.trim());
  if (!spec.trim() || parts.some((p) => !p)) throw new Error(`--perturb: empty edit in '${spec}' (e.g. jpeg:75 or scale:0.5,jpeg:75)`);
  return parts.map((p) => {
    const m = /^(jpeg|heic|avif|scale):([0-9]*\.?[0-9]+)$/.exec(p);
    if (!m) throw new Error(`--perturb: '${p}' is not jpeg:Q, heic:Q, avif:Q or scale:F`);
    const v = Number(m[2]);
    if (m[1] === 'jpeg' || m[1] === 'heic' || m[1] === 'avif') {
      if (!Number.isInteger(v) || v < 1 || v > 100) throw new Error(`--perturb: ${m[1].toUpperCase()} quality ${m[2]} is not a whole number from 1 to 100`);
      return { kind: m[1], quality: v };
    }
    if (!(v >= 0.05 && v <= 4)) throw new Error(`--perturb: scale ${m[2]} is outside 0.05–4`);
    return { kind: 'scale', factor: v };
  });
}

/** Words for a report header, e.g. "resized to 50 % (Lanczos 3), then JPEG q75". */
export function describePerturbation(edits: FrameEdit[]): string {
  return edits
    .map((e) => (e.kind === 'scale' ? `resized to ${Math.round(e.factor * 1000) / 10} % (Lanczos 3)` : `${e.kind.toUpperCase()} q${e.quality}`))
    .join(', then ');
}

/** One frame after the edits (a new image; the input is not changed). */
export async function applyPerturbation(img: RgbImage, edits: FrameEdit[]): Promise<RgbImage> {
  let cur = img;
  for (const e of edits) {
    if (e.kind === 'heic') {
      cur = await heicRoundTrip(cur, e.quality);
      continue;
    }
    let s = rgbSharp(cur);
    if (e.kind === 'scale') {
      const w = Math.max(1, Math.round(cur.width * e.factor));
      const h = Math.max(1, Math.round(cur.height * e.factor));
      s = s.resize(w, h, { fit: 'fill', kernel: 'lanczos3' });
    } else if (e.kind === 'avif') {
      s = sharp(await s.avif({ quality: e.quality, chromaSubsampling: '4:2:0', effort: 4 }).toBuffer());
    } else {
      s = sharp(await s.jpeg({ quality: e.quality, chromaSubsampling: '4:2:0' }).toBuffer());
    }
    const out = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (out.info.channels !== 3) throw new Error(`--perturb: an edited frame came back with ${out.info.channels} channels`);
    cur = { width: out.info.width, height: out.info.height, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength) };
  }
  return cur;
}

/** Encode with heif-enc (from a lossless PNG) and decode with the app's libheif: what an iPhone-style HEIC holds. */
async function heicRoundTrip(img: RgbImage, quality: number): Promise<RgbImage> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-perturb-heic-'));
  try {
    const png = path.join(dir, 'in.png');
    const heic = path.join(dir, 'out.heic');
    await rgbSharp(img).png({ compressionLevel: 1 }).toFile(png);
    const bin = process.env.MEDIAGUARD_HEIF_ENC || 'heif-enc';
    const r = await runTool(bin, ['-q', String(quality), png, '-o', heic], { what: 'heif-enc', timeoutMs: 120_000 }).catch((err: unknown) => {
      throw new Error(`--perturb heic: cannot run ${bin} (Debian: apt-get install libheif-examples; or set MEDIAGUARD_HEIF_ENC): ${err instanceof Error ? err.message : String(err)}`);
    });
    if (r.code !== 0) throw new Error(`--perturb heic: ${bin} failed: ${lastErrorLine(r.stderr)}`);
    const d = decodeHeif(await fs.promises.readFile(heic), 'perturbed.heic', Number.MAX_SAFE_INTEGER);
    return { width: d.width, height: d.height, data: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength) };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
