/** The analysis queue as the window sees it: jobs from main plus files that never reached it. */
import { create } from 'zustand';
import type { QueuedJob } from '../../../src-shared/contract/analysis';
import { describeLeftOut } from '../../../src-shared/domain/folders';
import type { AppErrorShape } from '../../../src-shared/result';
import { api, call, subscribe } from '../api';
import { pathsOfFiles } from '../lib/dropped-files';

/** A queue row: a job main accepted, or a local failure (file unreadable before upload). */
export interface QueueRow extends QueuedJob {
  /** True for rows that exist only in this window. */
  local?: boolean;
  /** When the row was added here, for ordering. */
  addedAt: number;
}

interface QueueState {
  rows: QueueRow[];
  /** Error from analysis:start / analysis:queue as a whole (e.g. the domain is not served). */
  error: AppErrorShape | null;
  /** What dropped folders held that was not queued, one sentence per folder (describeLeftOut). */
  leftOut: string[];
  busy: boolean;
  enqueuePaths: (paths: string[]) => Promise<void>;
  enqueueFiles: (files: File[]) => Promise<void>;
  /** Queue again the file of a record that did not finish (main takes the path from the record). */
  rerun: (detectionId: string, fileName: string) => Promise<void>;
  cancel: (jobId: string) => Promise<AppErrorShape | null>;
  refresh: () => Promise<void>;
  clearFinished: () => void;
  /** Listen to progress events; returns the unsubscribe. */
  listen: () => () => void;
  reset: () => void;
}

let localSeq = 0;

function merge(rows: QueueRow[], jobs: QueuedJob[]): QueueRow[] {
  const byId = new Map(rows.map((r) => [r.jobId, r]));
  const now = Date.now();
  for (const j of jobs) {
    const prev = byId.get(j.jobId);
    // Keep the freshest progress we have: events may arrive before the start call answers.
    byId.set(j.jobId, { ...j, progress: j.progress ?? prev?.progress ?? null, addedAt: prev?.addedAt ?? now });
  }
  return [...byId.values()].sort((a, b) => a.addedAt - b.addedAt);
}

/** Errors that concern one file, not the whole request. */
// (FORBIDDEN from analysis:start is a path not chosen in this window: any role may analyse.)
const PER_FILE_CODES = new Set<string>(['UNSUPPORTED_MEDIA', 'LIMIT_EXCEEDED', 'IO', 'NOT_FOUND', 'VALIDATION', 'READ_ONLY', 'FORBIDDEN']);

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

function localFailure(fileName: string, message: string, code: string = 'IO'): QueueRow {
  return {
    jobId: `local-${++localSeq}`,
    fileName,
    path: '',
    state: 'failed',
    progress: null,
    detectionId: null,
    error: { code, message },
    ownerId: '',
    local: true,
    addedAt: Date.now(),
  };
}

export const useQueue = create<QueueState>((set, get) => ({
  rows: [],
  error: null,
  leftOut: [],
  busy: false,
  enqueuePaths: async (paths) => {
    if (paths.length === 0) return;
    set({ busy: true });
    const res = await call('analysis:start', { paths });
    if (res.ok) return set({ rows: merge(get().rows, res.value.jobs), leftOut: [...get().leftOut, ...res.value.leftOut.map(describeLeftOut)], error: null, busy: false });
    if (paths.length === 1 || !PER_FILE_CODES.has(res.error.code)) {
      if (paths.length === 1 && PER_FILE_CODES.has(res.error.code)) {
        return set({ rows: [...get().rows, localFailure(baseName(paths[0]!), res.error.message, res.error.code)], error: null, busy: false });
      }
      return set({ error: res.error, busy: false });
    }
    // Main refuses a whole batch for one bad path; retry one by one so each file gets its own answer.
    for (const p of paths) {
      const one = await call('analysis:start', { paths: [p] });
      if (one.ok) set({ rows: merge(get().rows, one.value.jobs), leftOut: [...get().leftOut, ...one.value.leftOut.map(describeLeftOut)] });
      else set({ rows: [...get().rows, localFailure(baseName(p), one.error.message, one.error.code)] });
    }
    set({ error: null, busy: false });
  },
  enqueueFiles: async (files) => {
    set({ busy: true });
    const { paths, unreadable } = await pathsOfFiles(files, (f) => api().pathForFile(f));
    const failures = unreadable.map((f) => localFailure(f.name, `Could not open “${f.name}”. Copy it to a local folder and add it again.`));
    set({ rows: [...get().rows, ...failures], busy: false });
    await get().enqueuePaths(paths);
  },
  rerun: async (detectionId, fileName) => {
    set({ busy: true });
    const res = await call('analysis:rerun', { detectionId });
    if (res.ok) return set({ rows: merge(get().rows, res.value.jobs), error: null, busy: false });
    set({ rows: [...get().rows, localFailure(fileName, res.error.message, res.error.code)], busy: false });
  },
  cancel: async (jobId) => {
    const res = await call('analysis:cancel', { jobId });
    if (!res.ok) return res.error;
    set({ rows: get().rows.map((r) => (r.jobId === jobId && (r.state === 'queued' || r.state === 'running') ? { ...r, state: 'cancelled' } : r)) });
    return null;
  },
  refresh: async () => {
    const res = await call('analysis:queue', {});
    if (res.ok) set({ rows: merge(get().rows, res.value), error: null });
    else set({ error: res.error });
  },
  clearFinished: () => set({ rows: get().rows.filter((r) => r.state === 'queued' || r.state === 'running'), leftOut: [] }),
  listen: () => {
    const offProgress = subscribe('analysis:progress', (p) => {
      const rows = get().rows;
      if (!rows.some((r) => r.jobId === p.jobId)) {
        void get().refresh();
        return;
      }
      set({ rows: rows.map((r) => (r.jobId === p.jobId && (r.state === 'queued' || r.state === 'running') ? { ...r, state: 'running', progress: p } : r)) });
    });
    const offDone = subscribe('analysis:done', (d) => {
      const rows = get().rows;
      if (!rows.some((r) => r.jobId === d.jobId)) {
        void get().refresh();
        return;
      }
      set({ rows: rows.map((r) => (r.jobId === d.jobId ? { ...r, state: d.state, detectionId: d.detectionId, error: d.error } : r)) });
    });
    return () => {
      offProgress();
      offDone();
    };
  },
  reset: () => set({ rows: [], error: null, leftOut: [], busy: false }),
}));
