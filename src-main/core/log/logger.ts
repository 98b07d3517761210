/** One scoped logger; never pass secrets or password hashes to it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /pass(word)?|hash|secret|token/i;

/** Drop fields whose names look like secrets, so a careless call cannot leak them. */
function scrub(fields?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v;
  return out;
}

/** Create a logger writing JSON lines to a sink (stderr by default). */
export function createLogger(
  scope = 'mediaguard',
  opts: { level?: LogLevel; sink?: (line: string) => void } = {},
): Logger {
  const envLevel = (process.env.MEDIAGUARD_LOG_LEVEL as LogLevel | undefined) ?? undefined;
  const level: LogLevel = opts.level ?? (envLevel && envLevel in ORDER ? envLevel : 'warn');
  const sink = opts.sink ?? ((line: string) => process.stderr.write(line + '\n'));
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level: lvl, scope, msg, ...scrub(fields) }));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (s) => createLogger(`${scope}:${s}`, { level, sink }),
  };
}
