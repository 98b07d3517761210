/**
 * Text layout for the report: per-character font fallback, the Unicode bidirectional
 * algorithm (bidi-js) with runs reordered here, shaping left to fontkit, line wrapping,
 * and visible markers for what must not be hidden — invisible and direction-changing
 * characters (the classic right-to-left-override extension spoof) and characters no
 * font can draw. pdfkit alone lays Arabic out word by word in the wrong order.
 */
import bidiFactory from 'bidi-js';
import type { Face, FontSet, FontStyle } from './fonts';

const bidi = bidiFactory();

export interface TextStyle {
  style: FontStyle;
  size: number;
  color?: string;
  /** 'ltr' for identifiers (file names, paths); 'auto' takes the direction of the first strong character (free text). */
  direction?: 'ltr' | 'auto';
  /** 'data' may also break after / \ _ - . and inside long tokens (hashes, paths). */
  wrap?: 'words' | 'data';
  align?: 'left' | 'right' | 'center';
  /** Extra space between lines, in points. */
  lineGap?: number;
}

interface Piece {
  start: number;
  end: number;
  face: Face;
  marker: boolean;
  level: number;
  width: number;
}

/** A laid-out paragraph: lines of visual-order pieces. */
export interface LaidText {
  lines: { pieces: { text: string; face: Face; marker: boolean; width: number }[]; width: number; rtl: boolean; logical: string }[];
  /** The paragraph resolved right-to-left (direction 'auto' on right-to-left text): aligned right unless told otherwise. */
  rtlParagraph: boolean;
  lineHeight: number;
  height: number;
  width: number;
  style: TextStyle;
}

/** The minimal slice of pdfkit the layout uses (a PDFKit.PDFDocument satisfies it). */
export interface TextCanvas {
  registerFont(name: string, src: Buffer | string, family?: string): unknown;
  font(name: string): unknown;
  fontSize(size: number): unknown;
  fillColor(color: string): unknown;
  widthOfString(text: string, options?: { features?: never[] }): number;
  text(text: string, x: number, y: number, options: Record<string, unknown>): unknown;
}

// Format and control characters that change how text reads without being seen.
const SHOW_AS_MARKER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/u;
const IGNORABLE = /[\u034f\u180b-\u180f\u200c\u200d\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
const MARK = /\p{M}/u;
const SPACE = /[ \t\u00a0\u3000\u2000-\u200a]/u;
const CJK_BREAK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u{20000}-\u{3134f}]/u;
const DATA_BREAK_AFTER = /[/\\_\-.,;:=&?+@]/;
const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

