/** Detection metrics for the evaluation script: AUC, EER, TPR at a fixed FPR, accuracy. */

export interface Scored {
  /** true = manipulated/generated. */
  fake: boolean;
  score: number;
}

/** Area under the ROC curve (Mann–Whitney, ties counted half); null without both classes. */
export function auc(xs: Scored[]): number | null {
  const pos = xs.filter((x) => x.fake).length;
  const neg = xs.length - pos;
  if (!pos || !neg) return null;
  const sorted = [...xs].sort((a, b) => a.score - b.score);
  let rankSumPos = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k]!.fake) rankSumPos += avgRank;
    i = j;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** ROC points (fpr, tpr) at every distinct threshold, from strict to lax. */
function roc(xs: Scored[]): { fpr: number; tpr: number; t: number }[] {
  const pos = xs.filter((x) => x.fake).length;
  const neg = xs.length - pos;
  const ts = [...new Set(xs.map((x) => x.score))].sort((a, b) => b - a);
  const pts = [{ fpr: 0, tpr: 0, t: Infinity }];
  for (const t of ts) {
    let tp = 0;
    let fp = 0;
    for (const x of xs) {
      if (x.score < t) continue;
      if (x.fake) tp++;
      else fp++;
    }
    pts.push({ fpr: fp / neg, tpr: tp / pos, t });
  }
  return pts;
}

/** Equal error rate (where false-positive and false-negative rates meet), interpolated. */
export function eer(xs: Scored[]): number | null {
  if (!xs.some((x) => x.fake) || !xs.some((x) => !x.fake)) return null;
  const pts = roc(xs);
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const da = a.fpr - (1 - a.tpr);
    const db = b.fpr - (1 - b.tpr);
    if (da <= 0 && db >= 0) {
      const f = db === da ? 0 : -da / (db - da);
      return a.fpr + f * (b.fpr - a.fpr);
    }
  }
  return null;
}

/** Highest true-positive rate with a false-positive rate at most maxFpr. */
export function tprAtFpr(xs: Scored[], maxFpr = 0.05): number | null {
  if (!xs.some((x) => x.fake) || !xs.some((x) => !x.fake)) return null;
  return Math.max(...roc(xs).filter((p) => p.fpr <= maxFpr).map((p) => p.tpr));
}

/** Accuracy of banded decisions: inconclusive and undetermined are counted apart, not as right or wrong. */
export function bandAccuracy(xs: { fake: boolean; band: string }[]): { accuracy: number | null; decided: number; inconclusive: number } {
  const decided = xs.filter((x) => x.band === 'manipulated' || x.band === 'authentic');
  const right = decided.filter((x) => (x.band === 'manipulated') === x.fake).length;
  return { accuracy: decided.length ? right / decided.length : null, decided: decided.length, inconclusive: xs.length - decided.length };
}

/** Result of pairedAucBootstrap: the observed AUC difference and its percentile interval. */
export interface AucDifference {
  /** AUC(a) − AUC(b) on the items as given. */
  diff: number;
  /** 2.5th and 97.5th percentiles of the resampled differences. */
  lo: number;
  hi: number;
  /** Share of resamples in which a ranked better than b (ties count half). */
  shareBetter: number;
  resamples: number;
}

/** Small seeded PRNG (mulberry32): the same seed gives the same intervals on every run (tests use it for the same reason). */
export function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Paired bootstrap of the AUC difference of two systems scored on the same items (a[i] and
 * b[i] are the same file): items are resampled with replacement within each label, so every
 * resample keeps the group's real/fake counts, and both systems are scored on the same
 * resample. With `clusters` (one key per item), whole clusters are resampled instead (a
 * cluster bootstrap: frames of one video, or files cut from one source file, move together),
 * which widens the interval when items of a cluster are alike; without it, each item is its
 * own cluster and items are treated as independent. Null without both labels.
 */
export function pairedAucBootstrap(
  a: Scored[],
  b: Scored[],
  opts: { resamples?: number; seed?: number; clusters?: readonly string[] } = {},
): AucDifference | null {
  if (a.length !== b.length) throw new Error(`pairedAucBootstrap: ${a.length} vs ${b.length} items`);
  if (opts.clusters && opts.clusters.length !== a.length) throw new Error(`pairedAucBootstrap: ${opts.clusters.length} cluster keys for ${a.length} items`);
  a.forEach((x, i) => {
    if (x.fake !== b[i]!.fake) throw new Error(`pairedAucBootstrap: item ${i} has different labels`);
  });
  const a0 = auc(a);
  const b0 = auc(b);
  if (a0 === null || b0 === null) return null;
  const n = opts.resamples ?? 2000;
  const rand = prng(opts.seed ?? 1);
  // units of resampling per label: clusters (keyed with the label, so a mixed cluster splits) or single items
  const units = (fake: boolean): number[][] => {
    const m = new Map<string, number[]>();
    a.forEach((x, i) => {
      if (x.fake !== fake) return;
      const k = opts.clusters ? opts.clusters[i]! : String(i);
      const u = m.get(k);
      if (u) u.push(i);
      else m.set(k, [i]);
    });
    return [...m.values()];
  };
  const pos = units(true);
  const neg = units(false);
  const draw = (us: number[][]) => us.flatMap(() => us[Math.floor(rand() * us.length)]!);
  const diffs: number[] = [];
  let better = 0;
  for (let r = 0; r < n; r++) {
    const idx = [...draw(pos), ...draw(neg)];
    const d = auc(idx.map((i) => a[i]!))! - auc(idx.map((i) => b[i]!))!;
    diffs.push(d);
    better += d > 0 ? 1 : d === 0 ? 0.5 : 0;
  }
  diffs.sort((x, y) => x - y);
  const pct = (p: number) => diffs[Math.min(n - 1, Math.max(0, Math.round(p * (n - 1))))]!;
  return { diff: a0 - b0, lo: pct(0.025), hi: pct(0.975), shareBetter: better / n, resamples: n };
}
