/** Whether the Electron binary exists, checked without triggering its first-launch download. */
import fs from 'node:fs';
import path from 'node:path';

export function electronBinary(root: string): string | null {
  if (process.env.MEDIAGUARD_ELECTRON && fs.existsSync(process.env.MEDIAGUARD_ELECTRON)) return process.env.MEDIAGUARD_ELECTRON;
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const exe = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(exe) ? exe : null;
}
