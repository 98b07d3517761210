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
import { placeholderDetection } from '../../src-main/core/analysis/record';

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
    core.grants.grant(SENDER, missing); // both as if dropped on the window
    core.grants.grant(SENDER, FIXTURE);
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
      core.grants.grant(SENDER, folder); // as if dropped on the window
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

  it('a path this window was not given is refused for that file alone; a record that did not finish re-runs', async () => {
    const s = await signIn(core, 'user', SENDER);
    core.grants.grant(SENDER, FIXTURE);
    await useQueue.getState().enqueuePaths(['/etc/hostname', FIXTURE]);
    const rows = useQueue.getState().rows;
    expect(rows.find((r) => r.fileName === 'hostname')).toMatchObject({ state: 'failed', local: true, error: { code: 'FORBIDDEN', message: expect.stringMatching(/not chosen in this window/) } });
    const good = rows.find((r) => r.fileName === 'camera.jpg')!;
    await useQueue.getState().cancel(good.jobId);
    const rec = await core.detections.insert(placeholderDetection('', { userId: s.userId, username: s.username }, { jobId: 'j', fileName: 'camera.jpg', path: FIXTURE, state: 'running', progress: null, detectionId: null, error: null, ownerId: s.userId }, new Date().toISOString(), 't'));
    await core.detections.setStatus(rec.id, 'interrupted');
    useQueue.getState().reset();
    await useQueue.getState().rerun(rec.id, 'camera.jpg');
    expect(useQueue.getState().rows).toEqual([expect.objectContaining({ fileName: 'camera.jpg', path: FIXTURE })]);
    await useQueue.getState().cancel(useQueue.getState().rows[0]!.jobId);
    await useQueue.getState().rerun('no-such-record', 'gone.jpg');
    expect(useQueue.getState().rows[1]).toMatchObject({ fileName: 'gone.jpg', state: 'failed', error: { code: 'NOT_FOUND' } });
  });

  it('files the bridge cannot turn into paths become per-file errors with advice', async () => {
    await signIn(core, 'user', SENDER);
    await useQueue.getState().enqueueFiles([new File(['x'], 'remote.jpg')]);
    const [row] = useQueue.getState().rows;
    expect(row).toMatchObject({ fileName: 'remote.jpg', state: 'failed', local: true });
    expect(row!.error!.message).toMatch(/local folder/);
  });
});
