/**
 * A Matroska/WebM file written live (as MediaRecorder writes: segment and clusters of unknown size,
 * no duration, no index) is analysed like any video, and its missing duration is put down to how it
 * was written, not called a sign of an incomplete stream.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../src-main/core/analysis/analyze-file';
import type { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { testRegistry, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';
import { IDS, level1, segmentOf, withSize } from '../../helpers/ebml';
import { fixture } from '../media/helpers';

describe('a live-written WebM', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  beforeAll(() => {
    t = tempDir('mg-live-');
    writeStandardModels(path.join(t.dir, 'models'));
    reg = testRegistry(t.dir);
  });
  afterAll(async () => {
    await reg.close();
    t.cleanup();
  });

  it('is analysed, and its missing duration is put down to live writing', async () => {
    let b: Buffer = fs.readFileSync(fixture('clip.webm'));
    // ffmpeg's Duration (in Info: ID 0x4489, an 8-byte float) is what a live writer leaves out: a Void of the same 11 bytes instead.
    const info = level1(b).find((x) => x.id === IDS.Info)!;
    const dur = b.indexOf(Buffer.from([0x44, 0x89, 0x88]), info.start);
    expect(dur).toBeGreaterThan(info.start);
    b = Buffer.from(b);
    Buffer.concat([Buffer.from([IDS.Void, 0x89]), Buffer.alloc(9)]).copy(b, dur);
    for (const c of level1(b).filter((x) => x.id === IDS.Cluster)) b = withSize(b, c, null);
    b = withSize(b, segmentOf(b), null);
    const file = path.join(t.dir, 'live.webm');
    fs.writeFileSync(file, b);
    const out = await analyzeFile(file, { registry: reg, settings: DEFAULT_SETTINGS, options: { frames: 4 }, signal: new AbortController().signal, progress: () => undefined });
    expect(out.media.durationSec).toBeNull();
    expect(out.result.frames.length).toBeGreaterThan(0);
    expect(out.metadata!.flags.map((f) => f.code)).toContain('LIVE_RECORDING');
    const msg = out.result.warnings.map((w) => w.message).join(' ');
    expect(msg).toContain('The container states no duration: it was written live');
    expect(msg).not.toContain('stream may be incomplete');
  });
});
