import fs from 'node:fs';
import path from 'node:path';
import { parseManifest, type ManifestRow } from '../src-main/core/analysis/eval-manifest';

/** What the evaluation scripts (eval.ts, eval-copy-move.ts, eval-jpeg-history.ts, eval-splice.ts, eval-jpeg-grid.ts) share: their flags, their --limit, the still pictures they run on, and how they count and compare boxes. */

/** `--name value`, `--name=value` and bare `--flag` (value ''); other words are ignored. */
export function evalArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) out[a.slice(2)] = argv[++i]!;
    else out[a.slice(2)] = ''; // a flag
  }
  return out;
}

/** The first `limit` rows of each source and label after its first `skip`, in manifest order. */
export function firstPerSourceAndLabel<R extends { source: string; fake: boolean }>(rows: R[], limit: number, skip = 0): R[] {
  const per = new Map<string, number>();
  return rows.filter((r) => {
    const key = `${r.source}\t${r.fake}`;
    const k = per.get(key) ?? 0;
    per.set(key, k + 1);
    return k >= skip && k < skip + limit;
  });
}

/** Still pictures by file name. */
export const STILL = /\.(jpe?g|png|webp|bmp|tiff?)$/i;

/**
 * The still pictures of the --data folder's MANIFEST.tsv, of the --only sources, the first --limit
 * of each source and label after its first --skip (what eval-copy-move, eval-jpeg-history,
 * eval-splice and eval-jpeg-grid run on: --skip reads pictures a rule was not chosen on). Without
 * --data it prints `usage` and exits with 2.
 */
export function chosenStills(a: Record<string, string>, usage: string): { dir: string; limit: number; chosen: ManifestRow[] } {
  if (!a.data) {
    console.error(usage);
    process.exit(2);
  }
  const dir = path.resolve(a.data);
  const only = a.only ? new Set(a.only.split(',')) : null;
  const limit = a.limit ? Number(a.limit) : Infinity;
  const skip = a.skip ? Number(a.skip) : 0;
  if (!Number.isInteger(skip) || skip < 0) {
    console.error(`--skip must be a whole number, not ${a.skip}`);
    process.exit(2);
  }
  const rows = parseManifest(fs.readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8')).filter((r) => STILL.test(r.relpath) && (!only || only.has(r.source)));
  return { dir, limit, chosen: firstPerSourceAndLabel(rows, limit, skip) };
}

/** `k` of `n` as a percentage with one decimal, or '–' when `n` is 0. */
export const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)} %` : '–');

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
/** Area of the intersection of two boxes. */
export const overlap = (a: Rect, b: Rect) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
/** Intersection over union of two boxes. */
export const iou = (a: Rect, b: Rect) => {
  const i = overlap(a, b);
  return i / (a.w * a.h + b.w * b.h - i);
};
