/**
 * Page flow for the report: a cursor that breaks pages before a block would cross the
 * bottom margin, headings, paragraphs, key-value blocks and tables whose header repeats
 * after a page break, and the running header and footer stamped on every page at the end
 * ("Page x of y" needs the final count).
 */
import type PDFDocument from 'pdfkit';
import type { FontSet } from './fonts';
import { RichText, type LaidText, type TextStyle } from './rich-text';

export const PAGE = { width: 595.28, height: 841.89, left: 56, right: 56, top: 72, bottom: 64 } as const;
export const COLORS = {
  ink: '#1a1a1a',
  muted: '#5f6368',
  rule: '#c8ccd2',
  fill: '#f3f4f6',
  accent: '#1f3a5f',
  authentic: '#1e7d3c',
  inconclusive: '#a86a00',
  manipulated: '#b3261e',
  undetermined: '#5f6368',
} as const;

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
  style?: TextStyle['style'];
  wrap?: TextStyle['wrap'];
  color?: (row: number) => string | undefined;
}

/** A custom-drawn table cell (e.g. a sparkline). */
export type CellDrawer = (x: number, y: number, w: number, h: number) => void;

export class ReportWriter {
  readonly rt: RichText;
  y: number = PAGE.top;
  readonly x = PAGE.left;
  readonly width = PAGE.width - PAGE.left - PAGE.right;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly fonts: FontSet,
  ) {
    this.rt = new RichText(doc as unknown as ConstructorParameters<typeof RichText>[0], fonts);
  }

  get bottom(): number {
    return PAGE.height - PAGE.bottom;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = PAGE.top;
  }

  /** Break the page unless `h` points fit below the cursor. */
  ensure(h: number): void {
    if (this.y + h > this.bottom && this.y > PAGE.top + 1) this.newPage();
  }

  space(h: number): void {
    this.y += h;
  }

  /** Draw text at the cursor over the full width (or a given box) and advance. */
  text(text: string, ts: Partial<TextStyle> = {}, opts: { x?: number; width?: number; keepWithNext?: number } = {}): void {
    const width = opts.width ?? this.width;
    const x = opts.x ?? this.x;
    const laid = this.rt.layout(text, width, { style: 'regular', size: 9.5, ...ts });
    // Paragraphs taller than a page flow line by line.
    if (laid.height + (opts.keepWithNext ?? 0) <= this.bottom - PAGE.top) {
      this.ensure(laid.height + (opts.keepWithNext ?? 0));
      this.rt.draw(laid, x, this.y, width);
      this.y += laid.height;
      return;
    }
    this.flow(laid, x, width);
  }

  /** Draw laid-out text line by line, breaking pages between lines. */
  flow(laid: LaidText, x: number, width: number): void {
    for (const line of laid.lines) {
      this.ensure(laid.lineHeight);
      this.rt.draw({ ...laid, lines: [line], height: laid.lineHeight }, x, this.y, width);
      this.y += laid.lineHeight;
    }
  }

  /** A numbered section heading with a rule; kept with the first lines that follow. */
  heading(text: string, level: 1 | 2 = 1): void {
    if (level === 1) {
      this.ensure(90);
      this.space(this.y > PAGE.top + 1 ? 14 : 0);
      this.text(text, { style: 'bold', size: 14, color: COLORS.accent });
      this.doc.moveTo(this.x, this.y + 2).lineTo(this.x + this.width, this.y + 2).lineWidth(0.8).strokeColor(COLORS.accent).stroke();
      this.space(10);
    } else {
      this.ensure(60);
      this.space(6);
      this.text(text, { style: 'bold', size: 11, color: COLORS.ink });
      this.space(4);
    }
  }

  paragraph(text: string, ts: Partial<TextStyle> = {}): void {
    this.text(text, { direction: 'auto', ...ts });
    this.space(5);
  }

  /** Label/value rows; values may be long (hashes, paths) and wrap as data. */
  keyValues(rows: [string, string, Partial<TextStyle>?][], labelWidth = 130): void {
    const valueWidth = this.width - labelWidth - 8;
    for (const [label, value, ts] of rows) {
      const l = this.rt.layout(label, labelWidth, { style: 'bold', size: 8.5, color: COLORS.muted });
      const v = this.rt.layout(value === '' ? '—' : value, valueWidth, { style: 'regular', size: 9, wrap: 'data', ...ts });
      const h = Math.max(l.height, v.height) + 3;
      if (h > this.bottom - PAGE.top - 40) {
        // Longer than a page (a 4 KB path, say): the value flows over pages under its label.
        this.ensure(l.height + v.lineHeight * 2);
        this.rt.draw(l, this.x, this.y + 0.5, labelWidth);
        this.flow(v, this.x + labelWidth + 8, valueWidth);
        this.space(3);
        continue;
      }
      this.ensure(h);
      this.rt.draw(l, this.x, this.y + 0.5, labelWidth);
      this.rt.draw(v, this.x + labelWidth + 8, this.y, valueWidth);
      this.y += h;
      this.doc.moveTo(this.x, this.y - 1.5).lineTo(this.x + this.width, this.y - 1.5).lineWidth(0.3).strokeColor('#e3e5e8').stroke();
    }
    this.space(6);
  }

  /** A table; column widths are fractions of the full width when they sum to ≤ 1. */
  table(columns: Column[], rows: (string | CellDrawer)[][], opts: { size?: number; minRowHeight?: number } = {}): void {
    const size = opts.size ?? 8.5;
    const total = columns.reduce((a, c) => a + c.width, 0);
    const widths = columns.map((c) => (total <= 1.0001 ? c.width * this.width : c.width));
    const pad = 3;
    const drawHeader = () => {
      const laid = columns.map((c, i) => this.rt.layout(c.title, widths[i]! - 2 * pad, { style: 'bold', size: size - 0.5, color: COLORS.ink, align: c.align ?? 'left' }));
      const h = Math.max(...laid.map((l) => l.height)) + 2 * pad;
      this.doc.rect(this.x, this.y, this.width, h).fillColor(COLORS.fill).fill();
      let cx = this.x;
      laid.forEach((l, i) => {
        this.rt.draw(l, cx + pad, this.y + pad, widths[i]! - 2 * pad);
        cx += widths[i]!;
      });
      this.y += h;
      this.doc.moveTo(this.x, this.y).lineTo(this.x + this.width, this.y).lineWidth(0.6).strokeColor(COLORS.rule).stroke();
    };
    this.ensure(40);
    drawHeader();
    rows.forEach((row, r) => {
      const laid = row.map((cell, i) =>
        typeof cell === 'string'
          ? this.rt.layout(cell, widths[i]! - 2 * pad, { style: columns[i]!.style ?? 'regular', size, wrap: columns[i]!.wrap ?? 'words', align: columns[i]!.align ?? 'left', color: columns[i]!.color?.(r) ?? COLORS.ink })
          : null,
      );
      const h = Math.max(opts.minRowHeight ?? 0, ...laid.map((l) => (l ? l.height : 0))) + 2 * pad;
      if (h > this.bottom - PAGE.top - 60) {
        // A row taller than a page is printed as labelled paragraphs rather than cut off.
        row.forEach((cell, i) => {
          if (typeof cell !== 'string') return;
          this.text(columns[i]!.title, { style: 'bold', size: size - 0.5, color: COLORS.muted });
          this.flow(this.rt.layout(cell, this.width, { style: columns[i]!.style ?? 'regular', size, wrap: columns[i]!.wrap ?? 'words', direction: 'auto' }), this.x, this.width);
        });
        this.doc.moveTo(this.x, this.y + 2).lineTo(this.x + this.width, this.y + 2).lineWidth(0.3).strokeColor('#e3e5e8').stroke();
        this.space(6);
        return;
      }
      if (this.y + h > this.bottom) {
        this.newPage();
        drawHeader();
      }
      let cx = this.x;
      row.forEach((cell, i) => {
        const l = laid[i];
        if (l) this.rt.draw(l, cx + pad, this.y + pad, widths[i]! - 2 * pad);
        else if (typeof cell === 'function') cell(cx + pad, this.y + pad, widths[i]! - 2 * pad, h - 2 * pad);
        cx += widths[i]!;
      });
      this.y += h;
      this.doc.moveTo(this.x, this.y).lineTo(this.x + this.width, this.y).lineWidth(0.3).strokeColor('#e3e5e8').stroke();
    });
    this.space(8);
  }

  /** A bulleted item with a hanging indent. */
  bullet(text: string, ts: Partial<TextStyle> = {}): void {
    const laid = this.rt.layout(text, this.width - 14, { style: 'regular', size: 9.5, direction: 'auto', ...ts });
    this.ensure(Math.min(laid.height, laid.lineHeight * 2));
    const dot = this.rt.layout('•', 10, { style: 'regular', size: ts.size ?? 9.5, color: COLORS.accent });
    this.rt.draw(dot, this.x + 2, this.y, 10);
    this.text(text, { size: 9.5, direction: 'auto', ...ts }, { x: this.x + 14, width: this.width - 14 });
    this.space(4);
  }

  /** A shaded note box (limitations, warnings). */
  callout(text: string, color: string = COLORS.inconclusive): void {
    const laid = this.rt.layout(text, this.width - 20, { style: 'regular', size: 9, direction: 'auto' });
    const h = laid.height + 12;
    this.ensure(h);
    this.doc.rect(this.x, this.y, this.width, h).fillColor('#fbf7ef').fill();
    this.doc.rect(this.x, this.y, 3, h).fillColor(color).fill();
    this.rt.draw(laid, this.x + 12, this.y + 6, this.width - 20);
    this.y += h + 6;
  }

  /** Running header and footer on every buffered page. */
  stampPages(header: { left: string; right: string }, footer: { left: string }): number {
    const range = this.doc.bufferedPageRange();
    const total = range.count;
    for (let i = range.start; i < range.start + total; i++) {
      this.doc.switchToPage(i);
      const hl = this.rt.layout(header.left, this.width * 0.55, { style: 'bold', size: 7.5, color: COLORS.muted });
      const hr = this.rt.layout(header.right, this.width * 0.45, { style: 'mono', size: 7, color: COLORS.muted, align: 'right', wrap: 'data' });
      this.rt.draw(hl, this.x, 30, this.width * 0.55);
      this.rt.draw(hr, this.x + this.width * 0.55, 30, this.width * 0.45);
      this.doc.moveTo(this.x, 46).lineTo(this.x + this.width, 46).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
      const fy = PAGE.height - 44;
      this.doc.moveTo(this.x, fy - 6).lineTo(this.x + this.width, fy - 6).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
      const fl = this.rt.layout(footer.left, this.width * 0.75, { style: 'mono', size: 6.5, color: COLORS.muted, wrap: 'data' });
      const fr = this.rt.layout(`Page ${i - range.start + 1} of ${total}`, this.width * 0.25, { style: 'bold', size: 8, color: COLORS.ink, align: 'right' });
      this.rt.draw(fl, this.x, fy, this.width * 0.75);
      this.rt.draw(fr, this.x + this.width * 0.75, fy, this.width * 0.25);
    }
    return total;
  }
}

export type { PDFDocument };
