/**
 * Tiny ONNX models for the analysis tests, built in-process with onnx-builder:
 * a face detector with a fixed box whose score follows brightness, a face classifier
 * whose logit follows redness (with a heatmap output), a whole-image model whose logit
 * follows greenness, a classifier that throws at run time, and manifest writers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelManifest } from '../../src-shared/domain/models';
import { ModelRegistry } from '../../src-main/core/analysis/registry';
import { createLogger } from '../../src-main/core/log/logger';
import { buildOnnx, type GraphSpec } from './onnx-builder';

/** Box the test detector always reports (normalised x1,y1,x2,y2). */
export const TEST_BOX = [0.3, 0.25, 0.7, 0.75] as const;

/**
 * Face detector: input [1,3,64,64] 0..1; fixed boxes (TEST_BOX unless given), each scored
 * sigmoid(20·mean − 4) (dark frames: no face), landmarks placed inside each box.
 */
export function detectorGraph(boxes: readonly (readonly [number, number, number, number])[] = [TEST_BOX]): GraphSpec {
  const n = boxes.length;
  const lm = boxes.flatMap(([x1, y1, x2, y2]) => {
    const at = (fx: number, fy: number) => [x1 + fx * (x2 - x1), y1 + fy * (y2 - y1)];
    return [...at(0.3, 0.34), ...at(0.7, 0.34), ...at(0.5, 0.5), ...at(0.35, 0.74), ...at(0.65, 0.74)];
  });
  return {
    nodes: [
      { op: 'ReduceMean', inputs: ['image'], outputs: ['m'], attrs: { axes: [1, 2, 3], keepdims: 0 } },
      { op: 'Reshape', inputs: ['m', 'shape11'], outputs: ['m11'] },
      { op: 'Mul', inputs: ['m11', 'k'], outputs: ['mk'] },
      { op: 'Add', inputs: ['mk', 'bias'], outputs: ['z1'] },
      { op: 'Mul', inputs: ['z1', 'ones'], outputs: ['z'] },
      { op: 'Sigmoid', inputs: ['z'], outputs: ['scores'] },
      { op: 'Identity', inputs: ['box_c'], outputs: ['boxes'] },
      { op: 'Identity', inputs: ['lm_c'], outputs: ['landmarks'] },
    ],
    initializers: [
      { name: 'shape11', dims: [2], data: [1, 1], int64: true },
      { name: 'k', dims: [1], data: [20] },
      { name: 'bias', dims: [1], data: [-4] },
      { name: 'ones', dims: [1, n], data: Array(n).fill(1) },
      { name: 'box_c', dims: [1, n, 4], data: boxes.flat() },
      { name: 'lm_c', dims: [1, n, 5, 2], data: lm },
    ],
    inputs: [{ name: 'image', shape: [1, 3, 64, 64] }],
    outputs: [
      { name: 'boxes', shape: [1, n, 4] },
      { name: 'scores', shape: [1, n] },
      { name: 'landmarks', shape: [1, n, 5, 2] },
    ],
  };
}

/** Classifier on [N,3,32,32] 0..1: logit = w·mean(R,G,B) + b; heatmap = 4×4-pooled mean channel, [N,1,8,8]. */
export function classifierGraph(weights: [number, number, number] = [8, 0, -8], bias = 0, withHeatmap = true): GraphSpec {
  return {
    nodes: [
      { op: 'ReduceMean', inputs: ['input'], outputs: ['cm'], attrs: { axes: [2, 3], keepdims: 0 } },
      { op: 'MatMul', inputs: ['cm', 'w'], outputs: ['lw'] },
      { op: 'Add', inputs: ['lw', 'b'], outputs: ['logit'] },
      ...(withHeatmap
        ? [
            { op: 'ReduceMean', inputs: ['input'], outputs: ['gray'], attrs: { axes: [1], keepdims: 1 } },
            { op: 'AveragePool', inputs: ['gray'], outputs: ['heatmap'], attrs: { kernel_shape: [4, 4], strides: [4, 4] } },
          ]
        : []),
    ],
    initializers: [
      { name: 'w', dims: [3, 1], data: weights },
      { name: 'b', dims: [1], data: [bias] },
    ],
    inputs: [{ name: 'input', shape: ['N', 3, 32, 32] }],
    outputs: [{ name: 'logit', shape: ['N', 1] }, ...(withHeatmap ? [{ name: 'heatmap', shape: ['N', 1, 8, 8] }] : [])],
  };
}

