import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/main';
import { testIo as io } from '../../helpers/cli-io';

describe('mediaguard CLI', () => {
  it('prints the version', async () => {
    const i = io();
    expect(await runCli(['--version'], i)).toBe(0);
    expect(i.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints help with exit 0', async () => {
    const i = io();
    expect(await runCli(['--help'], i)).toBe(0);
    expect(i.out).toMatch(/Usage: mediaguard <command>/);
    expect(i.out).toMatch(/--data-dir/);
  });

  it('prints help and exits 2 with no arguments', async () => {
    const i = io();
    expect(await runCli([], i)).toBe(2);
    expect(i.out).toMatch(/Usage/);
  });

  it('refuses an unknown command', async () => {
    const i = io();
    expect(await runCli(['frobnicate'], i)).toBe(2);
    expect(i.err).toMatch(/unknown command 'frobnicate'/);
  });
});
