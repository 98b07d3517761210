/** What the evaluation scripts (eval.ts, eval-copy-move.ts, eval-jpeg-history.ts) share: their flags and their --limit. */

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

/** The first `limit` rows of each source and label, in manifest order. */
export function firstPerSourceAndLabel<R extends { source: string; fake: boolean }>(rows: R[], limit: number): R[] {
  const per = new Map<string, number>();
  return rows.filter((r) => {
    const key = `${r.source}\t${r.fake}`;
    const k = per.get(key) ?? 0;
    per.set(key, k + 1);
    return k < limit;
  });
}
