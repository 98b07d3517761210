/**
 * Run ffmpeg/ffprobe as a child process with an argument array (never a shell), with
 * cancellation and a timeout that kill the child and wait for it to be reaped, so no
 * zombie outlives the call. Nothing is written to disk: output comes over pipes.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../../../src-shared/result';

export interface RunToolOptions {
  /** Human name of the job for error messages ("ffprobe", "frame extraction"). */
  what: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Streams stdout to the caller instead of collecting it; throwing here kills the child. */
  onStdout?: (chunk: Buffer) => void;
  /** Upper bound on collected stdout (when onStdout is not given). */
  maxStdoutBytes?: number;
}

export interface RunToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last 64 KiB of stderr (ffmpeg can be chatty on damaged input). */
  stderr: string;
}

const STDERR_KEEP = 64 * 1024;

/** Spawn `bin args` and resolve when it has exited and its pipes are closed. */
export function runTool(bin: string, args: readonly string[], opts: RunToolOptions): Promise<RunToolResult> {
  return new Promise<RunToolResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new AppError('CANCELLED', `${opts.what} was cancelled`));
      return;
    }
    const child = spawn(bin, [...args], { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: Error | null = null;
    let timer: NodeJS.Timeout | null = null;

    const kill = (why: Error) => {
      if (!failure) failure = why;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = () => kill(new AppError('CANCELLED', `${opts.what} was cancelled`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs && opts.timeoutMs > 0) {
      timer = setTimeout(() => kill(new AppError('TIMEOUT', `${opts.what} took longer than ${Math.round(opts.timeoutMs! / 1000)} s and was stopped`)), opts.timeoutMs);
    }

    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        if (opts.onStdout) opts.onStdout(chunk);
        else {
          stdoutBytes += chunk.length;
          if (stdoutBytes > (opts.maxStdoutBytes ?? 256 * 1024 * 1024)) throw new AppError('LIMIT_EXCEEDED', `${opts.what} produced more output than allowed`);
          chunks.push(chunk);
        }
      } catch (e) {
        kill(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (stderr.length > STDERR_KEEP * 2) stderr = stderr.slice(-STDERR_KEEP);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      // spawn failures (ENOENT, EACCES) arrive here and 'close' may still follow.
      const missing = e.code === 'ENOENT' || e.code === 'EACCES';
      failure ??= missing
        ? new AppError('FFMPEG_MISSING', `${opts.what}: cannot run ${bin} (${e.code}). Install ffmpeg or set its path in Settings.`)
        : new AppError('IO', `${opts.what}: ${e.message}`);
      if (child.pid === undefined) finish(null, null);
    });
    let done = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else resolve({ code, signal: sig, stdout: Buffer.concat(chunks), stderr: stderr.slice(-STDERR_KEEP) });
    };
    // 'close' fires after the process exited AND its stdio closed: the child is reaped.
    child.on('close', (code, sig) => finish(code, sig));
  });
}

/** The last meaningful stderr line, for error messages. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}

/**
 * The argument that names an input file for ffmpeg/ffprobe. An absolute path behind the
 * `file:` protocol can never be read as an option (leading '-') or as another protocol
 * ('concat:', 'http:') whatever the file is called.
 */
export function ffInputArg(absPath: string): string {
  return `file:${absPath}`;
}

/**
 * Options that keep ffmpeg/ffprobe on the local file: no network or nested protocols
 * (playlists that point elsewhere are a known way to make ffmpeg read other files).
 */
export const SAFE_INPUT_OPTS: readonly string[] = ['-protocol_whitelist', 'file'];

/**
 * The whitelist and input argument for a file, or for its first `endByte` bytes only — when another
 * file is appended after them that a demuxer would read on into (a second Matroska segment): ffmpeg's
 * `subfile` protocol over `file:`, nothing else.
 */
export function ffInputOf(absPath: string, endByte?: number): { opts: readonly string[]; arg: string } {
  // (No first bytes to keep to: the whole file, as without endByte.)
  if (endByte === undefined || !(endByte >= 1)) return { opts: SAFE_INPUT_OPTS, arg: ffInputArg(absPath) };
  return { opts: ['-protocol_whitelist', 'subfile,file'], arg: `subfile,,start,0,end,${Math.floor(endByte)},,:${ffInputArg(absPath)}` };
}
