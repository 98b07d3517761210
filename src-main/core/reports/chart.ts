/**
 * Vector charts drawn with pdfkit paths (they stay sharp at any zoom and cost a few
 * hundred bytes): the score-over-time timeline of a video and per-track sparklines.
 */
import type { ModelThresholds } from '../../../src-shared/domain/models';
import type { RichText } from './rich-text';
import { COLORS } from './report-writer';

export interface Series {
  label: string;
  points: { t: number; p: number | null }[];
  color: string;
  width: number;
}

const TRACK_COLORS = ['#3b6ea5', '#8e5ba8', '#2a8c82', '#c05d2c', '#6b7d2a', '#a33b6b', '#4d5a9c', '#7a5230'];

/** A distinct colour per track (cycled). */
export function trackColor(i: number): string {
  return TRACK_COLORS[i % TRACK_COLORS.length]!;
}

/** Round a duration to a tick step (1, 2, 5 × 10^k seconds). */
function tickStep(span: number, ticks: number): number {
  const raw = span / Math.max(1, ticks);
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function polyline(doc: PDFKit.PDFDocument, pts: { t: number; p: number | null }[], sx: (t: number) => number, sy: (p: number) => number): void {
  let open = false;
  for (const pt of pts) {
    if (pt.p === null || !Number.isFinite(pt.p)) {
      open = false; // a failed score is a gap, never a zero
      continue;
    }
    if (!open) doc.moveTo(sx(pt.t), sy(pt.p));
    else doc.lineTo(sx(pt.t), sy(pt.p));
    open = true;
  }
}

/** Score over time with the verdict bands shaded; returns the height used. */
export function drawTimeline(
  doc: PDFKit.PDFDocument,
  rt: RichText,
  box: { x: number; y: number; w: number; h: number },
  series: Series[],
  thresholds: ModelThresholds,
  durationSec: number,
): void {
  const padL = 30;
  const padB = 22;
  const px = box.x + padL;
  const pw = box.w - padL - 6;
  const py = box.y + 4;
  const ph = box.h - padB - 4;
  const tMax = Math.max(durationSec, ...series.flatMap((s) => s.points.map((p) => p.t)), 0.001);
  const sx = (t: number) => px + (t / tMax) * pw;
  const sy = (p: number) => py + ph - Math.min(1, Math.max(0, p)) * ph;
  doc.save();
  // Verdict bands.
  const bands: [number, number, string][] = [
    [0, thresholds.authentic, '#e8f3ec'],
    [thresholds.authentic, thresholds.manipulated, '#fbf1de'],
    [thresholds.manipulated, 1, '#f8e3e1'],
  ];
  for (const [a, b, c] of bands) doc.rect(px, sy(b), pw, sy(a) - sy(b)).fillColor(c).fill();
  // Grid and axes.
  doc.lineWidth(0.3).strokeColor('#d5d8dc');
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    doc.moveTo(px, sy(v)).lineTo(px + pw, sy(v)).stroke();
    const l = rt.layout(v.toFixed(2), padL - 4, { style: 'regular', size: 6.5, color: COLORS.muted, align: 'right' });
    rt.draw(l, box.x, sy(v) - l.height / 2, padL - 4);
  }
  const step = tickStep(tMax, 8);
  for (let t = 0; t <= tMax + 1e-9; t += step) {
    doc.moveTo(sx(t), py + ph).lineTo(sx(t), py + ph + 3).lineWidth(0.5).strokeColor(COLORS.muted).stroke();
    const label = step < 1 ? `${t.toFixed(1)} s` : `${Math.round(t)} s`;
    const l = rt.layout(label, 40, { style: 'regular', size: 6.5, color: COLORS.muted, align: 'center' });
    rt.draw(l, sx(t) - 20, py + ph + 5, 40);
  }
  doc.rect(px, py, pw, ph).lineWidth(0.6).strokeColor(COLORS.muted).stroke();
  // Threshold lines.
  doc.dash(2, { space: 2 });
  doc.moveTo(px, sy(thresholds.authentic)).lineTo(px + pw, sy(thresholds.authentic)).lineWidth(0.6).strokeColor(COLORS.authentic).stroke();
  doc.moveTo(px, sy(thresholds.manipulated)).lineTo(px + pw, sy(thresholds.manipulated)).lineWidth(0.6).strokeColor(COLORS.manipulated).stroke();
  doc.undash();
  // Series: thin ones first so the summary line is on top.
  for (const s of [...series].sort((a, b) => a.width - b.width)) {
    polyline(doc, s.points, sx, sy);
    doc.lineWidth(s.width).strokeColor(s.color).lineJoin('round').stroke();
    for (const pt of s.points) if (pt.p !== null && s.width >= 1.2) doc.circle(sx(pt.t), sy(pt.p), 1.2).fillColor(s.color).fill();
  }
  doc.restore();
}

/** A tiny score-over-time line in a table cell. */
export function drawSparkline(doc: PDFKit.PDFDocument, box: { x: number; y: number; w: number; h: number }, points: { t: number; p: number | null }[], tMax: number, thresholds: ModelThresholds, color: string): void {
  const sx = (t: number) => box.x + (t / Math.max(tMax, 0.001)) * box.w;
  const sy = (p: number) => box.y + box.h - Math.min(1, Math.max(0, p)) * box.h;
  doc.save();
  doc.rect(box.x, sy(1), box.w, sy(thresholds.manipulated) - sy(1)).fillColor('#f8e3e1').fill();
  doc.rect(box.x, box.y, box.w, box.h).lineWidth(0.3).strokeColor('#d5d8dc').stroke();
  polyline(doc, points, sx, sy);
  doc.lineWidth(0.9).strokeColor(color).stroke();
  doc.restore();
}
