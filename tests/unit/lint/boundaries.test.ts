import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

async function lint(file: string, code: string) {
  const eslint = new ESLint({ cwd: root });
  const [res] = await eslint.lintText(code, { filePath: path.join(root, file) });
  // The renderer's rules use the typescript-eslint variant (it tells type imports apart).
  return (res?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports');
}

describe('import boundaries (ARCHITECTURE.md)', () => {
  it("fails on an 'electron' import placed in src-main/core", async () => {
    const msgs = await lint('src-main/core/boundary-probe.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(msgs.length).toBeGreaterThan(0);
    expect(msgs[0]?.message).toMatch(/electron/);
  });

  it("fails on an 'electron' import in src-main/ipc and src-main/cli", async () => {
    expect((await lint('src-main/ipc/probe.ts', "import { ipcMain } from 'electron';\nexport const y = ipcMain;\n")).length).toBeGreaterThan(0);
    expect((await lint('src-main/cli/probe.ts', "import { app } from 'electron';\nexport const y = app;\n")).length).toBeGreaterThan(0);
  });

  it('fails on Node built-ins in src-shared and src-renderer', async () => {
    expect((await lint('src-shared/probe.ts', "import fs from 'node:fs';\nexport const f = fs;\n")).length).toBeGreaterThan(0);
    expect((await lint('src-renderer/src/probe.ts', "import path from 'path';\nexport const p = path;\n")).length).toBeGreaterThan(0);
  });

  it('fails when the renderer reaches into main', async () => {
    expect((await lint('src-renderer/src/probe.ts', "import { openCore } from '../../src-main/core/core';\nexport const o = openCore;\n")).length).toBeGreaterThan(0);
  });

  it('lets the renderer import only types from the contract (its values bring zod, which the CSP refuses)', async () => {
    const value = await lint('src-renderer/src/probe.ts', "import { analysisChannels } from '../../src-shared/contract/analysis';\nexport const c = analysisChannels;\n");
    expect(value.length).toBeGreaterThan(0);
    expect(value[0]?.message).toMatch(/only types from the contract/);
    expect(await lint('src-renderer/src/probe.ts', "import type { QueuedJob } from '../../src-shared/contract/analysis';\nexport type Q = QueuedJob;\n")).toHaveLength(0);
    expect(await lint('src-renderer/src/probe.ts', "import { describeLeftOut } from '../../src-shared/domain/folders';\nexport const d = describeLeftOut;\n")).toHaveLength(0);
  });

  it('allows electron in src-main/electron and src-preload', async () => {
    expect(await lint('src-main/electron/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(0);
    expect(await lint('src-preload/probe.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).toHaveLength(0);
  });
});
