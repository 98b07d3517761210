/**
 * Evidence files of a record: <dataDir>/artifacts/<detectionId>/<key>. Callers name files
 * by record id and key only — never by path — and both are validated, so no input can
 * reach outside the record's folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../src-shared/result';
import { zId } from '../../../src-shared/contract/common';
import { writeFileAtomic } from './durable-file';
import { errnoCode, fsError } from './fs-errors';
import { zArtifactKey } from './detection-schema';

export interface ArtifactMeta {
  mime: string;
  width?: number;
  height?: number;
}

export interface ArtifactFile {
  data: Buffer;
  mime: string;
  sizeBytes: number;
}

const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

function checkId(id: string): void {
  if (!zId.safeParse(id).success) throw new AppError('VALIDATION', 'Invalid record id for an artifact.');
}

function checkKey(key: string): void {
  if (!zArtifactKey.safeParse(key).success || key === '.' || key === '..' || key.endsWith('.meta.json')) {
    throw new AppError('VALIDATION', `Invalid artifact key: ${JSON.stringify(key.slice(0, 64))}.`);
  }
}

/** The artifact store of a data directory. */
export class ArtifactStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'artifacts');
  }

  /** Folder of one record's artifacts. */
  dirOf(detectionId: string): string {
    checkId(detectionId);
    return path.join(this.root, detectionId);
  }

  private fileOf(detectionId: string, key: string): string {
    checkKey(key);
    return path.join(this.dirOf(detectionId), key);
  }

  /** Store one evidence file durably (replacing one with the same key). */
  async write(detectionId: string, key: string, data: Buffer | Uint8Array, meta: ArtifactMeta): Promise<void> {
    const file = this.fileOf(detectionId, key);
    if (!/^[a-z]+\/[a-z0-9.+-]+$/.test(meta.mime)) throw new AppError('VALIDATION', `Invalid artifact MIME type: ${meta.mime.slice(0, 64)}`);
    if (data.byteLength > MAX_ARTIFACT_BYTES) throw new AppError('LIMIT_EXCEEDED', `Artifact ${key} is larger than ${MAX_ARTIFACT_BYTES} bytes.`);
    try {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, data);
      await writeFileAtomic(this.metaFile(file), JSON.stringify({ ...meta, sizeBytes: data.byteLength }));
    } catch (e) {
      throw fsError(e, `artifact ${key}`);
    }
  }

  private metaFile(file: string): string {
    // Keys never start with a dot, so this sidecar name cannot collide with a key.
    return path.join(path.dirname(file), `.${path.basename(file)}.meta.json`);
  }

  /** Read one evidence file; NOT_FOUND when absent. */
  async read(detectionId: string, key: string): Promise<ArtifactFile> {
    const file = this.fileOf(detectionId, key);
    try {
      const st = await fs.promises.lstat(file);
      if (!st.isFile()) throw new AppError('NOT_FOUND', `Artifact ${key} not found.`);
      const data = await fs.promises.readFile(file);
      let mime = 'application/octet-stream';
      try {
        const m = JSON.parse(await fs.promises.readFile(this.metaFile(file), 'utf8')) as { mime?: unknown };
        if (typeof m.mime === 'string') mime = m.mime;
      } catch {
        // A missing sidecar only loses the MIME hint; the record's ArtifactRef carries it too.
      }
      return { data, mime, sizeBytes: data.byteLength };
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (errnoCode(e) === 'ENOENT') throw new AppError('NOT_FOUND', `Artifact ${key} of record ${detectionId} not found.`);
      throw fsError(e, `artifact ${key}`);
    }
  }

  /** Keys stored for a record. */
  async list(detectionId: string): Promise<string[]> {
    try {
      return (await fs.promises.readdir(this.dirOf(detectionId))).filter((n) => !n.startsWith('.')).sort();
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return [];
      throw fsError(e, `artifacts of ${detectionId}`);
    }
  }

  /** Remove every artifact of a record. */
  async remove(detectionId: string): Promise<void> {
    try {
      await fs.promises.rm(this.dirOf(detectionId), { recursive: true, force: true });
    } catch (e) {
      throw fsError(e, `artifacts of ${detectionId}`);
    }
  }
}
