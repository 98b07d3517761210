/**
 * The analysis service on the core: the model registry (list, verify, import — in the main
 * thread, without loading sessions), the engine (queue + worker that runs the models) and the
 * live monitor (sessions in main, frames scored in a worker thread of their own).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppSettings } from '../../../src-shared/domain/settings';
import type { AuditLog } from '../audit/audit-log';
import type { ArtifactStore } from '../db/artifacts';
import type { DetectionsRepo } from '../db/detections';
import type { EventBus } from '../events';
import type { Logger } from '../log/logger';
import { AnalysisEngine } from './engine';
import { LiveService } from './live';
import { defaultThreads } from './ort-session';
import { ModelRegistry, type ModelDir } from './registry';
import { createLiveRunner, createRunner, InProcessRunner } from './runner';

export interface AnalysisService {
  readonly registry: ModelRegistry;
  readonly engine: AnalysisEngine;
  readonly live: LiveService;
  readonly modelDirs: ModelDir[];
  /** Forget loaded models (after an import): the next file job and the next live frame load them again. */
  reloadModels(): void;
  close(): Promise<void>;
}

/** The models folder shipped with the app: resources/models when packaged, the repo's models/ otherwise. */
export function bundledModelsDir(start = __dirname): string | null {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources && fs.existsSync(path.join(resources, 'models'))) return path.join(resources, 'models');
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const cand = path.join(dir, 'models');
    if (fs.existsSync(cand) && fs.existsSync(path.join(dir, 'package.json'))) return cand;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** Model folders in precedence order (later ones override an id): bundled, imported, then explicit. */
export function modelDirsFor(dataDir: string, opts: { modelsDir?: string | null; env?: NodeJS.ProcessEnv; bundled?: boolean } = {}): ModelDir[] {
  const env = opts.env ?? process.env;
  const dirs: ModelDir[] = [];
  const bundled = opts.bundled === false ? null : bundledModelsDir();
  if (bundled) dirs.push({ dir: bundled, source: 'bundled' });
  dirs.push({ dir: path.join(dataDir, 'models'), source: 'imported' });
  const extra = opts.modelsDir ?? env.MEDIAGUARD_MODELS_DIR;
  if (extra) dirs.push({ dir: path.resolve(extra), source: 'path' });
  return dirs;
}

/** Build the analysis service for a data dir. */
export function createAnalysisService(deps: {
  dataDir: string;
  modelsDir?: string | null;
  inProcess?: boolean;
  bundledModels?: boolean;
  settings: () => AppSettings;
  detections: DetectionsRepo;
  artifacts: ArtifactStore;
  audit: AuditLog;
  events: EventBus;
  log: Logger;
  appVersion: string;
}): AnalysisService {
  const modelDirs = modelDirsFor(deps.dataDir, { modelsDir: deps.modelsDir ?? null, bundled: deps.bundledModels ?? true });
  const importDir = path.join(deps.dataDir, 'models');
  const registry = new ModelRegistry({ dirs: modelDirs, importDir, log: deps.log.child('models') });
  const init = { modelDirs, importDir, threads: defaultThreads() };
  const runner = deps.inProcess ? new InProcessRunner(init) : createRunner(init, deps.log);
  const engine = new AnalysisEngine({ runner, camerasDir: path.join(deps.dataDir, 'cameras'), settings: deps.settings, detections: deps.detections, artifacts: deps.artifacts, audit: deps.audit, events: deps.events, log: deps.log, appVersion: deps.appVersion });
  // Live frames: a worker thread of their own beside the file worker, or the same in-process runner (createLiveRunner says why).
  const liveRunner = createLiveRunner(runner);
  const live = new LiveService({ runner: liveRunner, detections: deps.detections, audit: deps.audit, settings: deps.settings, appVersion: deps.appVersion });
  return {
    registry,
    engine,
    live,
    modelDirs,
    reloadModels() {
      engine.reloadModels();
      if (liveRunner !== runner) liveRunner.reloadModels();
    },
    async close() {
      live.close();
      await engine.close();
      if (liveRunner !== runner) await liveRunner.close();
      await registry.close();
    },
  };
}
