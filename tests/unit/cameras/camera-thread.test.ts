/**
 * The camera library's thread (camera-thread.ts, camera-worker-entry.ts): the bundle as
 * scripts/build.mjs makes it answers as the calling thread does, reports progress, carries an
 * error across with its code, and stops when cancelled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraThreads, findCameraWorkerScript, inlineCameraWork } from '../../../src-main/core/cameras/camera-thread';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { simCamera, writePhoto } from '../../helpers/camera-pictures';
import { tempDir } from '../../helpers/core';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const limits = DEFAULT_SETTINGS.limits;

describe('the camera thread', () => {
  const t = tempDir('mg-camera-thread-');
  // The bundle sits inside the checkout (ignored by git), where its externals (sharp) resolve from node_modules, as beside dist/main.
  const bundleDir = path.join(ROOT, 'tests', '.artifacts', `camera-thread-${process.pid}`);
  const script = path.join(bundleDir, 'camera-worker.cjs');
  const files: string[] = [];
  beforeAll(async () => {
    fs.mkdirSync(bundleDir, { recursive: true });
    await build({ entryPoints: [path.join(ROOT, 'src-main/core/cameras/camera-worker-entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, external: ['sharp', 'onnxruntime-node', 'libheif-js'], logLevel: 'error' });
    const cam = simCamera(5, 320, 256);
    for (let i = 0; i < 6; i++) files.push(await writePhoto(path.join(t.dir, `p${i}.jpg`), cam, 40 + i));
  }, 60_000);
  afterAll(() => {
    t.cleanup();
    fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  it('is found beside the source (through tsx) and as a bundle', () => {
    expect(findCameraWorkerScript(path.join(ROOT, 'src-main/core/cameras'))).toMatchObject({ eval: true, file: expect.stringContaining('camera-worker-entry.ts') });
    expect(findCameraWorkerScript(bundleDir)).toEqual({ file: script, eval: false });
    expect(findCameraWorkerScript(path.join(t.dir, 'nowhere'))).toBeNull();
  });

  it('estimates what the calling thread estimates, with progress', async () => {
    const th = new CameraThreads({ file: script, eval: false });
    const seen: number[] = [];
    const off = await th.estimate({ files, limits }, (done) => seen.push(done));
    const on = await inlineCameraWork.estimate({ files, limits });
    expect(off.estimate.images).toBe(6);
    expect(off.estimate.data).toBeInstanceOf(Float32Array);
    expect([...off.estimate.data]).toEqual([...on.estimate.data]);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  }, 60_000);

  it('carries an error across with its code and details, and stops when cancelled', async () => {
    const th = new CameraThreads({ file: script, eval: false });
    const few = await th.estimate({ files: files.slice(0, 2), limits }).catch((e: unknown) => e);
    expect(few).toBeInstanceOf(AppError);
    expect(few).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/at least 5 usable pictures/) });
    const txt = path.join(t.dir, 'x.txt');
    fs.writeFileSync(txt, 'hello');
    await expect(th.compare({ path: txt, dir: t.dir, limits })).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA' });
    const ac = new AbortController();
    const run = th.estimate({ files, limits }, (done) => done === 1 && ac.abort(), ac.signal);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    ac.abort();
    await expect(th.compare({ path: files[0]!, dir: t.dir, limits }, ac.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  }, 60_000);
});
