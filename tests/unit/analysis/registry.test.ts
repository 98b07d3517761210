import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { createLogger } from '../../../src-main/core/log/logger';
import { classifierGraph, detectorGraph, testManifest, writeModel, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';

const log = createLogger('test', { level: 'error', sink: () => undefined });

describe('model registry', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  const models = () => path.join(t.dir, 'models');
  const imports = () => path.join(t.dir, 'data', 'models');
  beforeEach(() => {
    t = tempDir('mg-reg-');
    reg = new ModelRegistry({ dirs: [{ dir: models(), source: 'bundled' }, { dir: imports(), source: 'imported' }], importDir: imports(), log, threads: 1 });
  });
  afterEach(async () => {
    await reg.close();
    t.cleanup();
  });

  it('lists manifests without hashing, then verifies them', async () => {
    writeStandardModels(models());
    const list = reg.list();
    expect(list.map((m) => m.id).sort()).toEqual(['t-detector', 't-face', 't-image']);
    expect(list.every((m) => m.verified === null && m.source === 'bundled' && m.sizeBytes > 0)).toBe(true);
    const verified = await reg.verify();
    expect(verified.every((m) => m.verified === true)).toBe(true);
  });

  it('loads a model lazily and only once, recording the provider', async () => {
    writeStandardModels(models());
    const [a, b] = await Promise.all([reg.get('t-face'), reg.get('t-face')]);
    expect(a).toBe(b);
    expect(a.ref).toMatchObject({ id: 't-face', task: 'face-manipulation' });
    expect(['cpu', 'cuda', 'dml', 'coreml']).toContain(a.ref.provider);
  });

  it('refuses to load a file whose hash does not match its manifest', async () => {
    writeModel(models(), classifierGraph(), testManifest('t-bad', 'face-manipulation'), { sha256: 'a'.repeat(64) });
    await expect(reg.get('t-bad')).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/does not match the manifest/) });
    const v = await reg.verify();
    expect(v.find((m) => m.id === 't-bad')).toMatchObject({ verified: false, error: expect.stringMatching(/hash/) });
  });

  it('names a missing model and a missing file clearly', async () => {
    await expect(reg.get('nope')).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringContaining("'nope'") });
    const w = writeModel(models(), classifierGraph(), testManifest('t-gone', 'face-manipulation'));
    fs.rmSync(w.onnx);
    await expect(reg.get('t-gone')).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    expect(reg.list().find((m) => m.id === 't-gone')).toMatchObject({ verified: false, error: expect.stringMatching(/missing/) });
  });

  it('reports a broken manifest without hiding the others', () => {
    writeStandardModels(models());
    fs.writeFileSync(path.join(models(), 'broken.json'), JSON.stringify({ id: 'broken', task: 'face-manipulation' }));
    fs.writeFileSync(path.join(models(), 'evil.json'), JSON.stringify({ ...testManifest('evil', 'face-manipulation'), file: '../../etc/passwd', sha256: 'b'.repeat(64) }));
    const list = reg.list();
    expect(list.filter((m) => m.verified !== false).map((m) => m.id).sort()).toEqual(['t-detector', 't-face', 't-image']);
    expect(list.find((m) => m.id === 'broken')?.error).toMatch(/invalid/);
    expect(list.find((m) => m.id === 'evil')?.error).toMatch(/bare file name/);
  });

  it('imports a model into the data dir; a wrong hash or shape is refused', async () => {
    const src = path.join(t.dir, 'incoming');
    const good = writeModel(src, classifierGraph(), testManifest('t-new', 'face-manipulation'));
    const summary = await reg.import(good.json);
    expect(summary).toMatchObject({ id: 't-new', source: 'imported', verified: true });
    expect(fs.existsSync(path.join(imports(), 't-new.onnx'))).toBe(true);
    expect((await reg.get('t-new')).manifest.id).toBe('t-new');

    const badHash = writeModel(src, classifierGraph(), testManifest('t-hash', 'face-manipulation'), { sha256: 'c'.repeat(64) });
    await expect(reg.import(badHash.json)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/SHA-256/) });

    const m = testManifest('t-shape', 'face-manipulation');
    const badShape = writeModel(src, classifierGraph(), { ...m, input: { ...m.input, shape: [-1, 3, 64, 64] } });
    await expect(reg.import(badShape.json)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/shape/) });

    const badName = writeModel(src, detectorGraph(), { ...testManifest('t-name', 'face-detection'), input: { ...testManifest('t-name', 'face-detection').input, name: 'pixels' } });
    await expect(reg.import(badName.json)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/no input named 'pixels'/) });

    fs.writeFileSync(path.join(src, 'garbage.json'), '{not json');
    await expect(reg.import(path.join(src, 'garbage.json'))).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(fs.readdirSync(imports()).sort()).toEqual(['t-new.json', 't-new.onnx']);
  });

  it('refuses a manifest or model that is a named pipe, a device or too large, at once (it would block or never end)', async () => {
    const src = path.join(t.dir, 'hostile');
    fs.mkdirSync(src, { recursive: true });
    const fifo = path.join(src, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    await expect(reg.import(fifo)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/manifest pipe\.json is not a regular file/) });
    // A manifest naming a device as its model file (the hash of /dev/zero would never end).
    fs.symlinkSync('/dev/zero', path.join(src, 'zero.onnx'));
    fs.writeFileSync(path.join(src, 'zero.json'), JSON.stringify({ ...testManifest('zero', 'face-manipulation'), file: 'zero.onnx', sha256: 'd'.repeat(64) }));
    await expect(reg.import(path.join(src, 'zero.json'))).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/model file zero\.onnx is not a regular file/) });
    expect(Date.now() - t0).toBeLessThan(5000);
    // A 2 MB "manifest" is refused before it is read.
    fs.writeFileSync(path.join(src, 'big.json'), Buffer.alloc(2 * 1024 * 1024, 0x20));
    await expect(reg.import(path.join(src, 'big.json'))).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/at most 1 MB/) });
    await expect(reg.import(path.join(src, 'none.json'))).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });

  it('refuses a file that is not ONNX', async () => {
    const src = path.join(t.dir, 'incoming');
    fs.mkdirSync(src, { recursive: true });
    const bytes = Buffer.from('definitely not a protobuf model');
    fs.writeFileSync(path.join(src, 'x.onnx'), bytes);
    const sha = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(path.join(src, 'x.json'), JSON.stringify({ ...testManifest('x', 'face-manipulation'), file: 'x.onnx', sha256: sha }));
    await expect(reg.import(path.join(src, 'x.json'))).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/onnxruntime/) });
  });
});
