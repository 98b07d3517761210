import { describe, expect, it } from 'vitest';
import { exitCodeFor, parseFlags } from '../../../src-main/cli/context';
import { AppError } from '../../../src-shared/result';

describe('CLI context helpers', () => {
  it('parses string and boolean flags in both forms, and positionals', () => {
    expect(parseFlags(['add', 'ivy', '--role', 'user', '--data-dir=/tmp/x', '--json', '--as', 'chief'], { string: ['role'], boolean: ['json'] })).toEqual({
      flags: { role: 'user', 'data-dir': '/tmp/x', json: true, as: 'chief' },
      positionals: ['add', 'ivy'],
    });
    expect(parseFlags(['--', '--not-a-flag'])).toEqual({ flags: {}, positionals: ['--not-a-flag'] });
  });

  it('reports unknown flags, missing values and values on booleans', () => {
    expect(parseFlags(['--nope'])).toEqual({ error: 'unknown option --nope' });
    expect(parseFlags(['--as'])).toEqual({ error: '--as needs a value' });
    expect(parseFlags(['--as='])).toEqual({ error: '--as needs a value' });
    expect(parseFlags(['--json=1'], { boolean: ['json'] })).toEqual({ error: '--json takes no value' });
  });

  it('maps error codes to exit codes', () => {
    expect(exitCodeFor(new AppError('LOCKED', 'x'))).toBe(3);
    expect(exitCodeFor(new AppError('FORBIDDEN', 'x'))).toBe(3);
    expect(exitCodeFor(new AppError('CONFLICT', 'x'))).toBe(1);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
  });
});
