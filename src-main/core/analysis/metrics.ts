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
