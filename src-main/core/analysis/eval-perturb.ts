/**
 * Edits `npm run eval -- --perturb <spec>` applies to every decoded frame before any system sees
 * it, so the project's pipeline and the references are compared on the same edited pictures:
 * how the verdicts hold up when a file has been passed on the way files usually are (re-encoded
 * by a messaging app, shrunk by an upload form).
 *
 * A spec is a comma-separated chain, applied left to right:
 *   jpeg:Q     re-encode as JPEG at quality Q (1–100; libvips/mozjpeg defaults, 4:2:0 chroma)
 *   scale:F    resize by F (0.05–4; Lanczos 3, as most editors and upload services do)
 * e.g. `scale:0.5,jpeg:75` ("half size, then JPEG q75"). A video's frames are edited one by one
 * (a per-frame edit, not a re-encode of the stream).
 */
import { sharp } from '../native';
import type { RgbImage } from './types';

export type FrameEdit = { kind: 'jpeg'; quality: number } | { kind: 'scale'; factor: number };

/** The edits of a spec, or an Error that says what is wrong with it. */
export function parsePerturbation(spec: string): FrameEdit[] {
  const parts = spec.split(',').map((s) => s.trim());
  if (!spec.trim() || parts.some((p) => !p)) throw new Error(`--perturb: empty edit in '${spec}' (e.g. jpeg:75 or scale:0.5,jpeg:75)`);
  return parts.map((p) => {
    const m = /^(jpeg|scale):([0-9]*\.?[0-9]+)$/.exec(p);
    if (!m) throw new Error(`--perturb: '${p}' is not jpeg:Q or scale:F`);
    const v = Number(m[2]);
    if (m[1] === 'jpeg') {
      if (!Number.isInteger(v) || v < 1 || v > 100) throw new Error(`--perturb: JPEG quality ${m[2]} is not a whole number from 1 to 100`);
      return { kind: 'jpeg', quality: v };
    }
    if (!(v >= 0.05 && v <= 4)) throw new Error(`--perturb: scale ${m[2]} is outside 0.05–4`);
    return { kind: 'scale', factor: v };
  });
}

/** Words for a report header, e.g. "resized to 50 % (Lanczos 3), then JPEG q75". */
export function describePerturbation(edits: FrameEdit[]): string {
  return edits
    .map((e) => (e.kind === 'jpeg' ? `JPEG q${e.quality}` : `resized to ${Math.round(e.factor * 1000) / 10} % (Lanczos 3)`))
    .join(', then ');
}

/** One frame after the edits (a new image; the input is not changed). */
export async function applyPerturbation(img: RgbImage, edits: FrameEdit[]): Promise<RgbImage> {
  let cur = img;
  for (const e of edits) {
    let s = sharp(Buffer.from(cur.data.buffer, cur.data.byteOffset, cur.data.byteLength), { raw: { width: cur.width, height: cur.height, channels: 3 } });
    if (e.kind === 'scale') {
      const w = Math.max(1, Math.round(cur.width * e.factor));
      const h = Math.max(1, Math.round(cur.height * e.factor));
      s = s.resize(w, h, { fit: 'fill', kernel: 'lanczos3' });
    } else {
      s = sharp(await s.jpeg({ quality: e.quality, chromaSubsampling: '4:2:0' }).toBuffer());
    }
    const out = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (out.info.channels !== 3) throw new Error(`--perturb: an edited frame came back with ${out.info.channels} channels`);
    cur = { width: out.info.width, height: out.info.height, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength) };
  }
  return cur;
}
