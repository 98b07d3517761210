import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../src-preload/create-api';
import { createAppDispatcher } from '../../src-main/ipc/handler-table';
import type { Core } from '../../src-main/core/core';
import { signIn, testCore } from '../helpers/core';
import { useQueue } from '../../src-renderer/src/stores/queue-store';

const SENDER = 'renderer-queue';
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'generated', 'media', 'camera.jpg');

describe('queue store over the real handler table', () => {
  let core: Core;
  let done: () => Promise<void>;
  beforeEach(async () => {
    ({ core, cleanup: done } = await testCore({ analysisInProcess: true }));
    const dispatcher = createAppDispatcher(core);
    window.mediaguard = createApi({ invoke: (c, p) => dispatcher.invoke(SENDER, c, p), on: () => () => undefined, pathForFile: async () => null });
    useQueue.getState().reset();
  });
  afterEach(async () => {
    delete window.mediaguard;
    await done();
  });

  it('without a session the whole request fails and is reported once', async () => {
    await useQueue.getState().enqueuePaths(['/nowhere/a.jpg', '/nowhere/b.jpg']);
    expect(useQueue.getState().error?.code).toBe('UNAUTHENTICATED');
    expect(useQueue.getState().rows).toEqual([]);
  });

  it('one bad path in a batch does not block the others: each gets its own row', async () => {
    expect(fs.existsSync(FIXTURE), 'generated media missing: run `npm run fixtures`').toBe(true);
    await signIn(core, 'user', SENDER);
    const missing = path.join(path.dirname(FIXTURE), 'does-not-exist.jpg');
    await useQueue.getState().enqueuePaths([missing, FIXTURE]);
    const rows = useQueue.getState().rows;
    expect(rows).toHaveLength(2);
    const bad = rows.find((r) => r.fileName === 'does-not-exist.jpg')!;
    expect(bad.state).toBe('failed');
    expect(bad.local).toBe(true);
    expect(bad.error?.message).toMatch(/does-not-exist/);
    const good = rows.find((r) => r.fileName === 'camera.jpg')!;
    expect(good.local).toBeUndefined();
    expect(['queued', 'running', 'done']).toContain(good.state);
    await useQueue.getState().cancel(good.jobId);
  });

  it('files the bridge cannot turn into paths become per-file errors with advice', async () => {
    await signIn(core, 'user', SENDER);
    await useQueue.getState().enqueueFiles([new File(['x'], 'remote.jpg')]);
    const [row] = useQueue.getState().rows;
    expect(row).toMatchObject({ fileName: 'remote.jpg', state: 'failed', local: true });
    expect(row!.error!.message).toMatch(/local folder/);
  });
});
