/**
 * The heavy packages — sharp (libvips), onnxruntime-node, pdfkit, fontkit and libheif-js — load
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

/** The parts of libheif-js's (embind) API that heif.ts uses. */
export interface LibHeifHandle {
  readonly __brand?: 'heif_image_handle';
}
export interface LibHeifError {
  code: unknown;
  message: string;
}
export interface LibHeifChannel {
  id: unknown;
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}
export interface LibHeif {
  heif_error_Ok: unknown;
  heif_colorspace_RGB: unknown;
  heif_chroma_interleaved_RGB: unknown;
  heif_channel_interleaved: unknown;
  heif_context_alloc(): unknown;
  heif_context_free(ctx: unknown): void;
  heif_context_read_from_memory(ctx: unknown, bytes: Uint8Array): LibHeifError;
  heif_js_context_get_list_of_top_level_image_IDs(ctx: unknown): number[] | LibHeifError;
  heif_js_context_get_primary_image_handle(ctx: unknown): LibHeifHandle | LibHeifError;
  heif_js_context_get_image_handle(ctx: unknown, id: number): LibHeifHandle | LibHeifError;
  heif_image_handle_get_width(h: LibHeifHandle): number;
  heif_image_handle_get_height(h: LibHeifHandle): number;
  heif_image_handle_has_alpha_channel(h: LibHeifHandle): number;
  heif_image_handle_release(h: LibHeifHandle): void;
  heif_js_decode_image2(h: LibHeifHandle, colorspace: unknown, chroma: unknown): { channels?: LibHeifChannel[]; image?: unknown; code?: unknown; message?: string };
  heif_image_release(img: unknown): void;
}

let libheifFactory: (() => LibHeif) | undefined;

/**
 * libheif-js's WebAssembly build (LGPL-3.0; shipped unmodified as its own module, not bundled),
 * loaded on the first call. Returns the factory: every call of it is a fresh instance.
 */
export function libheifModule(): () => LibHeif {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  libheifFactory ??= require('libheif-js/libheif-wasm/libheif-bundle.js') as () => LibHeif;
  return libheifFactory;
}
