/** Number, size, time and verdict wording used throughout the report. */
import type { Detection, VerdictBand } from '../../../src-shared/domain/detection';
import { assertNever } from '../../../src-shared/result';
import { scaleBytes } from '../../../src-shared/format-bytes';
import { COLORS } from './report-writer';

/** "12.4 MB (12,431,009 bytes)". */
export function formatBytes(n: number): string {
  const { value, unit, scaled } = scaleBytes(n);
  const exact = `${n.toLocaleString('en-US')} bytes`;
  return scaled ? `${value.toFixed(value < 10 ? 2 : 1)} ${unit} (${exact})` : exact;
}

/** A probability as a percentage, or a dash when the model could not judge. */
export function pct(p: number | null | undefined, digits = 1): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : `${(p * 100).toFixed(digits)} %`;
}

/** Seconds as "83.42 s" or "1 h 02 min 05 s" for long spans. */
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  if (s < 600) return `${s.toFixed(2)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = Math.round(s % 60);
  return h ? `${h} h ${String(m).padStart(2, '0')} min ${String(r).padStart(2, '0')} s` : `${m} min ${String(r).padStart(2, '0')} s`;
}

/** A valid IANA zone, or UTC when the given one is unknown to this runtime. */
export function safeTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

/** "2026-11-29 22:14:03 Europe/Berlin (UTC+01:00)" — the zone is always named. */
export function dateTime(value: string | Date | null | undefined, tz: string): string {
  if (value === null || value === undefined) return '—';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const zone = safeTimeZone(tz);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', 'UTC') || 'UTC';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${zone} (${offset === 'UTC' ? 'UTC+00:00' : offset})`;
}

/** Upper-case band name as printed. */
export function bandLabel(b: VerdictBand): string {
  switch (b) {
    case 'authentic':
      return 'NO MANIPULATION DETECTED';
    case 'inconclusive':
      return 'INCONCLUSIVE';
    case 'manipulated':
      return 'MANIPULATION LIKELY';
    case 'undetermined':
      return 'UNDETERMINED';
    default:
      return assertNever(b, 'verdict band');
  }
}

/** Colour of a band. */
export function bandColor(b: VerdictBand): string {
  return COLORS[b];
}

/** The latest investigator override, if any (it is what the history shows). */
export function latestOverride(d: Detection): Detection['annotations'][number] | null {
  for (let i = d.annotations.length - 1; i >= 0; i--) if (d.annotations[i]?.override) return d.annotations[i]!;
  return null;
}

/** Mean of the non-null values, or null. */
export function mean(values: (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** Compact JSON-ish rendering of manifest fields (error rates, provenance). */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(describeValue).join(', ');
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${describeValue(x)}`).join('; ');
  return String(v);
}
