/**
 * Execution providers: which accelerators are tried on each platform, and that one which
 * cannot start falls back to the CPU provider and is recorded as such (on this machine no
 * accelerator library is installed, so forcing one exercises exactly that fallback).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { candidateProviders, createOrtModel, defaultThreads, floatTensor, readOutput } from '../../../src-main/core/analysis/ort-session';
import { classifierGraph } from '../../helpers/analysis-models';
import { buildOnnx } from '../../helpers/onnx-builder';

describe('onnxruntime execution providers', () => {
  const saved = process.env.MEDIAGUARD_EXECUTION_PROVIDER;
  afterEach(() => {
    if (saved === undefined) delete process.env.MEDIAGUARD_EXECUTION_PROVIDER;
    else process.env.MEDIAGUARD_EXECUTION_PROVIDER = saved;
  });

  it('tries the platform accelerator first and always ends with the CPU', () => {
    expect(candidateProviders({}, 'win32')).toEqual(['dml', 'cpu']);
    expect(candidateProviders({}, 'darwin')).toEqual(['coreml', 'cpu']);
    expect(candidateProviders({}, 'linux').at(-1)).toBe('cpu');
    expect(candidateProviders({ MEDIAGUARD_EXECUTION_PROVIDER: 'CPU' }, 'win32')).toEqual(['cpu']);
    expect(candidateProviders({ MEDIAGUARD_EXECUTION_PROVIDER: 'cuda' }, 'darwin')).toEqual(['cuda', 'cpu']);
    expect(candidateProviders({ MEDIAGUARD_EXECUTION_PROVIDER: 'bogus' }, 'darwin')).toEqual(['coreml', 'cpu']);
  });

  it('sizes intra-op threads to half the cores, between 1 and 8', () => {
    expect([defaultThreads(1), defaultThreads(2), defaultThreads(8), defaultThreads(64)]).toEqual([1, 1, 4, 8]);
  });

  it('falls back to the CPU when a forced accelerator cannot start, and says which provider ran', async () => {
    process.env.MEDIAGUARD_EXECUTION_PROVIDER = process.platform === 'win32' ? 'coreml' : 'dml'; // never present on this platform
    const model = await createOrtModel(buildOnnx(classifierGraph()), { threads: 1 });
    expect(model.provider).toBe('cpu');
    const out = await model.session.run({ input: floatTensor(new Float32Array(3 * 32 * 32).fill(0.5), [1, 3, 32, 32]) });
    expect(readOutput(out, 'logit').data[0]).toBeCloseTo(0, 5); // 8·0.5 + 0 − 8·0.5
    await model.session.release();
  });
});
