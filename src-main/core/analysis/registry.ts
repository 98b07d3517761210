/**
 * The model registry: finds manifests in the model folders, checks each file's SHA-256
 * at load, loads each model lazily and once, lists and verifies them, and imports new
 * ones (refusing a wrong hash or an input shape that does not match the manifest).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelManifest, ModelRef, ModelSummary, ModelTask } from '../../../src-shared/domain/models';
import { AppError } from '../../../src-shared/result';
import type { Logger } from '../log/logger';
import { parseManifest } from './manifest';
import { createOrtModel, type OrtModel } from './ort-session';
import { isReferenceFolder, referenceManifests } from './reference-models';

export type ModelSource = ModelSummary['source'];

/** A folder holding models and where it came from (later folders override earlier ids). */
export interface ModelDir {
  dir: string;
  source: ModelSource;
}

/** A manifest found on disk. */
export interface ModelEntry {
  manifest: ModelManifest;
  filePath: string;
  source: ModelSource;
}

/** A model ready to run. */
export interface LoadedModel {
  manifest: ModelManifest;
  ort: OrtModel;
  ref: ModelRef;
}

/** Streaming SHA-256 of a file. */
export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Read every manifest in one folder; broken manifests are reported, not fatal. */
const warned = new Set<string>();

function scanDir(d: ModelDir, log: Logger): { entries: ModelEntry[]; broken: ModelSummary[] } {
  const entries: ModelEntry[] = [];
  const broken: ModelSummary[] = [];
  if (!fs.existsSync(d.dir)) return { entries, broken };
  if (isReferenceFolder(d.dir)) {
    for (const r of referenceManifests(d.dir)) entries.push({ manifest: r.manifest, filePath: r.filePath, source: d.source });
    return { entries, broken };
  }
  for (const name of fs.readdirSync(d.dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const where = path.join(d.dir, name);
    try {
      const manifest = parseManifest(JSON.parse(fs.readFileSync(where, 'utf8')), name);
      entries.push({ manifest, filePath: path.join(d.dir, manifest.file), source: d.source });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // Scans happen on every list; say it once per broken file, not on every call.
      if (!warned.has(where + message)) log.warn('skipping model manifest', { file: where, error: message });
      warned.add(where + message);
      const id = name.replace(/\.json$/, '');
      broken.push({ id, version: '?', task: 'face-manipulation', sha256: '', file: name, sizeBytes: 0, license: '?', source: d.source, verified: false, error: message });
    }
  }
  return { entries, broken };
}

export class ModelRegistry {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();
  private readonly verified = new Map<string, { key: string; ok: boolean }>();

  constructor(
    private readonly opts: {
      dirs: ModelDir[];
      /** Where admin imports are copied (inside the data dir). */
      importDir: string;
      log: Logger;
      threads?: number;
    },
  ) {}

  /** Every usable manifest, later folders overriding earlier ones by id. */
  entries(): ModelEntry[] {
    return this.scan().entries;
  }

  private scan(): { entries: ModelEntry[]; broken: ModelSummary[] } {
    const byId = new Map<string, ModelEntry>();
    const broken: ModelSummary[] = [];
    for (const d of this.opts.dirs) {
      const r = scanDir(d, this.opts.log);
      for (const e of r.entries) byId.set(e.manifest.id, e);
      broken.push(...r.broken);
    }
    return { entries: [...byId.values()], broken };
  }

  /** Manifests of one task, in id order. */
  byTask(task: ModelTask): ModelEntry[] {
    return this.entries()
      .filter((e) => e.manifest.task === task)
      .sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  }

  private summary(e: ModelEntry): ModelSummary {
    let sizeBytes = 0;
    let error: string | undefined;
    try {
      sizeBytes = fs.statSync(e.filePath).size;
    } catch {
      error = `model file ${e.manifest.file} is missing`;
    }
    const v = this.verified.get(e.manifest.id);
    const key = this.statKey(e.filePath);
    const verified = error ? false : v && v.key === key ? v.ok : null;
    const s: ModelSummary = { id: e.manifest.id, version: e.manifest.version, task: e.manifest.task, sha256: e.manifest.sha256, file: e.manifest.file, sizeBytes, license: e.manifest.license, source: e.source, verified };
    if (error) s.error = error;
    else if (verified === false) s.error = 'file hash does not match the manifest';
    return s;
  }

  private statKey(file: string): string {
    try {
      const st = fs.statSync(file);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  /** Installed models (cheap: no hashing) plus manifests that could not be read. */
  list(): ModelSummary[] {
    const { entries, broken } = this.scan();
    return [...entries.map((e) => this.summary(e)), ...broken];
  }

  /** Re-hash every model file against its manifest. */
  async verify(): Promise<ModelSummary[]> {
    for (const e of this.entries()) {
      const key = this.statKey(e.filePath);
      if (key === 'missing') continue;
      const actual = await sha256File(e.filePath);
      this.verified.set(e.manifest.id, { key, ok: actual === e.manifest.sha256 });
    }
    return this.list();
  }

  /** Load a model once (hash checked first); MODEL_MISSING / MODEL_INVALID otherwise. */
  get(id: string): Promise<LoadedModel> {
    const entry = this.entries().find((e) => e.manifest.id === id);
    if (!entry) return Promise.reject(new AppError('MODEL_MISSING', `Model '${id}' is not installed.`));
    let p = this.loaded.get(id);
    if (!p) {
      p = this.load(entry);
      // A failed load is not cached: the admin may fix the file and retry.
      p.catch(() => this.loaded.delete(id));
      this.loaded.set(id, p);
    }
    return p;
  }

  private async load(e: ModelEntry): Promise<LoadedModel> {
    const m = e.manifest;
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(e.filePath);
    } catch {
      throw new AppError('MODEL_MISSING', `Model '${m.id}': file ${m.file} is missing.`);
    }
    const actual = crypto.createHash('sha256').update(bytes).digest('hex');
    this.verified.set(m.id, { key: this.statKey(e.filePath), ok: actual === m.sha256 });
    if (actual !== m.sha256) {
      throw new AppError('MODEL_INVALID', `Model '${m.id}': file hash ${actual.slice(0, 12)}… does not match the manifest (${m.sha256.slice(0, 12)}…); refusing to load it.`);
    }
    let ortModel: OrtModel;
    try {
      ortModel = await createOrtModel(bytes, this.opts.threads !== undefined ? { threads: this.opts.threads } : {});
    } catch (err) {
      throw new AppError('MODEL_INVALID', `Model '${m.id}' could not be loaded by onnxruntime: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    checkShape(m, ortModel);
    this.opts.log.info('model loaded', { id: m.id, provider: ortModel.provider });
    return { manifest: m, ort: ortModel, ref: { id: m.id, version: m.version, sha256: m.sha256, task: m.task, provider: ortModel.provider } };
  }

  /** Import a manifest and its ONNX file (beside it) into the data dir's model folder. */
  async import(manifestPath: string): Promise<ModelSummary> {
    let raw: unknown;
    // Both files must be regular files of sane size: a named pipe or a device (/dev/zero) would
    // otherwise block or never end, and hold one of Node's few file-system threads while it does.
    await assertImportable(manifestPath, 'manifest', MAX_MANIFEST_BYTES);
    try {
      raw = JSON.parse(await fs.promises.readFile(manifestPath, 'utf8'));
    } catch (e) {
      throw new AppError('MODEL_INVALID', `Cannot read the manifest ${path.basename(manifestPath)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const m = parseManifest(raw, path.basename(manifestPath));
    const src = path.join(path.dirname(manifestPath), m.file);
    if (!fs.existsSync(src)) throw new AppError('MODEL_MISSING', `The model file ${m.file} named by the manifest is not beside it.`);
    await assertImportable(src, 'model file', MAX_MODEL_BYTES);
    const actual = await sha256File(src);
    if (actual !== m.sha256) throw new AppError('MODEL_INVALID', `Refused: ${m.file} has SHA-256 ${actual}, the manifest says ${m.sha256}.`);
    let ortModel: OrtModel;
    try {
      ortModel = await createOrtModel(await fs.promises.readFile(src), { threads: 1 });
    } catch (e) {
      throw new AppError('MODEL_INVALID', `Refused: onnxruntime cannot load ${m.file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    try {
      checkShape(m, ortModel);
    } finally {
      await ortModel.session.release();
    }
    await fs.promises.mkdir(this.opts.importDir, { recursive: true });
    // Copy the ONNX first and the manifest last, so a crash never leaves a manifest without its file.
    const destFile = path.join(this.opts.importDir, m.file);
    await fs.promises.copyFile(src, destFile + '.part');
    await fs.promises.rename(destFile + '.part', destFile);
    const destManifest = path.join(this.opts.importDir, `${m.id}.json`);
    await fs.promises.writeFile(destManifest + '.part', JSON.stringify(raw, null, 1));
    await fs.promises.rename(destManifest + '.part', destManifest);
    this.loaded.delete(m.id);
    this.verified.set(m.id, { key: this.statKey(destFile), ok: true });
    const entry = this.entries().find((e) => e.manifest.id === m.id);
    return this.summary(entry ?? { manifest: m, filePath: destFile, source: 'imported' });
  }

  /** Release every loaded session. */
  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    for (const p of all) {
      try {
        await (await p).ort.session.release();
      } catch {
        /* a model that failed to load holds nothing */
      }
    }
  }
}

/** The manifest's input must exist in the graph with a compatible shape. */
export function checkShape(m: ModelManifest, model: OrtModel): void {
  const actual = model.inputShapes[m.input.name];
  if (!actual) throw new AppError('MODEL_INVALID', `Model '${m.id}': the graph has no input named '${m.input.name}' (it has ${model.inputNames.join(', ')}).`);
  const want = m.input.shape;
  const fits = actual.length === want.length && actual.every((d, i) => typeof d !== 'number' || d < 0 || want[i]! < 0 || d === want[i]);
  if (!fits) throw new AppError('MODEL_INVALID', `Model '${m.id}': input '${m.input.name}' has shape [${actual.join(',')}], the manifest says [${want.join(',')}].`);
  if (m.input.resize === 'center-crop') {
    // Frames smaller than the input are sent as they are, so height and width must be free in the graph.
    const hw = m.input.layout === 'NCHW' ? [actual[2], actual[3]] : [actual[1], actual[2]];
    if (hw.some((d) => typeof d === 'number' && d >= 0)) {
      throw new AppError('MODEL_INVALID', `Model '${m.id}': a 'center-crop' input needs a dynamic height and width in the graph, it has [${actual.join(',')}].`);
    }
  }
}

/** Largest manifest and model file `import` reads (the shipped manifests are a few KB, the models a few MB). */
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_MODEL_BYTES = 1024 * 1024 * 1024;

/** A regular file (links followed) of at most `max` bytes, or a clear MODEL_INVALID / MODEL_MISSING. */
async function assertImportable(file: string, what: string, max: number): Promise<void> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('MODEL_MISSING', `The ${what} ${path.basename(file)} does not exist.`);
    throw new AppError('MODEL_INVALID', `Cannot read the ${what} ${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!st.isFile()) throw new AppError('MODEL_INVALID', `Refused: the ${what} ${path.basename(file)} is not a regular file (a folder, a named pipe or a device).`);
  if (st.size > max) throw new AppError('MODEL_INVALID', `Refused: the ${what} ${path.basename(file)} is ${(st.size / 1024 / 1024).toFixed(1)} MB; at most ${max / 1024 / 1024} MB is accepted.`);
}