/** A classifier whose graph loads but fails at run time (Reshape to [7,-1] of 3072·N values). */
export function throwingGraph(): GraphSpec {
  return {
    nodes: [
      { op: 'Reshape', inputs: ['input', 'bad'], outputs: ['r'] },
      { op: 'ReduceMean', inputs: ['r'], outputs: ['logit'], attrs: { axes: [1], keepdims: 1 } },
    ],
    initializers: [{ name: 'bad', dims: [2], data: [7, -1], int64: true }],
    inputs: [{ name: 'input', shape: ['N', 3, 32, 32] }],
    outputs: [{ name: 'logit', shape: [7, 1] }],
  };
}

const CLASSIFIER_INPUT = { name: 'input', shape: [-1, 3, 32, 32], layout: 'NCHW', colorOrder: 'RGB', scale: 255, mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch' } as const;

/** Manifest fields for each kind of test model. */
export function testManifest(id: string, task: ModelManifest['task'], extra: Partial<ModelManifest> = {}): Omit<ModelManifest, 'sha256' | 'file'> {
  const base = { id, version: '1.0.0-test', task, metrics: [], license: 'test-only', provenance: { builtBy: 'tests/helpers/analysis-models.ts' } };
  if (task === 'face-detection') {
    return {
      ...base,
      input: { name: 'image', shape: [1, 3, 64, 64], layout: 'NCHW', colorOrder: 'RGB', scale: 255, mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch' },
      outputs: { boxes: { name: 'boxes' }, scores: { name: 'scores' }, landmarks: { name: 'landmarks', points: ['right_eye', 'left_eye', 'nose', 'mouth_right', 'mouth_left'] }, scoreThreshold: 0.5, nmsIou: 0.3 },
      ...extra,
    };
  }
  return {
    ...base,
    input: { ...CLASSIFIER_INPUT, shape: [...CLASSIFIER_INPUT.shape], mean: [0, 0, 0], std: [1, 1, 1], cropMargin: 1.2 },
    outputs: { logit: { name: 'logit' }, heatmap: { name: 'heatmap', meaning: 'mean channel pooled 4×4', caption: 'brightness of each 4×4 cell (test model)' } },
    thresholds: { authentic: 0.3, manipulated: 0.7 },
    calibration: { method: 'temperature', params: { T: 1 }, fittedOn: 'none (test model)' },
    ...extra,
  };
}

/** Write <id>.onnx and <id>.json into dir; sha256 defaults to the real hash. */
export function writeModel(dir: string, graph: GraphSpec, manifest: Omit<ModelManifest, 'sha256' | 'file'>, opts: { sha256?: string } = {}): { onnx: string; json: string; sha256: string } {
  fs.mkdirSync(dir, { recursive: true });
  const bytes = buildOnnx(graph);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const onnx = path.join(dir, `${manifest.id}.onnx`);
  const json = path.join(dir, `${manifest.id}.json`);
  fs.writeFileSync(onnx, bytes);
  fs.writeFileSync(json, JSON.stringify({ ...manifest, file: `${manifest.id}.onnx`, sha256: opts.sha256 ?? sha256 }, null, 1));
  return { onnx, json, sha256 };
}

/** A standard set: detector + red-sensitive face classifier + green-sensitive image model. */
export function writeStandardModels(dir: string): void {
  writeModel(dir, detectorGraph(), testManifest('t-detector', 'face-detection'));
  writeModel(dir, classifierGraph(), testManifest('t-face', 'face-manipulation'));
  writeModel(dir, classifierGraph([0, 8, 0], -4, false), testManifest('t-image', 'generated-image', { outputs: { logit: { name: 'logit' } } }));
}

/** A w×h RGB frame of deterministic pseudo-random pixels (full 0..255 range). */
export function noiseImage(w: number, h: number, seed: number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
  return { width: w, height: h, data };
}

/** A w×h RGB frame of one colour with an optional rectangle (fractions of the frame) of another. */
export function solidFrame(w: number, h: number, bg: [number, number, number], rect?: { x1: number; y1: number; x2: number; y2: number; color: [number, number, number] }): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inRect = rect && x >= rect.x1 * w && x < rect.x2 * w && y >= rect.y1 * h && y < rect.y2 * h;
      const c = inRect ? rect.color : bg;
      data.set(c, (y * w + x) * 3);
    }
  }
  return data;
}

/** A quiet, one-thread registry over `<dir>/models` (bundled), importing into `<dir>/imp`: what the analysis tests run on. */
export function testRegistry(dir: string): ModelRegistry {
  const log = createLogger('test', { level: 'error', sink: () => undefined });
  return new ModelRegistry({ dirs: [{ dir: path.join(dir, 'models'), source: 'bundled' }], importDir: path.join(dir, 'imp'), log, threads: 1 });
}
