/**
 * The checks that need no model on threads of their own (forensics-thread.ts, forensics-worker-entry.ts):
 * the JPEG coefficient stage and the copy-move check give on their thread what they give on the calling
 * one, request by request; a thread that dies or a host that closes leaves no request hanging; and an
 * analysis using the threads gives the result it gives without.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../src-main/core/analysis/analyze-file';
import { detectCopyMove } from '../../../src-main/core/analysis/copy-move';
import { createForensicsRunner, findForensicsWorkerScript, ForensicsThreads, inlineForensics } from '../../../src-main/core/analysis/forensics-thread';
import { decodeImage } from '../../../src-main/core/media/image-decode';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { testRegistry, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';
import { fixture } from '../media/helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('the forensic check threads', () => {
  let t: { dir: string; cleanup: () => void };
  let script: string;
  beforeAll(async () => {
    t = tempDir('mg-forensics-thread-');
    // The threads' script as scripts/build.mjs bundles it.
    script = path.join(t.dir, 'forensics-worker.cjs');
    await build({ entryPoints: [path.join(ROOT, 'src-main/core/analysis/forensics-worker-entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'error' });
  });
  afterAll(() => t.cleanup());

  const threads = (file = script) => new ForensicsThreads({ file, eval: false });
  const head = (buf: Buffer) => ({ buf: Buffer.from(buf), whole: true });
  const still = async (name: string) => decodeImage(fixture(name), { format: 'jpeg', width: 0, height: 0 });

  it('the JPEG stage gives what the calling thread gives, each request its own answer, several in flight at once', async () => {
    const th = threads();
    try {
      const spliced = fs.readFileSync(fixture('spliced.jpg'));
      const cases = Object.entries({
        'spliced (history twice, splice map)': spliced,
        'pasted (shifted-grid region)': fs.readFileSync(fixture('pasted.jpg')),
        'saved once': fs.readFileSync(fixture('camera.jpg')),
        'cut short': spliced.subarray(0, Math.floor(spliced.length * 0.4)),
        'not a JPEG': Buffer.from('not a jpeg at all'),
      });
      const answers = await Promise.all(cases.map(([, buf]) => th.jpeg(head(buf))));
      for (const [i, [name, buf]] of cases.entries()) expect(answers[i], name).toEqual(await inlineForensics.jpeg(head(buf)));
      expect(answers[0]).toMatchObject({ ok: true, history: { finding: 'twice' }, splice: { regions: [expect.anything()] } });
      expect(answers[1]).toMatchObject({ ok: true, grid: { regions: [expect.anything()] } });
      expect(answers[3]).toEqual({ ok: false, reason: expect.stringMatching(/^damaged JPEG data/) });
      expect(answers[4]).toEqual({ ok: false, reason: 'not a JPEG file' });
    } finally {
      await th.close();
    }
  });

  it('the copy-move check gives what the calling thread gives, and leaves the picture it was given untouched', async () => {
    const th = threads();
    try {
      const cloned = await still('cloned.jpg');
      const before = Buffer.from(cloned.data);
      const [onThread, plain] = await Promise.all([th.copyMove(cloned), th.copyMove(await still('camera.jpg'))]);
      expect(onThread).toEqual(detectCopyMove(cloned));
      expect(onThread.regions.length).toBeGreaterThan(0);
      expect(plain).toEqual(detectCopyMove(await still('camera.jpg')));
      expect(Buffer.from(cloned.data).equals(before)).toBe(true);
    } finally {
      await th.close();
    }
  });

  it('answers every request when its thread dies, and starts a new thread for the next one; closing settles what is in flight', async () => {
    const crash = path.join(t.dir, 'crash.cjs');
    fs.writeFileSync(crash, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));");
    const dying = threads(crash);
    const buf = fs.readFileSync(fixture('camera.jpg'));
    expect(await dying.jpeg(head(buf))).toEqual({ ok: false, reason: 'the JPEG coefficient thread exited (code 3)' });
    expect(await dying.jpeg(head(buf))).toEqual({ ok: false, reason: 'the JPEG coefficient thread exited (code 3)' });
    await expect(dying.copyMove(await still('camera.jpg'))).rejects.toThrow('the copy-move check failed: the copy-move thread exited (code 3)');
    await dying.close();
    // Asked and closed in one go (no answer can arrive in between).
    const th = threads();
    const cloned = await still('cloned.jpg');
    const spliced = head(fs.readFileSync(fixture('spliced.jpg')));
    const pending = th.jpeg(spliced);
    const pendingClones = expect(th.copyMove(cloned)).rejects.toThrow('the copy-move check failed: the analysis host is closing');
    await th.close();
    expect(await pending).toEqual({ ok: false, reason: 'the analysis host is closing' });
    await pendingClones;
  });

  it('answers a cancelled request at once, and ends the thread only when nothing on it is still wanted; the next request starts a fresh one', async () => {
    // A thread that never answers: only cancellation or closing can settle its requests.
    const hang = path.join(t.dir, 'hang.cjs');
    fs.writeFileSync(hang, "require('node:worker_threads').parentPort.on('message', () => undefined);");
    const th = threads(hang);
    const buf = fs.readFileSync(fixture('camera.jpg'));
    const [a, b] = [new AbortController(), new AbortController()];
    const first = th.jpeg(head(buf), a.signal);
    const second = th.jpeg(head(buf), b.signal);
    expect(th.running('jpeg')).toBe(true);
    a.abort();
    expect(await first).toEqual({ ok: false, reason: 'cancelled' });
    // The other request is still wanted: the thread goes on.
    expect(th.running('jpeg')).toBe(true);
    b.abort();
    expect(await second).toEqual({ ok: false, reason: 'cancelled' });
    expect(th.running('jpeg')).toBe(false);
    const c = new AbortController();
    const clones = th.copyMove(await still('camera.jpg'), c.signal);
    c.abort();
    await expect(clones).rejects.toThrow('the copy-move check failed: cancelled');
    expect(th.running('copy-move')).toBe(false);
    // Cancelled before it was asked: never sent.
    expect(await th.jpeg(head(buf), AbortSignal.abort())).toEqual({ ok: false, reason: 'cancelled' });
    expect(th.running('jpeg')).toBe(false);
    await th.close();
    // With the real checks: a cancelled request, then the next one on a fresh thread, answered as on the calling thread.
    const real = threads();
    try {
      const spliced = fs.readFileSync(fixture('spliced.jpg'));
      const d = new AbortController();
      const cancelled = real.jpeg(head(spliced), d.signal);
      d.abort();
      expect(await cancelled).toEqual({ ok: false, reason: 'cancelled' });
      expect(real.running('jpeg')).toBe(false);
      expect(await real.jpeg(head(spliced))).toEqual(await inlineForensics.jpeg(head(spliced)));
    } finally {
      await real.close();
    }
  });

  it('an analysis cancelled while its checks run on their threads ends as cancelled, and the threads are ended', async () => {
    writeStandardModels(path.join(t.dir, 'models'));
    const reg = testRegistry(t.dir);
    const th = threads();
    try {
      const ac = new AbortController();
      let waiting: number[] = [];
      const run = analyzeFile(fixture('cloned.jpg'), {
        registry: reg,
        settings: DEFAULT_SETTINGS,
        options: {},
        signal: ac.signal,
        forensics: th,
        // Once the models run, the copy-move check is under way on its thread.
        progress: (stage) => {
          if (stage === 'classify' && !ac.signal.aborted) {
            waiting = [th.inFlight('jpeg'), th.inFlight('copy-move')];
            ac.abort();
          }
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      // The copy-move check (seconds) was under way; the JPEG stage may or may not have answered by then.
      expect(waiting[1]).toBe(1);
      expect(th.running('copy-move')).toBe(false);
      if (waiting[0]) expect(th.running('jpeg')).toBe(false);
      expect([th.inFlight('jpeg'), th.inFlight('copy-move')]).toEqual([0, 0]);
    } finally {
      await th.close();
      await reg.close();
    }
  });

  it('runs the bundle beside the code, else the TypeScript source through tsx, else on the calling thread', async () => {
    expect(findForensicsWorkerScript(t.dir)).toEqual({ file: script, eval: false });
    expect(findForensicsWorkerScript(path.join(ROOT, 'src-main/core/analysis'))).toMatchObject({ eval: true, file: expect.stringContaining('forensics-worker-entry.ts') });
    expect(createForensicsRunner(path.join(t.dir, 'elsewhere'))).toBe(inlineForensics);
    // The source entry, as tests and the bench run it, answers like the bundle.
    const fromSource = createForensicsRunner(path.join(ROOT, 'src-main/core/analysis'));
    expect(fromSource.offThread).toBe(true);
    try {
      const buf = fs.readFileSync(fixture('pasted.jpg'));
      expect(await fromSource.jpeg(head(buf))).toEqual(await inlineForensics.jpeg(head(buf)));
    } finally {
      await fromSource.close();
    }
  });

  it('an analysis gives the same result with the checks on their threads, awaited beside the models', async () => {
    writeStandardModels(path.join(t.dir, 'models'));
    const reg = testRegistry(t.dir);
    const th = threads();
    try {
      for (const name of ['spliced.jpg', 'pasted.jpg', 'cloned.jpg', 'plain.png']) {
        const run = (forensics?: ForensicsThreads) =>
          analyzeFile(fixture(name), { registry: reg, settings: DEFAULT_SETTINGS, options: {}, signal: new AbortController().signal, progress: () => undefined, ...(forensics ? { forensics } : {}) });
        const [inline, threaded] = [await run(), await run(th)];
        const strip = (o: typeof inline) => ({ ...o, result: { ...o.result, timingsMs: {}, artifacts: o.result.artifacts.map((a) => ({ ...a, data: a.data.length })) } });
        expect(strip(threaded), name).toEqual(strip(inline));
        expect(Object.keys(threaded.result.timingsMs), name).toEqual(expect.arrayContaining(['copy-move-wait', ...(name.endsWith('.jpg') ? ['jpeg-coefficients', 'jpeg-wait'] : [])]));
        expect(Object.keys(inline.result.timingsMs), name).toContain('copy-move');
      }
    } finally {
      await th.close();
      await reg.close();
    }
  });
});
