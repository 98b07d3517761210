/** A `mediaguard` sub-command. Commands print to the given streams and return an exit code. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Read a line from the terminal without echo (passwords); null when not interactive. */
  promptSecret: (question: string) => Promise<string | null>;
}

export interface CliCommand {
  name: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/**
 * A registered command: named and summarised up front for the help text, its module (and
 * what that imports) loaded only when it is asked for, so `--help` or `users list` never
 * load the analysis engine (README "Performance", CLI start-up).
 */
export interface CliCommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

/** Exit codes shared by all commands. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  AUTH: 3,
  VERIFY_FAILED: 4,
} as const;
