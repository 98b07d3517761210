/**
 * Text from outside (file names, paths, messages that quote them) printed to a terminal:
 * a newline in a file name must not forge a result line, an escape sequence must not drive
 * the terminal, and a direction override must not reorder what follows. Such characters are
 * shown as [U+XXXX], the way PDF reports show them.
 */

// C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates, and the Unicode line separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const marker = (c: string) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;

/** One value inside a line: every control, bidi or line-separator character marked, newlines included. */
export function termSafe(value: unknown): string {
  return String(value).replace(UNSAFE, marker);
}

/** Whole output as the CLI writes it: its own newlines and tabs kept, every other such character marked. */
export function termSafeOutput(text: string): string {
  return text.replace(UNSAFE_KEEP_LINES, marker);
}
