/**
 * Find ffmpeg and ffprobe: a path from settings, then MEDIAGUARD_FFMPEG/MEDIAGUARD_FFPROBE,
 * then the bundled ffmpeg-static/ffprobe-static binaries (optional dependencies whose
 * download may have failed), then PATH. The binary that ran and its version are recorded
 * with every analysis, so each is run once with -version and the answer cached.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ToolInfo } from '../../../src-shared/domain/media';
import { AppError } from '../../../src-shared/result';
import { runTool } from './run-tool';

export interface ResolvedTools {
  ffmpeg: ToolInfo;
  ffprobe: ToolInfo;
}

export interface ResolveToolsOptions {
  ffmpegPath?: string | null;
  ffprobePath?: string | null;
  env: NodeJS.ProcessEnv;
  /** Override the bundled-binary lookup (tests). */
  bundled?: { ffmpeg: () => Promise<string | null>; ffprobe: () => Promise<string | null> };
}

type ToolName = 'ffmpeg' | 'ffprobe';
const ENV_VAR: Record<ToolName, string> = { ffmpeg: 'MEDIAGUARD_FFMPEG', ffprobe: 'MEDIAGUARD_FFPROBE' };
const versionCache = new Map<string, Promise<string>>();

/** Inside a packaged app the binary lives in app.asar.unpacked, not in the archive. */
function unpacked(p: string): string {
  return p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
}

/** The bundled binaries' paths, or null when the optional package or its download is absent. */
export const defaultBundled = {
  async ffmpeg(): Promise<string | null> {
    try {
      const mod = (await import('ffmpeg-static')) as { default?: unknown };
      const p = typeof mod.default === 'string' ? mod.default : typeof mod === 'string' ? (mod as string) : null;
      return p ? unpacked(p) : null;
    } catch {
      return null;
    }
  },
  async ffprobe(): Promise<string | null> {
    try {
      const mod = (await import('ffprobe-static')) as { path?: unknown; default?: { path?: unknown } };
      const p = typeof mod.path === 'string' ? mod.path : typeof mod.default?.path === 'string' ? mod.default.path : null;
      return p ? unpacked(p) : null;
    } catch {
      return null;
    }
  },
};

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Look a program up on PATH the way a shell would, without a shell. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase()) : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** `ffmpeg -version` → "5.1.9-0+deb12u1" (cached per binary path). */
export function toolVersion(bin: string): Promise<string> {
  let p = versionCache.get(bin);
  if (!p) {
    p = runTool(bin, ['-hide_banner', '-version'], { what: path.basename(bin), timeoutMs: 15_000, maxStdoutBytes: 1024 * 1024 }).then((r) => {
      const first = r.stdout.toString('utf8').split(/\r?\n/)[0] ?? '';
      const m = /^(ffmpeg|ffprobe) version (\S+)/.exec(first);
      if (r.code !== 0 || !m?.[2]) throw new AppError('FFMPEG_MISSING', `${bin} did not answer -version like ffmpeg/ffprobe does (exit ${r.code}).`);
      return m[2];
    });
    versionCache.set(bin, p);
    p.catch(() => versionCache.delete(bin));
  }
  return p;
}

const INSTALL_HINT =
  'Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: put ffmpeg.exe and ffprobe.exe on PATH), or set the path to the binaries in Settings or in MEDIAGUARD_FFMPEG / MEDIAGUARD_FFPROBE.';

async function resolveOne(name: ToolName, setting: string | null | undefined, opts: ResolveToolsOptions, pairWith?: ToolInfo): Promise<ToolInfo> {
  // An explicit choice (setting or env var) that does not work is an error, not a silent fallback:
  // the analyst asked for that binary and the report must not name another one.
  const explicit: [ToolInfo['source'], string | undefined | null][] = [
    ['setting', setting],
    ['env', opts.env[ENV_VAR[name]]],
  ];
  for (const [source, p] of explicit) {
    if (!p) continue;
    const abs = path.resolve(p);
    const where = source === 'setting' ? `the ${name} path in Settings` : ENV_VAR[name];
    if (!isExecutable(abs)) throw new AppError('FFMPEG_MISSING', `${where} points to ${abs}, which is not an executable file. Fix or clear it. ${INSTALL_HINT}`);
    try {
      return { path: abs, version: await toolVersion(abs), source };
    } catch (e) {
      throw new AppError('FFMPEG_MISSING', `${where} points to ${abs}, which does not run as ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // ffprobe's packet index is matched frame for frame with ffmpeg's decoder output, so both
  // should come from one build: prefer the ffprobe installed next to a non-bundled ffmpeg over
  // the bundled one (ffprobe-static ships an ffprobe 4.0 even where ffmpeg-static is missing).
  if (pairWith && pairWith.source !== 'bundled') {
    const sibling = path.join(path.dirname(pairWith.path), name + (process.platform === 'win32' ? '.exe' : ''));
    if (isExecutable(sibling)) {
      try {
        return { path: sibling, version: await toolVersion(sibling), source: pairWith.source };
      } catch {
        /* fall through to the usual order */
      }
    }
  }
  const bundled = await (opts.bundled ?? defaultBundled)[name]();
  if (bundled && isExecutable(bundled)) {
    try {
      return { path: bundled, version: await toolVersion(bundled), source: 'bundled' };
    } catch {
      // A bundled binary for the wrong CPU or a half-finished download: fall through to PATH.
    }
  }
  const onPath = findOnPath(name, opts.env);
  if (onPath) {
    try {
      return { path: onPath, version: await toolVersion(onPath), source: 'path' };
    } catch {
      /* reported below */
    }
  }
  throw new AppError('FFMPEG_MISSING', `${name} was not found. ${INSTALL_HINT}`, { tool: name });
}

/**
 * Resolve ffmpeg and ffprobe in the documented order (setting, env var, bundled, PATH), except
 * that without an explicit ffprobe choice the ffprobe next to the chosen ffmpeg wins: probe and
 * decoder then agree on every frame. FFMPEG_MISSING with what to do when absent.
 */
export async function resolveTools(opts: ResolveToolsOptions): Promise<ResolvedTools> {
  const ffmpeg = await resolveOne('ffmpeg', opts.ffmpegPath, opts);
  const ffprobe = await resolveOne('ffprobe', opts.ffprobePath, opts, ffmpeg);
  return { ffmpeg, ffprobe };
}
