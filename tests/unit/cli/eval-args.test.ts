import { describe, expect, it } from 'vitest';
import { evalArgs, firstPerSourceAndLabel } from '../../../scripts/eval-args';

describe('evaluation scripts: flags and the pictures they read', () => {
  const rows = ['a', 'a', 'a', 'b', 'a', 'b', 'b', 'a'].map((source, i) => ({ source, fake: i % 2 === 1, i }));

  it('takes the first N of each source and label, after its first --skip', () => {
    // a/real: 0, 2, 4 · a/fake: 1, 7 · b/fake: 3, 5 · b/real: 6
    expect(firstPerSourceAndLabel(rows, 1).map((r) => r.i)).toEqual([0, 1, 3, 6]);
    expect(firstPerSourceAndLabel(rows, 1, 1).map((r) => r.i)).toEqual([2, 5, 7]);
    expect(firstPerSourceAndLabel(rows, 2, 1).map((r) => r.i)).toEqual([2, 4, 5, 7]);
    expect(firstPerSourceAndLabel(rows, Infinity, 3)).toEqual([]);
    // Sets read with different --skip values never share a picture.
    const first = new Set(firstPerSourceAndLabel(rows, 1).map((r) => r.i));
    expect(firstPerSourceAndLabel(rows, Infinity, 1).some((r) => first.has(r.i))).toBe(false);
  });

  it('reads --name value, --name=value and bare flags', () => {
    expect(evalArgs(['--data', '/d', '--skip=12', '--strict', '--limit', '3', 'stray'])).toEqual({ data: '/d', skip: '12', strict: '', limit: '3' });
  });
});
