/**
 * Which paths a window may ask main to analyse. Main never trusts a path the renderer made up
 * (ARCHITECTURE.md): a path is granted when the person at that window chose it — a file or
 * folder dropped on the window (the preload reports webUtils.getPathForFile's answer, which a
 * page cannot forge for a file it made itself) or picked in main's own open dialog. A granted
 * folder covers what is inside it. Grants live in memory, per window, and end with it.
 */
import path from 'node:path';
import { AppError } from '../../src-shared/result';

/** At most this many grants per window; the oldest go first. */
const MAX_GRANTS_PER_SENDER = 10_000;

export class PathGrants {
  private readonly bySender = new Map<string, Set<string>>();

  /** Grant an absolute path (file or folder) to a window; anything else is ignored. */
  grant(senderId: string, p: unknown): void {
    if (typeof p !== 'string' || !p || p.includes('\0') || !path.isAbsolute(p)) return;
    const set = this.bySender.get(senderId) ?? new Set<string>();
    const key = path.resolve(p);
    set.delete(key);
    set.add(key);
    if (set.size > MAX_GRANTS_PER_SENDER) set.delete(set.values().next().value!);
    this.bySender.set(senderId, set);
  }

  /** True when the path, or a folder above it, was granted to the window. */
  covers(senderId: string, p: string): boolean {
    const set = this.bySender.get(senderId);
    if (!set || !path.isAbsolute(p)) return false;
    for (let cur = path.resolve(p); ; ) {
      if (set.has(cur)) return true;
      const up = path.dirname(cur);
      if (up === cur) return false;
      cur = up;
    }
  }

  /** Throw FORBIDDEN unless the window was given the path (the message says how to give it). */
  require(senderId: string, p: string, how = 'choose it with the button'): void {
    if (!this.covers(senderId, p)) throw new AppError('FORBIDDEN', `“${path.basename(p)}” was not chosen in this window: ${how}.`);
  }

  /** Forget a window's grants (it closed). */
  clear(senderId: string): void {
    this.bySender.delete(senderId);
  }
}
