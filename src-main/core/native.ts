/**
 * The heavy packages — sharp (libvips), onnxruntime-node, pdfkit and fontkit — load
 * on first use instead of when the bundle starts. Together they take ~0.4 s (several times
 * that on a busy laptop) and a CLI command such as `users list` or `audit verify` never
 * decodes a picture, runs a model or writes a PDF (README "Performance", CLI start-up).
 * tests/unit/cli/lazy-load.test.ts builds the CLI and checks which of them a command loads.
 *
 * Plain require(): esbuild keeps it as the bundle's own require of an external package, so
 * it resolves exactly as a top-level import would (node_modules beside the bundle, or the
 * app's asar archive in Electron).
 */
import type { Sharp, SharpInput, SharpOptions } from 'sharp';
import type * as OrtModule from 'onnxruntime-node';
import type PDFKitModule from 'pdfkit';
import type * as FontkitModule from 'fontkit';

type SharpFactory = (input?: SharpInput | SharpInput[], options?: SharpOptions) => Sharp;

let sharpModule: SharpFactory | undefined;
let ortModule: typeof OrtModule | undefined;
let pdfkitModule: typeof PDFKitModule | undefined;
let fontkitModule: typeof FontkitModule | undefined;

/** sharp(input, options), loading sharp and libvips on the first call. */
export function sharp(input?: SharpInput | SharpInput[], options?: SharpOptions): Sharp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sharpModule ??= require('sharp') as SharpFactory;
  return sharpModule(input, options);
}

/** The onnxruntime-node module, loaded on the first call. */
export function onnxruntime(): typeof OrtModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ortModule ??= require('onnxruntime-node') as typeof OrtModule;
  return ortModule;
}

/** pdfkit's PDFDocument class, loaded on the first call. */
export function pdfDocumentClass(): typeof PDFKitModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pdfkitModule ??= require('pdfkit') as typeof PDFKitModule;
  return pdfkitModule;
}

/** The fontkit module (report fonts), loaded on the first call. */
export function fontkit(): typeof FontkitModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fontkitModule ??= require('fontkit') as typeof FontkitModule;
  return fontkitModule;
}
