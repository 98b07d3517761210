/**
 * The registered sub-commands; each issue adds its own file here. The summaries live here
 * and each command's module is imported only when that command runs (see CliCommandEntry).
 */
import type { CliCommandEntry } from '../command';

export const COMMANDS: CliCommandEntry[] = [
  { name: 'analyze', summary: 'analyse images and videos (verdict, faces, frames, evidence)', load: async () => (await import('./analyze')).analyzeCommand },
  { name: 'models', summary: 'list, verify and import detection models', load: async () => (await import('./models')).modelsCommand },
  { name: 'cameras', summary: 'camera sensor-noise fingerprints: add, list, remove, check a picture', load: async () => (await import('./cameras')).camerasCommand },
  { name: 'users', summary: 'manage accounts (create-admin, add, list, set-role, unlock, reset-password)', load: async () => (await import('./users')).usersCommand },
  { name: 'audit', summary: 'verify or export the tamper-evident audit log', load: async () => (await import('./audit')).auditCommand },
  { name: 'report', summary: 'export a stored result as a PDF report, or verify a report file', load: async () => (await import('./report')).reportCommand },
];
