/**
 * Checks an nedb datafile before nedb loads it. nedb silently drops unparseable lines (and
 * refuses to start past 10 % of them), then rewrites the file — which would destroy the
 * only copy of whatever was damaged. Here a torn last line (a write cut off by a crash,
 * never acknowledged) is trimmed, any other damage is quarantined to a side file, and in
 * both cases the original file is first copied aside so nothing stored is ever lost.
 */
import fs from 'node:fs';
import { fsyncFile, writeFileAtomic } from './durable-file';
import { errnoCode } from './fs-errors';

export interface RepairReport {
  file: string;
  /** A torn final line was trimmed (an interrupted, unacknowledged write). */
  tornTail: boolean;
  /** 1-based line numbers that could not be parsed (besides a torn tail). */
  corruptLines: number[];
  /** Copy of the file as found, kept when anything was changed. */
  backup: string | null;
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

function parses(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Inspect and, when needed, repair a datafile in place; null when it was clean or absent. */
export async function repairDatafile(file: string, now: number = Date.now()): Promise<RepairReport | null> {
  let raw: string;
  try {
    raw = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
  if (raw.length === 0) return null;
  const lines = raw.split('\n');
  const endsWithNewline = raw.endsWith('\n');
  // split() leaves '' after a final newline; without one, the last element is a partial line.
  const last = lines.pop() ?? '';
  let tornTail = false;
  if (!endsWithNewline && last.length > 0) {
    if (parses(last)) lines.push(last);
    else tornTail = true;
  }
  const corruptLines: number[] = [];
  const good: string[] = [];
  const bad: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (parses(line)) good.push(line);
    else {
      corruptLines.push(i + 1);
      bad.push(line);
    }
  });
  if (!tornTail && corruptLines.length === 0) {
    if (!endsWithNewline) {
      // A complete final record without its newline: nedb's next append would glue onto it.
      await fs.promises.appendFile(file, '\n');
      await fsyncFile(file);
    }
    return null;
  }
  const backup = `${file}.${corruptLines.length ? 'corrupt' : 'torn'}-${stamp(now)}.bak`;
  await fs.promises.copyFile(file, backup, fs.constants.COPYFILE_EXCL);
  await fsyncFile(backup);
  if (bad.length) await writeFileAtomic(`${file}.quarantine-${stamp(now)}`, bad.join('\n') + '\n');
  await writeFileAtomic(file, good.length ? good.join('\n') + '\n' : '');
  return { file, tornTail, corruptLines, backup };
}
