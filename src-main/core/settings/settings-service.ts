/** AppSettings persisted as settings.json in the data dir; changed by admins, audited. */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { zSettingsPatch } from '../../../src-shared/contract/admin';
import { DEFAULT_SETTINGS, type AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import type { Logger } from '../log/logger';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import { writeFileAtomic } from '../db/durable-file';
import { errnoCode, fsError } from '../db/fs-errors';
import { Mutex } from '../db/mutex';

export type SettingsPatch = z.output<typeof zSettingsPatch>;
type Listener = (next: AppSettings, prev: AppSettings) => void;

function merge(base: AppSettings, p: SettingsPatch): AppSettings {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = structuredClone(v);
  return out as unknown as AppSettings;
}

/** Top-level keys whose values differ. */
function changedKeys(a: AppSettings, b: AppSettings): (keyof AppSettings)[] {
  return (Object.keys(b) as (keyof AppSettings)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** The settings service (core.settings). */
export class SettingsService {
  readonly file: string;
  private current: AppSettings = structuredClone(DEFAULT_SETTINGS);
  private readonly listeners = new Set<Listener>();
  private readonly lock = new Mutex();

  private constructor(
    dataDir: string,
    private readonly audit: AuditLog,
    private readonly log: Logger,
  ) {
    this.file = path.join(dataDir, 'settings.json');
  }

  /** Load settings (defaults for anything missing; a damaged file is kept aside and defaults used). */
  static async open(dataDir: string, audit: AuditLog, log: Logger): Promise<SettingsService> {
    const s = new SettingsService(dataDir, audit, log);
    await s.load();
    return s;
  }

  private async load(): Promise<void> {
    let raw: string;
    try {
      raw = await fs.promises.readFile(this.file, 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return;
      throw fsError(e, 'the settings file');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const r = zSettingsPatch.safeParse(parsed);
    if (!r.success) {
      const aside = `${this.file}.invalid-${Date.now()}`;
      await fs.promises.copyFile(this.file, aside).catch(() => undefined);
      this.log.error('settings file is invalid; using defaults (the file was kept)', { aside });
      return;
    }
    this.current = merge(DEFAULT_SETTINGS, r.data);
  }

  /** The current settings (a copy). */
  get(): AppSettings {
    return structuredClone(this.current);
  }

  /** Be told of every change (sessions' idle timeout, analysis defaults…). Returns an unsubscribe. */
  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Apply a validated patch durably and audit which keys changed. */
  async patch(p: SettingsPatch, actor: AuditActor): Promise<AppSettings> {
    const v = zSettingsPatch.safeParse(p);
    if (!v.success) throw new AppError('VALIDATION', `Invalid settings — ${v.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return this.lock.run(async () => {
      const prev = this.current;
      const next = merge(prev, v.data);
      const changed = changedKeys(prev, next);
      if (changed.length === 0) return this.get();
      try {
        await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n');
      } catch (e) {
        throw fsError(e, 'the settings file');
      }
      this.current = next;
      const details: Record<string, unknown> = {};
      for (const k of changed) details[k] = { from: prev[k], to: next[k] };
      await this.audit.append({ actor, action: 'settings.changed', target: 'settings', details });
      for (const fn of this.listeners) {
        try {
          fn(this.get(), structuredClone(prev));
        } catch (e) {
          this.log.error('settings listener failed', { error: e instanceof Error ? e.message : String(e) });
        }
      }
      return this.get();
    });
  }
}
