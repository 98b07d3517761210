/**
 * The JPEG coefficient stage on its own thread (jpeg-thread.ts, jpeg-worker-entry.ts): the thread
 * gives what the calling thread gives, request by request; a thread that dies or a host that closes
 * leaves no request hanging; and an analysis using it gives the result it gives without.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../src-main/core/analysis/analyze-file';
import { createJpegForensicsRunner, findJpegWorkerScript, inlineJpegForensics, JpegForensicsThread } from '../../../src-main/core/analysis/jpeg-thread';
import { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { createLogger } from '../../../src-main/core/log/logger';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';
import { fixture } from '../media/helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const log = createLogger('test', { level: 'error', sink: () => undefined });

describe('the JPEG coefficient thread', () => {
  let t: { dir: string; cleanup: () => void };
  let script: string;
  beforeAll(async () => {
    t = tempDir('mg-jpeg-thread-');
    // The thread's script as scripts/build.mjs bundles it.
    script = path.join(t.dir, 'jpeg-worker.cjs');
    await build({ entryPoints: [path.join(ROOT, 'src-main/core/analysis/jpeg-worker-entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'error' });
  });
  afterAll(() => t.cleanup());

  const head = (buf: Buffer) => ({ buf: Buffer.from(buf), whole: true });
  const inputs = () => {
    const spliced = fs.readFileSync(fixture('spliced.jpg'));
    return {
      'spliced (history twice, splice map)': spliced,
      'pasted (shifted-grid region)': fs.readFileSync(fixture('pasted.jpg')),
      'saved once': fs.readFileSync(fixture('camera.jpg')),
      'cut short': spliced.subarray(0, Math.floor(spliced.length * 0.4)),
      'not a JPEG': Buffer.from('not a jpeg at all'),
    };
  };

  it('gives what the calling thread gives, each request its own answer, several in flight at once', async () => {
    const thread = new JpegForensicsThread({ file: script, eval: false });
    try {
      const cases = Object.entries(inputs());
      const answers = await Promise.all(cases.map(([, buf]) => thread.run(head(buf))));
      for (const [i, [name, buf]] of cases.entries()) {
        expect(answers[i], name).toEqual(await inlineJpegForensics.run(head(buf)));
      }
      expect(answers[0]).toMatchObject({ ok: true, history: { finding: 'twice' }, splice: { regions: [expect.anything()] } });
      expect(answers[1]).toMatchObject({ ok: true, grid: { regions: [expect.anything()] } });
      expect(answers[3]).toEqual({ ok: false, reason: expect.stringMatching(/^damaged JPEG data/) });
      expect(answers[4]).toEqual({ ok: false, reason: 'not a JPEG file' });
    } finally {
      await thread.close();
    }
  });

  it('answers every request when its thread dies, and starts a new thread for the next one', async () => {
    const crash = path.join(t.dir, 'crash.cjs');
    fs.writeFileSync(crash, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));");
    const dying = new JpegForensicsThread({ file: crash, eval: false });
    const buf = fs.readFileSync(fixture('camera.jpg'));
    expect(await dying.run(head(buf))).toEqual({ ok: false, reason: 'the JPEG coefficient thread exited (code 3)' });
    expect(await dying.run(head(buf))).toEqual({ ok: false, reason: 'the JPEG coefficient thread exited (code 3)' });
    await dying.close();
    // Closing with a request in flight settles it too.
    const thread = new JpegForensicsThread({ file: script, eval: false });
    const pending = thread.run(head(fs.readFileSync(fixture('spliced.jpg'))));
    await thread.close();
    expect(await pending).toEqual({ ok: false, reason: 'the analysis host is closing' });
  });

  it('runs the bundle beside the code, else the TypeScript source through tsx, else on the calling thread', async () => {
    expect(findJpegWorkerScript(t.dir)).toEqual({ file: script, eval: false });
    const source = findJpegWorkerScript(path.join(ROOT, 'src-main/core/analysis'))!;
    expect(source).toMatchObject({ eval: true, file: expect.stringContaining('jpeg-worker-entry.ts') });
    expect(createJpegForensicsRunner(path.join(t.dir, 'elsewhere'))).toBe(inlineJpegForensics);
    // The source entry, as tests and the bench run it, answers like the bundle.
    const fromSource = createJpegForensicsRunner(path.join(ROOT, 'src-main/core/analysis'));
    expect(fromSource).toBeInstanceOf(JpegForensicsThread);
    try {
      const buf = fs.readFileSync(fixture('pasted.jpg'));
      expect(await fromSource.run(head(buf))).toEqual(await inlineJpegForensics.run(head(buf)));
    } finally {
      await fromSource.close();
    }
  });

  it('an analysis gives the same result with the stage on the thread, which it awaited beside the models', async () => {
    writeStandardModels(path.join(t.dir, 'models'));
    const reg = new ModelRegistry({ dirs: [{ dir: path.join(t.dir, 'models'), source: 'bundled' }], importDir: path.join(t.dir, 'imp'), log, threads: 1 });
    const thread = new JpegForensicsThread({ file: script, eval: false });
    try {
      for (const name of ['spliced.jpg', 'pasted.jpg']) {
        const run = (jpeg?: JpegForensicsThread) => analyzeFile(fixture(name), { registry: reg, settings: DEFAULT_SETTINGS, options: {}, signal: new AbortController().signal, progress: () => undefined, ...(jpeg ? { jpeg } : {}) });
        const [inline, threaded] = [await run(), await run(thread)];
        const strip = (o: typeof inline) => ({ ...o, result: { ...o.result, timingsMs: {}, artifacts: o.result.artifacts.map((a) => ({ ...a, data: a.data.length })) } });
        expect(strip(threaded), name).toEqual(strip(inline));
        expect(threaded.result.timingsMs).toHaveProperty('jpeg-coefficients');
        expect(threaded.result.timingsMs).toHaveProperty('jpeg-wait');
        expect(threaded.metadata?.highlights.find((h) => h.label === 'Compression history')?.value, name).toBe(inline.metadata?.highlights.find((h) => h.label === 'Compression history')?.value);
      }
    } finally {
      await thread.close();
      await reg.close();
    }
  });
});
