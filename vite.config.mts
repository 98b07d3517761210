import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.resolve(here, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(here, 'dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome140',
    chunkSizeWarningLimit: 1500,
  },
});
