/** Shared helpers for the media tests: generated fixtures, resolved tools, child-process checks. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolveTools, type ResolvedTools } from '../../../src-main/core/media';

const root = path.resolve(__dirname, '..', '..', '..');
const dir = path.join(root, 'tests', 'fixtures', 'generated', 'media');

/** Path of a generated fixture; generates the set (cached) on first use. */
export function fixture(name: string): string {
  if (!fs.existsSync(path.join(dir, '.stamp')) || !fs.existsSync(path.join(dir, name))) {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'make-fixtures.mjs')], { stdio: 'inherit' });
  }
  return path.join(dir, name);
}

let tools: Promise<ResolvedTools> | null = null;
/** ffmpeg/ffprobe as the app would resolve them here. */
export function testTools(): Promise<ResolvedTools> {
  tools ??= resolveTools({ env: process.env });
  return tools;
}

/** PIDs of this process's live or unreaped children (zombies included). */
export function childPids(): number[] {
  const out: number[] = [];
  for (const task of fs.readdirSync(`/proc/${process.pid}/task`)) {
    const s = fs.readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim();
    if (s) out.push(...s.split(/\s+/).map(Number));
  }
  return out;
}

/** Command names of the given PIDs (gone ones skipped). */
export function commNames(pids: number[]): string[] {
  return pids.flatMap((pid) => {
    try {
      return [fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()];
    } catch {
      return [];
    }
  });
}

/** Expect a promise to reject with an AppError of this code; returns the error for more checks. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<Error & { code: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { code: string };
    if (err.code !== code) throw new Error(`expected ${code}, got ${err.code ?? 'no code'}: ${err.message}`);
    return err;
  }
  throw new Error(`expected rejection with ${code}, but it resolved`);
}
