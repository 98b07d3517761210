/**
 * What someone who can write the data folder and knows the chain's construction can do: drop
 * entries and recompute every number and hash after them, and rewrite the head to match.
 * The result verifies on its own; only an anchor kept outside the log shows it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH, entryHash } from '../../src-main/core/audit/chain';
import type { AuditEntry } from '../../src-shared/domain/audit';

/** Rewrite the log in `dbDir` without the entries `drop` selects; returns the entries written. */
export function rewriteAuditLog(dbDir: string, drop: (e: AuditEntry) => boolean): AuditEntry[] {
  const file = path.join(dbDir, 'activity_logs.jsonl');
  const kept = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry)
    .filter((e) => !drop(e));
  let prevHash = GENESIS_HASH;
  const out = kept.map((e, i) => {
    const body = { seq: i + 1, time: e.time, actorId: e.actorId, actorName: e.actorName, action: e.action, target: e.target, details: e.details, prevHash };
    const entry = { ...body, hash: entryHash(body) };
    prevHash = entry.hash;
    return entry;
  });
  fs.writeFileSync(file, out.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const last = out[out.length - 1];
  fs.writeFileSync(path.join(dbDir, 'activity_logs.head.json'), JSON.stringify(last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH }));
  return out;
}
