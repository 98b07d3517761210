/**
 * A file that changes while it is analysed — renamed over, or appended to in place — fails
 * with IO instead of giving a verdict on one content under another content's hash.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../src-main/core/analysis/analyze-file';
import type { ModelRegistry } from '../../../src-main/core/analysis/registry';
import type { StageName } from '../../../src-main/core/analysis/types';
import { sharp } from '../../../src-main/core/native';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { testRegistry, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';

async function jpeg(seed: number): Promise<Buffer> {
  const w = 96;
  const h = 72;
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * seed * 31 + (i >> 5)) & 0xff;
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

describe('a file that changes during its analysis', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  beforeAll(() => {
    t = tempDir('mg-changed-');
    writeStandardModels(path.join(t.dir, 'models'));
    reg = testRegistry(t.dir);
  });
  afterAll(async () => {
    await reg.close();
    t.cleanup();
  });

  /** Analyse `file`, running `whenDecoding` once as the frames stage begins (after the hash was taken). */
  const run = (file: string, whenDecoding?: () => void) => {
    let fired = false;
    return analyzeFile(file, {
      registry: reg,
      settings: DEFAULT_SETTINGS,
      options: {},
      signal: new AbortController().signal,
      progress: (stage: StageName) => {
        if (stage === 'frames' && !fired && whenDecoding) {
          fired = true;
          whenDecoding();
        }
      },
    });
  };

  it('is analysed normally when left alone', async () => {
    const f = path.join(t.dir, 'still.jpg');
    fs.writeFileSync(f, await jpeg(1));
    const out = await run(f);
    expect(out.file.sizeBytes).toBe(fs.statSync(f).size);
  });

  it('fails with IO when another file is renamed over it mid-analysis', async () => {
    const f = path.join(t.dir, 'swapped.jpg');
    fs.writeFileSync(f, await jpeg(2));
    const other = await jpeg(3);
    await expect(
      run(f, () => {
        fs.writeFileSync(`${f}.new`, other);
        fs.renameSync(`${f}.new`, f);
      }),
    ).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/"swapped\.jpg" changed during the analysis/) });
  });

  it('fails with IO when bytes are appended in place mid-analysis', async () => {
    const f = path.join(t.dir, 'grown.jpg');
    fs.writeFileSync(f, await jpeg(4));
    await expect(run(f, () => fs.appendFileSync(f, Buffer.alloc(64, 7)))).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/changed during the analysis/) });
  });

  it('fails with IO when it is deleted mid-analysis', async () => {
    const f = path.join(t.dir, 'gone.jpg');
    fs.writeFileSync(f, await jpeg(5));
    await expect(run(f, () => fs.rmSync(f))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/"gone\.jpg" does not exist/) });
  });
});
