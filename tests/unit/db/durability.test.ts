/**
 * Durability: every write acknowledged before a kill -9 is there after reopening, and a
 * write torn by the kill never stops the store from opening.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testCore, tempDir } from '../../helpers/core';
import { makeDetection } from '../../helpers/detections';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Run the writer child; SIGKILL it once `killAfter` acks arrived; return the acks seen before death. */
function runAndKill(dataDir: string, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'writer-child.ts'), dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: string[] = [];
    let buf = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('ack ') && !killed) {
          acks.push(line.slice(4));
          if (acks.length >= killAfter) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed: ${stderr}`));
      else resolve(acks);
    });
  });
}

describe('durability', () => {
  it.each([13, 42])('finds every acknowledged write after kill -9 (killed after %i acks)', async (n) => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const acks = await runAndKill(t.dir, n);
    expect(acks.length).toBeGreaterThanOrEqual(n);
    const { core, cleanup } = await testCore({ dataDir: t.dir });
    cleanups.push(cleanup);
    for (const a of acks) {
      const [kind, id] = a.split(' ') as [string, string];
      if (kind === 'detection') expect(await core.detections.get(id), a).not.toBeNull();
      if (kind === 'user') expect(await core.auth.findByUsername(id), a).not.toBeNull();
      if (kind === 'audit') expect(core.audit.list({ limit: 500 }).items.some((e) => e.seq === Number(id)), a).toBe(true);
      if (kind === 'status') expect((await core.detections.get(id))?.status, a).toBe('failed');
    }
    // The log written before the kill still verifies (a torn final entry is set aside, never counted).
    const v = await core.audit.verify();
    expect(v.breaks).toEqual([]);
    // And the store keeps working.
    await core.detections.insert(makeDetection());
  }, 60_000);

  it('fsyncs before acknowledging a write', async () => {
    const { core, cleanup } = await testCore();
    cleanups.push(cleanup);
    const probe = await fs.promises.open(path.join(core.dataDir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const original = proto.sync;
    let syncs = 0;
    proto.sync = function (this: unknown) {
      syncs++;
      return original.call(this);
    };
    try {
      await core.detections.insert(makeDetection());
      expect(syncs).toBeGreaterThanOrEqual(2); // record body + index row
      syncs = 0;
      await core.audit.append({ actor: null, action: 'settings.changed', details: {} });
      expect(syncs).toBeGreaterThanOrEqual(1);
      syncs = 0;
      await core.auth.setup('s', { username: 'admin', password: 'correct-horse-42' });
      expect(syncs).toBeGreaterThanOrEqual(2); // account + audit entry
    } finally {
      proto.sync = original;
    }
  });
});
