/**
 * Decoder messages as an analyst should read them. libvips and ffmpeg repeat themselves
 * (libvips retries a header read and appends each failure: one truncated JPEG gave six
 * lines, four of them the same), so messages are built from distinct lines only.
 */

/** ffmpeg's "[h264 @ 0x55d0c0a1b2c0] " context prefix, whose address differs per instance. */
const FFMPEG_CONTEXT = /^\[([^\]@]+?) @ 0x[0-9a-f]+\]\s*/i;

/** The comparable form of a line: trimmed, without ffmpeg's per-instance address, lower case. */
function key(line: string): string {
  return line.replace(FFMPEG_CONTEXT, '[$1] ').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** A line that says something: not empty, not a bare "prefix:" or punctuation. */
function meaningful(line: string): boolean {
  const t = line.trim();
  return /[a-z]/i.test(t) && !/^[\w.-]+:$/.test(t);
}

/**
 * The distinct meaningful lines of a message, in order. A line is dropped when an earlier kept
 * line says it already (same text, or contains it: "corrupt header: VipsJpeg: premature end"
 * already says "VipsJpeg: premature end").
 */
export function distinctLines(text: string): string[] {
  const kept: { line: string; k: string }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!meaningful(line)) continue;
    const k = key(line);
    if (kept.some((x) => x.k.includes(k))) continue;
    // A later, fuller line takes the place of the first shorter one it contains (and drops the others).
    const at = kept.findIndex((x) => k.includes(x.k));
    if (at < 0) kept.push({ line, k });
    else {
      kept[at] = { line, k };
      for (let i = kept.length - 1; i > at; i--) if (k.includes(kept[i]!.k)) kept.splice(i, 1);
    }
  }
  return kept.map((x) => x.line);
}

/** The first meaningful line of a (possibly multi-line, repetitive) decoder message, at most max characters. */
export function firstErrorLine(text: string, max = 300): string {
  return (distinctLines(text)[0] ?? '').slice(0, max);
}

/** The distinct lines joined into one line, for error details and short summaries. */
export function errorSummary(text: string, opts: { max?: number; lines?: number; from?: 'start' | 'end' } = {}): string {
  const lines = distinctLines(text);
  const n = opts.lines ?? lines.length;
  const pick = opts.from === 'end' ? lines.slice(-n) : lines.slice(0, n);
  return pick.join('; ').slice(0, opts.max ?? 300);
}

/**
 * ffmpeg's per-frame decoder complaints ("[h264 @ 0x55…] error while decoding MB 20 0", one per
 * damaged frame) as one sentence: the codec named once, the first complaint, and how many
 * other distinct complaints there were (the same complaint on many frames counts once).
 */
export function decoderComplaints(lines: readonly string[]): string {
  const distinct = distinctLines(lines.join('\n'));
  if (!distinct.length) return '';
  const codec = FFMPEG_CONTEXT.exec(distinct[0]!)?.[1]?.trim();
  const first = distinct[0]!.replace(FFMPEG_CONTEXT, '');
  const more = distinct.length - 1;
  return `${codec ? `(${codec}) ` : ''}${first}${more ? ` (+${more} other distinct message${more === 1 ? '' : 's'})` : ''}`;
}
