import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../src-preload/create-api';
import { createAppDispatcher } from '../../src-main/ipc/handler-table';
import type { Core } from '../../src-main/core/core';
import { signIn, testCore } from '../helpers/core';
import { useQueue } from '../../src-renderer/src/stores/queue-store';
import { Analyse } from '../../src-renderer/src/screens/analyse';

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

  it('a dropped folder: its pictures are queued, what it left out is listed on the analyse screen until cleared', async () => {
    await signIn(core, 'user', SENDER);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-drop-'));
    try {
      fs.copyFileSync(FIXTURE, path.join(folder, 'camera.jpg'));
      fs.writeFileSync(path.join(folder, 'notes.txt'), 'case notes');
      await useQueue.getState().enqueuePaths([folder]);
      expect(useQueue.getState().rows.map((r) => r.fileName)).toEqual(['camera.jpg']);
      const name = path.basename(folder);
      expect(useQueue.getState().leftOut).toEqual([`Not analysed in “${name}”: 1 file that is not an image or a video (notes.txt).`]);
      render(<Analyse />);
      expect(screen.getByTestId('left-out').textContent).toContain('notes.txt');
      await useQueue.getState().cancel(useQueue.getState().rows[0]!.jobId);
      act(() => useQueue.getState().clearFinished());
      expect(screen.queryByTestId('left-out')).toBeNull();
    } finally {
      cleanup();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('files the bridge cannot turn into paths become per-file errors with advice', async () => {
    await signIn(core, 'user', SENDER);
    await useQueue.getState().enqueueFiles([new File(['x'], 'remote.jpg')]);
    const [row] = useQueue.getState().rows;
    expect(row).toMatchObject({ fileName: 'remote.jpg', state: 'failed', local: true });
    expect(row!.error!.message).toMatch(/local folder/);
  });
});
