/** What scripts/bench.mjs gives a bench module (see its header) and what a module returns. */
export interface BenchContext {
  root: string;
  /** For generated inputs, reused across runs (bench/results/.cache). */
  cacheDir: string;
  /** Smaller inputs. */
  quick: boolean;
  /** Repetitions; the median is reported. */
  runs: number;
  log: (m: string) => void;
  /** The ffmpeg to use (MEDIAGUARD_FFMPEG or PATH). */
  ffmpeg: string;
  time: <T>(fn: () => Promise<T> | T, o?: { runs?: number }) => Promise<{ medianMs: number; runsMs: number[]; result: T }>;
}

/** One figure of the printed table: put a baseline measured in the same run beside it (compareTo). */
export interface Figure {
  figure: string;
  value: number | string;
  unit: string;
  detail?: string;
  compareTo?: string;
}
