/** `mediaguard` command line: the same engine as the window, headless. */
import { APP_VERSION } from '../core/version';
import { COMMANDS } from './commands/index';
import { EXIT, type CliIo } from './command';
import { promptSecret } from './prompt';
import { termSafeOutput } from './term-safe';

/** The top-level help text. */
export function helpText(): string {
  const width = Math.max(8, ...COMMANDS.map((c) => c.name.length));
  const lines = [
    `MediaGuard ${APP_VERSION} — offline media forensics`,
    '',
    'Usage: mediaguard <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --data-dir <dir>  data directory (default: $MEDIAGUARD_DATA_DIR, then the per-user app data dir)',
    '  --help, -h        show help (also: mediaguard <command> --help)',
    '  --version, -v     print the version',
    '',
    'Accounts: --as <username> names the acting account; its password comes from',
    'MEDIAGUARD_PASSWORD or a prompt. Exit code 0 only on success.',
  ];
  return lines.join('\n') + '\n';
}

/** Run the CLI with argv (without node and script) and return the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText());
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout(`${APP_VERSION}\n`);
    return EXIT.OK;
  }
  const entry = COMMANDS.find((c) => c.name === first);
  if (!entry) {
    io.stderr(`mediaguard: unknown command '${first}'. Run 'mediaguard --help' for the list.\n`);
    return EXIT.USAGE;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${cmd.usage}\n`);
    return EXIT.OK;
  }
  return cmd.run(rest, io);
}

/** Process entry point. */
export function main(): void {
  const io: CliIo = {
    // Defence in depth: whatever a command prints, no escape sequence or direction override reaches the terminal.
    stdout: (t) => process.stdout.write(termSafeOutput(t)),
    stderr: (t) => process.stderr.write(termSafeOutput(t)),
    env: process.env,
    promptSecret,
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`mediaguard: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = EXIT.FAILURE;
    },
  );
}
