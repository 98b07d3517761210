/** User-visible settings, stored in the data dir and changed by admins. */
export interface AppSettings {
  thresholds: { authentic: number; manipulated: number } | null;
  sampling: { strategy: 'even' | 'rate' | 'scene'; count: number; fps: number; max: number };
  ffmpegPath: string | null;
  ffprobePath: string | null;
  /** A PEM file or a folder of certificates whose C2PA manifests' chains count as trusted (null: none). */
  c2paTrustAnchors: string | null;
  limits: { maxFileBytes: number; maxImagePixels: number; maxVideoSeconds: number; maxFrames: number };
  lockout: { maxAttempts: number; minutes: number };
  sessionIdleMinutes: number;
  bcryptCost: number;
}

export const DEFAULT_SETTINGS: AppSettings = {
  thresholds: null,
  sampling: { strategy: 'even', count: 16, fps: 1, max: 64 },
  ffmpegPath: null,
  ffprobePath: null,
  c2paTrustAnchors: null,
  limits: { maxFileBytes: 2 * 1024 ** 3, maxImagePixels: 100_000_000, maxVideoSeconds: 4 * 3600, maxFrames: 256 },
  lockout: { maxAttempts: 5, minutes: 30 },
  sessionIdleMinutes: 30,
  bcryptCost: 12,
};
