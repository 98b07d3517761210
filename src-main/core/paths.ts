/** Where data lives: --data-dir, then MEDIAGUARD_DATA_DIR, then the platform default. */
import os from 'node:os';
import path from 'node:path';

/** Read `--data-dir X` or `--data-dir=X` from argv. */
export function dataDirFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data-dir' && argv[i + 1]) return argv[i + 1] ?? null;
    if (a?.startsWith('--data-dir=')) return a.slice('--data-dir='.length) || null;
  }
  return null;
}

/** The per-user default when Electron's userData is not available (CLI). */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir();
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'MediaGuard');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'MediaGuard');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'MediaGuard');
  }
}

/** Resolve the data dir in the documented order. */
export function resolveDataDir(opts: { argv: readonly string[]; env: NodeJS.ProcessEnv; defaultDir?: string }): string {
  const fromArgv = dataDirFromArgv(opts.argv);
  if (fromArgv) return path.resolve(fromArgv);
  if (opts.env.MEDIAGUARD_DATA_DIR) return path.resolve(opts.env.MEDIAGUARD_DATA_DIR);
  return opts.defaultDir ?? defaultUserDataDir(opts.env);
}
