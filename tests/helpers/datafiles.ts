/** Test helpers: read and hand-edit nedb datafiles and list what a repair left beside them. */
import fs from 'node:fs';
import path from 'node:path';

/** The lines of a datafile (without the empty string after the final newline). */
export function datafileLines(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Replace the line holding document `id` with `edit(original)`; returns the original line,
 * the new one and its 1-based line number. Expects a compacted file (one line per document).
 */
export function editDocLine(file: string, id: string, edit: (doc: Record<string, unknown>) => unknown): { original: string; replaced: string; line: number } {
  const lines = datafileLines(file);
  const idx = lines.findIndex((l) => (JSON.parse(l) as { _id?: unknown })._id === id);
  if (idx < 0) throw new Error(`no line for ${id} in ${file}`);
  const original = lines[idx]!;
  const replaced = JSON.stringify(edit(JSON.parse(original) as Record<string, unknown>));
  lines[idx] = replaced;
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { original, replaced, line: idx + 1 };
}

/** Files a repair left beside a datafile: quarantine files and backups. */
export function sideFiles(file: string): { quarantine: string[]; backups: string[] } {
  const names = fs.readdirSync(path.dirname(file));
  const base = path.basename(file);
  return {
    quarantine: names.filter((n) => n.startsWith(`${base}.quarantine-`)).map((n) => path.join(path.dirname(file), n)),
    backups: names.filter((n) => n.startsWith(`${base}.`) && n.endsWith('.bak')).map((n) => path.join(path.dirname(file), n)),
  };
}

/** A stored users document as the accounts service writes it (bcrypt-shaped hash), with fields overridden by `o`. */
export function userDoc(id: string, username: string, o: Record<string, unknown> = {}) {
  const t = new Date().toISOString();
  return {
    _id: id,
    username,
    usernameKey: username.toLowerCase(),
    displayName: username,
    role: 'user' as const,
    passwordHash: '$2b$04$' + 'a'.repeat(53),
    createdAt: t,
    updatedAt: t,
    passwordChangedAt: t,
    lastLoginAt: null,
    failedAttempts: 0,
    lockedUntil: null,
    adminLocked: false,
    mustChangePassword: false,
    ...o,
  };
}
