/** `mediaguard models list|verify|import`: the installed models and their integrity. */
import type { ModelSummary } from '../../../src-shared/domain/models';
import type { Core } from '../../core/core';
import { EXIT, type CliCommand, type CliIo } from '../command';
import { cliSenderId, flagString, openCliCore, parseFlags, printError, requireRole } from '../context';
import { termSafe } from '../term-safe';

const USAGE = `Usage: mediaguard models <action> [options]

Actions:
  list [--json]                   installed models (bundled, imported, --models-dir)
  verify [--json]                 re-hash every model file against its manifest; exit 4 if any fails
  import <manifest.json> --as <admin>   add a model (manifest beside its ONNX file); wrong hash or shape refused

Options: --models-dir <dir> (also MEDIAGUARD_MODELS_DIR), --data-dir <dir>.`;

function table(io: CliIo, list: ModelSummary[]): void {
  if (!list.length) {
    io.stdout('No models installed.\n');
    return;
  }
  for (const m of list) {
    const state = m.verified === true ? 'verified' : m.verified === false ? 'FAILED' : 'not verified';
    io.stdout(`${m.id.padEnd(24)} ${m.version.padEnd(18)} ${m.task.padEnd(18)} ${(m.sizeBytes / 1e6).toFixed(1).padStart(6)} MB  ${m.source.padEnd(8)} ${state}  ${m.sha256.slice(0, 16)}…  ${termSafe(m.license)}${m.error ? `  (${termSafe(m.error)})` : ''}\n`);
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  const p = parseFlags(args, { string: ['models-dir'], boolean: ['json'] });
  if ('error' in p) {
    io.stderr(`mediaguard models: ${p.error}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const [action, ...rest] = p.positionals;
  if (action !== 'list' && action !== 'verify' && action !== 'import') {
    io.stderr(`mediaguard models: unknown action '${action ?? ''}'\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  if ((action === 'import' && rest.length !== 1) || (action !== 'import' && rest.length)) {
    io.stderr(`mediaguard models: wrong arguments\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const json = p.flags.json === true;
  let core: Core | null = null;
  try {
    core = await openCliCore(p, io, { modelsDir: flagString(p, 'models-dir') ?? null });
    if (action === 'import') {
      const { session } = await requireRole(core, p, io, ['admin']);
      const path = await import('node:path');
      const s = await core.analysis.registry.import(path.resolve(rest[0]!));
      await core.audit.append({ actor: session, action: 'model.imported', target: s.id, details: { version: s.version, sha256: s.sha256, task: s.task, from: path.resolve(rest[0]!), via: 'cli' } });
      if (json) io.stdout(JSON.stringify(s) + '\n');
      else io.stdout(`Imported ${s.id} ${s.version} (${s.task}), sha256 ${s.sha256}.\n`);
      return EXIT.OK;
    }
    const list = action === 'verify' ? await core.analysis.registry.verify() : core.analysis.registry.list();
    if (json) io.stdout(JSON.stringify(list, null, 2) + '\n');
    else table(io, list);
    return action === 'verify' && list.some((m) => m.verified !== true) ? EXIT.VERIFY_FAILED : EXIT.OK;
  } catch (e) {
    return printError(io, 'models', e);
  } finally {
    if (core) {
      core.sessions.end(cliSenderId());
      await core.close();
    }
  }
}

export const modelsCommand: CliCommand = { name: 'models', usage: USAGE, run };
