import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { loadFontSet } from '../../../src-main/core/reports/fonts';
import { RichText, markerFor, type TextCanvas } from '../../../src-main/core/reports/rich-text';

const fonts = loadFontSet({ systemFallbacks: false });

/** A real pdfkit document whose text() calls are recorded (what fontkit is handed, where, in which face). */
function recorder() {
  const doc = new PDFDocument({ size: 'A4' });
  doc.on('data', () => undefined);
  const calls: { text: string; x: number; font: string }[] = [];
  const original = doc.text.bind(doc);
  let current = '';
  const font = doc.font.bind(doc);
  const canvas = doc as unknown as TextCanvas & { font: (n: string) => unknown };
  canvas.font = (n: string) => {
    current = n;
    return font(n);
  };
  canvas.text = (text: string, x: number, y: number, options: Record<string, unknown>) => {
    calls.push({ text, x, font: current });
    return original(text, x, y, options);
  };
  return { rt: new RichText(canvas, fonts), calls };
}

describe('RichText', () => {
  it('orders right-to-left runs visually and hands each to fontkit so it comes out right', () => {
    const { rt, calls } = recorder();
    const laid = rt.layout('مقطع ٢٠٢٤ نهائي.mp4', 400, { style: 'regular', size: 10 });
    rt.draw(laid, 0, 0, 400);
    const drawn = calls.map((c) => c.text).filter((t) => t.trim());
    // Visual order, left to right: the Arabic sentence reversed by runs, digits kept left-to-right, then ".mp4".
    expect(drawn).toEqual(['نهائي', '٤٢٠٢', 'مقطع', '.mp4']);
    const xs = calls.filter((c) => c.text.trim()).map((c) => c.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(calls.find((c) => c.text === 'مقطع')!.font).toBe('mg-NotoSansArabic-Regular');
    expect(calls.find((c) => c.text === '.mp4')!.font).toBe('mg-NotoSans-Regular');
  });

  it('right-aligns free text that starts right-to-left, and keeps identifiers left-to-right', () => {
    const { rt } = recorder();
    expect(rt.layout('ملاحظة المحقق about the file', 300, { style: 'regular', size: 10, direction: 'auto' }).rtlParagraph).toBe(true);
    expect(rt.layout('ملاحظة المحقق about the file', 300, { style: 'regular', size: 10 }).rtlParagraph).toBe(false);
  });

  it('mirrors brackets that resolve right-to-left', () => {
    const { rt, calls } = recorder();
    rt.draw(rt.layout('تقرير [1]', 300, { style: 'regular', size: 10, direction: 'auto' }), 0, 0, 300);
    // Read right to left this is "تقرير [1]": drawn left to right it must be "[1] تقرير", not "]1[ تقرير".
    expect(calls.map((c) => c.text).filter((t) => t.trim())).toEqual(['[', '1', ']', 'تقرير']);
  });

  it('shows invisible, direction-changing and undrawable characters as markers and never drops them', () => {
    const { rt, calls } = recorder();
    const text = 'a\u202Eb\u200Bc 😀\u200D😀 \u0007';
    rt.draw(rt.layout(text, 400, { style: 'regular', size: 10 }), 0, 0, 400);
    const drawn = calls.map((c) => c.text).join('');
    for (const cp of [0x202e, 0x200b, 0x1f600, 0x200d, 0x7]) expect(drawn).toContain(markerFor(cp));
    expect(rt.missing.has(0x1f600)).toBe(true);
    expect(markerFor(0x41)).toBe('[U+0041]');
  });

  it('wraps long identifiers at punctuation and inside tokens, within the width', () => {
    const { rt } = recorder();
    const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const laid = rt.layout(`${sha}/${sha}`, 120, { style: 'mono', size: 8, wrap: 'data' });
    expect(laid.lines.length).toBeGreaterThan(2);
    for (const l of laid.lines) expect(l.width).toBeLessThanOrEqual(120.01);
    expect(laid.lines.map((l) => l.pieces.map((p) => p.text).join('')).join('')).toBe(`${sha}/${sha}`);
  });

  it('picks the CJK face for Japanese, Chinese and Korean, and lays out nothing for empty text', () => {
    const { rt, calls } = recorder();
    rt.draw(rt.layout('東京 上海 서울', 300, { style: 'regular', size: 10 }), 0, 0, 300);
    expect(new Set(calls.filter((c) => c.text.trim()).map((c) => c.font))).toEqual(new Set(['mg-NotoSansCJKjp-Subset-Regular']));
    expect(rt.missing.size).toBe(0);
    expect(rt.layout('', 100, { style: 'regular', size: 10 }).lines).toHaveLength(1);
  });
});
