/** The app version, injected at build time (esbuild/vitest define). */
declare const __MG_VERSION__: string | undefined;

export const APP_VERSION: string = typeof __MG_VERSION__ === 'string' ? __MG_VERSION__ : '0.0.0-dev';
