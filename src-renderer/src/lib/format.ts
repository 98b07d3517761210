/** Formatting helpers shared by the screens. */
import type { JobState, VerdictBand } from '../../../src-shared/domain/detection';
import { assertNever } from '../../../src-shared/result';

/** "73.4 %" or an em dash when there is no score. */
export function pct(p: number | null | undefined, digits = 1): string {
  return p === null || p === undefined || Number.isNaN(p) ? '—' : `${(p * 100).toFixed(digits)} %`;
}

/** Human file size. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Local date and time, to the minute. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** "1 min 05 s", "12 s". */
export function duration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Timestamp within a video: m:ss.s */
export function timecode(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

/** What each band is called in the UI. */
export const BAND_LABEL: Record<VerdictBand, string> = {
  authentic: 'Likely authentic',
  inconclusive: 'Inconclusive',
  manipulated: 'Likely manipulated',
  undetermined: 'Undetermined',
};

/** A job's or record's state in words. */
export function stateLabel(s: JobState): string {
  switch (s) {
    case 'queued':
      return 'Queued';
    case 'running':
      return 'Running';
    case 'done':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    case 'interrupted':
      return 'Interrupted';
    default:
      return assertNever(s, 'job state');
  }
}

/** Short hash for tables: first 12 hex characters. */
export function shortHash(h: string): string {
  return h.length > 16 ? `${h.slice(0, 12)}…` : h;
}