/** "[U+202E]": how an invisible or unrenderable character is shown. */
export function markerFor(cp: number): string {
  return `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** Lays out and draws text on a pdfkit document with the report's fonts. */
export class RichText {
  private readonly registered = new Set<string>();
  private readonly widths = new Map<string, number>();
  /** Characters shown as markers because no font had them (for the report's notes). */
  readonly missing = new Set<number>();

  constructor(
    private readonly doc: TextCanvas,
    private readonly fonts: FontSet,
  ) {}

  private use(face: Face, size: number): void {
    if (!this.registered.has(face.name)) {
      // The PostScript name picks the face inside a collection (.ttc).
      this.doc.registerFont(face.name, face.file, face.postscriptName);
      this.registered.add(face.name);
    }
    this.doc.font(face.name);
    this.doc.fontSize(size);
  }

  private measure(face: Face, size: number, text: string): number {
    const key = `${face.name}\u0000${size}\u0000${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      this.use(face, size);
      w = this.doc.widthOfString(text, { features: [] });
      if (this.widths.size > 20_000) this.widths.clear();
      this.widths.set(key, w);
    }
    return w;
  }

  /** Resolve fonts and markers: the string as drawn plus, per UTF-16 unit, its face and marker flag. */
  private itemize(text: string, style: FontStyle): { s: string; faces: Face[]; marker: boolean[] } {
    const primary = this.fonts.primary(style);
    let s = '';
    const faces: Face[] = [];
    const marker: boolean[] = [];
    let prev: Face | null = null;
    const push = (str: string, face: Face, isMarker: boolean) => {
      s += str;
      for (let i = 0; i < str.length; i++) {
        faces.push(face);
        marker.push(isMarker);
      }
    };
    for (const ch of text.replace(/\r\n?/g, '\n')) {
      const cp = ch.codePointAt(0)!;
      if (ch === '\n') {
        push('\n', prev ?? primary, false);
        continue;
      }
      if (SHOW_AS_MARKER.test(ch)) {
        push(markerFor(cp), primary, true);
        prev = null;
        continue;
      }
      if ((IGNORABLE.test(ch) || MARK.test(ch) || SPACE.test(ch)) && prev && prev.font.hasGlyphForCodePoint(cp)) {
        push(ch, prev, false);
        continue;
      }
      if (IGNORABLE.test(ch)) {
        // Beside a marker (an emoji sequence, say) the joiner or selector is part of what must be shown;
        // elsewhere a face that lacks it would draw nothing for it anyway.
        if (prev === null) push(markerFor(cp), primary, true);
        else if (!prev.font.hasGlyphForCodePoint(cp)) continue;
        else push(ch, prev, false);
        continue;
      }
      const face: Face | null = SPACE.test(ch) && primary.font.hasGlyphForCodePoint(cp) ? primary : this.fonts.faceFor(cp, style);
      if (!face) {
        this.missing.add(cp);
        push(markerFor(cp), primary, true);
        prev = null;
        continue;
      }
      push(ch, face, false);
      prev = face;
    }
    return { s, faces, marker };
  }

  /** Lay out text in a box of the given width. */
  layout(text: string, width: number, ts: TextStyle): LaidText {
    const { s, faces, marker } = this.itemize(text, ts.style);
    const size = ts.size;
    const primary = this.fonts.primary(ts.style).font;
    const lineHeight = ((primary.ascent - primary.descent) / primary.unitsPerEm) * size + (ts.lineGap ?? size * 0.15);
    const simple = /^[\x20-\x7e\n]*$/.test(s);
    const resolved = simple ? null : bidi.getEmbeddingLevels(s, ts.direction ?? 'ltr');
    const levels = resolved ? resolved.levels : new Uint8Array(s.length);
    const rtlParagraph = !!resolved && (resolved.paragraphs[0]?.level ?? 0) % 2 === 1;

    // Pieces: maximal runs of one face, marker flag and level, cut at every break opportunity.
    const pieces: (Piece & { breakAfter: boolean; space: boolean; newline: boolean })[] = [];
    let i = 0;
    while (i < s.length) {
      if (s[i] === '\n') {
        pieces.push({ start: i, end: i + 1, face: faces[i]!, marker: false, level: 0, width: 0, breakAfter: true, space: false, newline: true });
        i++;
        continue;
      }
      let j = i;
      let breakAfter = false;
      const isSpace = SPACE.test(s[i]!);
      while (j < s.length) {
        const cp = s.codePointAt(j)!;
        const len = cp > 0xffff ? 2 : 1;
        const ch = s.slice(j, j + len);
        if (j > i && (faces[j] !== faces[i] || marker[j] !== marker[i] || levels[j] !== levels[i] || s[j] === '\n' || SPACE.test(ch) !== isSpace)) break;
        j += len;
        if (isSpace) continue;
        if (marker[i] && marker[j - 1] && s[j - 1] === ']') {
          breakAfter = true;
          break;
        }
        if (CJK_BREAK.test(ch) || (ts.wrap === 'data' && DATA_BREAK_AFTER.test(ch))) {
          breakAfter = true;
          break;
        }
      }
      if (isSpace) breakAfter = true;
      pieces.push({ start: i, end: j, face: faces[i]!, marker: marker[i]!, level: levels[i] ?? 0, width: this.measure(faces[i]!, size, s.slice(i, j)), breakAfter, space: isSpace, newline: false });
      i = j;
    }

    // Greedy wrapping over break opportunities; a token wider than the box is split by characters.
    const lines: Piece[][] = [];
    let line: Piece[] = [];
    let lineW = 0;
    const flushLine = () => {
      while (line.length && line[line.length - 1]!.end - line[line.length - 1]!.start > 0 && isBlank(line[line.length - 1]!)) line.pop();
      lines.push(line);
      line = [];
      lineW = 0;
    };
    const isBlank = (p: Piece) => s.slice(p.start, p.end).trim() === '' && !p.marker;
    const place = (token: Piece[]) => {
      if (!line.length) token = token.filter((p, k) => !(isBlank(p) && token.slice(0, k).every(isBlank)));
      if (!token.length) return;
      const visible = token.filter((p) => !isBlank(p)).reduce((a, p) => a + p.width, 0);
      if (line.length && lineW + visible > width + 0.01) flushLine();
      for (const p of token) {
        if (!line.length && isBlank(p)) continue;
        if (lineW + p.width <= width + 0.01 || isBlank(p)) {
          line.push(p);
          lineW += p.width;
          continue;
        }
        for (const part of this.split(s, p, width - lineW, width, size)) {
          if (line.length && lineW + part.width > width + 0.01) flushLine();
          line.push(part);
          lineW += part.width;
        }
      }
    };
    let token: Piece[] = [];
    for (const p of pieces) {
      if (p.newline) {
        place(token);
        token = [];
        flushLine();
        continue;
      }
      token.push(p);
      if (p.breakAfter) {
        place(token);
        token = [];
      }
    }
    place(token);
    if (line.length || !lines.length) flushLine();

    const out: LaidText['lines'] = lines.map((ps) => this.visualLine(s, ps));
    const maxW = out.reduce((a, l) => Math.max(a, l.width), 0);
    return { lines: out, lineHeight, height: out.length * lineHeight, width: maxW, style: ts, rtlParagraph };
  }

  /** Split an over-long piece into parts that fit (first part into the space left on the line). */
  private split(s: string, p: Piece, firstRoom: number, width: number, size: number): Piece[] {
    const parts: Piece[] = [];
    let start = p.start;
    let room = firstRoom > width * 0.25 ? firstRoom : width;
    while (start < p.end) {
      let end = start;
      let w = 0;
      while (end < p.end) {
        const len = s.codePointAt(end)! > 0xffff ? 2 : 1;
        const nw = this.measure(p.face, size, s.slice(start, end + len));
        if (nw > room && end > start) break;
        end += len;
        w = nw;
      }
      parts.push({ ...p, start, end, width: w });
      start = end;
      room = width;
    }
    return parts;
  }

  /** Rule L2 of the bidi algorithm at piece granularity, then the text each piece hands to fontkit. */
  private visualLine(s: string, ps: Piece[]): LaidText['lines'][number] {
    const order = ps.slice();
    const maxLevel = order.reduce((a, p) => Math.max(a, p.level), 0);
    const minOdd = order.reduce((a, p) => (p.level % 2 === 1 ? Math.min(a, p.level) : a), 99);
    for (let lev = maxLevel; lev >= minOdd && lev > 0; lev--) {
      let k = 0;
      while (k < order.length) {
        if (order[k]!.level >= lev) {
          let e = k;
          while (e < order.length && order[e]!.level >= lev) e++;
          const rev = order.slice(k, e).reverse();
          order.splice(k, e - k, ...rev);
          k = e;
        } else k++;
      }
    }
    const pieces = order.map((p) => {
      let text = s.slice(p.start, p.end);
      const rtlScript = RTL_LETTER.test(text);
      // fontkit reverses a run by itself when its first scripted character is right-to-left.
      if (p.level % 2 === 1 && !rtlScript) text = [...text].reverse().map((c) => bidi.getMirroredCharacter(c) ?? c).join('');
      else if (p.level % 2 === 0 && rtlScript) text = [...text].reverse().join('');
      return { text, face: p.face, marker: p.marker, width: p.width };
    });
    const logical = ps.map((p) => s.slice(p.start, p.end)).join('');
    return { pieces, width: pieces.reduce((a, p) => a + p.width, 0), rtl: ps.some((p) => p.level % 2 === 1), logical };
  }

  /** Draw laid-out text with its top-left corner at (x, y) in a box of the given width. */
  draw(laid: LaidText, x: number, y: number, width: number): void {
    const { style } = laid;
    const primary = this.fonts.primary(style.style).font;
    const ascent = (primary.ascent / primary.unitsPerEm) * style.size;
    let top = y;
    for (const line of laid.lines) {
      let cx = x;
      const align = style.align ?? (laid.rtlParagraph ? 'right' : 'left');
      if (align === 'right') cx = x + width - line.width;
      else if (align === 'center') cx = x + (width - line.width) / 2;
      const baseline = top + ascent;
      for (const p of line.pieces) {
        if (p.text.trim() !== '' || p.marker) {
          this.use(p.face, style.size);
          this.doc.fillColor(p.marker ? '#b3261e' : style.color ?? '#1a1a1a');
          const rtl = RTL_LETTER.test(p.text);
          const font = (this.doc as unknown as { _font?: { unicode?: number[][] } })._font;
          const before = rtl ? font?.unicode?.length ?? 0 : 0;
          this.doc.text(p.text, cx, baseline, { lineBreak: false, baseline: 'alphabetic', features: [] });
          // A ligature first seen in a right-to-left run (lam-alef) maps to its letters in reverse, because
          // extractors reverse right-to-left text character by character after mapping glyphs.
          if (rtl && font?.unicode) for (let g = before; g < font.unicode.length; g++) if ((font.unicode[g]?.length ?? 0) > 1) font.unicode[g] = [...font.unicode[g]!].reverse();
        }
        cx += p.width;
      }
      top += laid.lineHeight;
    }
  }

  /** Width of a single line of text (no wrapping). */
  widthOf(text: string, ts: TextStyle): number {
    return this.layout(text, Number.MAX_SAFE_INTEGER, ts).width;
  }
}
