import { describe, expect, it } from 'vitest';
import { detectionIssues } from '../../../src-main/core/db/detection-schema';
import type { CopyMoveCheck, GridCheck, SpliceCheck } from '../../../src-shared/domain/detection';
import { makeDetection } from '../../helpers/detections';

const check = (): CopyMoveCheck => ({
  method: 'dense-dct-patchmatch 1',
  regions: [{ a: { x: 10, y: 20, w: 100, h: 80 }, b: { x: 300, y: 40, w: 100, h: 80 }, shift: { dx: 290, dy: 20 }, mirrored: false, areaShare: 0.03, rmsDiff: 1.2 }],
  analysedLongSide: 768,
  texturedShare: 0.9,
  artifact: 'clone',
});

describe('stored detection records: the copy-move check', () => {
  it('accepts a record with a check, with an empty one, with null, and without (older records, videos)', () => {
    const d = makeDetection({ id: 'det-1', copyMove: check(), artifacts: [{ key: 'clone', kind: 'clone', mime: 'image/png', width: 400, height: 300, note: 'Copy-move check: …' }] });
    expect(detectionIssues(d)).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'det-2', copyMove: { ...check(), regions: [], artifact: undefined } }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'det-3', copyMove: null }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'det-6', copyMove: { ...check(), regions: [], artifact: undefined, patternSteps: 9 } }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'det-7', copyMove: { ...check(), patternSteps: -1 } }))).toEqual([expect.stringMatching(/^copyMove\.patternSteps: /)]);
    expect(detectionIssues(makeDetection({ id: 'det-4' }))).toBeNull();
  });

  it('names what is wrong in a damaged check', () => {
    const bad = (mutate: (c: CopyMoveCheck & Record<string, unknown>) => void) => {
      const c = check() as CopyMoveCheck & Record<string, unknown>;
      mutate(c);
      return detectionIssues(makeDetection({ id: 'det-5', copyMove: c }));
    };
    expect(bad((c) => (c.regions[0]!.a.x = -5))).toEqual([expect.stringMatching(/^copyMove\.regions\.0\.a\.x: /)]);
    expect(bad((c) => (c.regions[0]!.areaShare = 1.5))).toEqual([expect.stringMatching(/^copyMove\.regions\.0\.areaShare: /)]);
    expect(bad((c) => (c.method = ''))).toEqual([expect.stringMatching(/^copyMove\.method: /)]);
    expect(bad((c) => (c.extra = 1))).toEqual([expect.stringMatching(/^copyMove: /)]);
    expect(bad((c) => (c.artifact = '../../etc/passwd'))).toEqual([expect.stringMatching(/^copyMove\.artifact: /)]);
    expect(bad((c) => (c.regions = Array.from({ length: 251 }, () => check().regions[0]!)))).toEqual([expect.stringMatching(/^copyMove\.regions: /)]);
  });
});

describe('stored detection records: the splice map', () => {
  const splice = (): SpliceCheck => ({ method: 'double-quantisation block map 1', earlierQuality: 60, regions: [{ x: 208, y: 312, w: 232, h: 216, areaShare: 0.05, peak: 200.4 }], threshold: 80, coverage: 1, artifact: 'splice' });
  it('accepts a record with a map, an empty one, null, and none (older records, videos, pictures saved once)', () => {
    expect(detectionIssues(makeDetection({ id: 's-1', splice: splice(), artifacts: [{ key: 'splice', kind: 'splice', mime: 'image/png', width: 400, height: 300, note: 'Splice map: …' }] }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 's-2', splice: { ...splice(), regions: [], earlierQuality: null } }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 's-3', splice: null }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 's-4' }))).toBeNull();
  });
  it('names what is wrong in a damaged map', () => {
    const bad = (mutate: (c: SpliceCheck & Record<string, unknown>) => void) => {
      const c = splice() as SpliceCheck & Record<string, unknown>;
      mutate(c);
      return detectionIssues(makeDetection({ id: 's-5', splice: c }));
    };
    expect(bad((c) => (c.regions[0]!.x = -1))).toEqual([expect.stringMatching(/^splice\.regions\.0\.x: /)]);
    expect(bad((c) => (c.coverage = 2))).toEqual([expect.stringMatching(/^splice\.coverage: /)]);
    expect(bad((c) => (c.earlierQuality = 0))).toEqual([expect.stringMatching(/^splice\.earlierQuality: /)]);
    expect(bad((c) => (c.threshold = 0))).toEqual([expect.stringMatching(/^splice\.threshold: /)]);
    expect(bad((c) => (c.extra = 1))).toEqual([expect.stringMatching(/^splice: /)]);
    expect(bad((c) => (c.artifact = '../x'))).toEqual([expect.stringMatching(/^splice\.artifact: /)]);
    expect(bad((c) => (c.regions = Array.from({ length: 51 }, () => splice().regions[0]!)))).toEqual([expect.stringMatching(/^splice\.regions: /)]);
  });
});

describe('stored detection records: the shifted-grid map', () => {
  const grid = (): GridCheck => ({
    method: 'shifted-grid DC lattice map 1',
    pictureGrid: { dx: 5, dy: 3, earlierStep: 10, earlierQuality: 80, share: 0.9 },
    regions: [{ x: 96, y: 40, w: 128, h: 96, areaShare: 0.08, peak: 41.2, dx: 6, dy: 1, earlierStep: 13, earlierQuality: 62 }],
    threshold: 24,
    coverage: 1,
    artifact: 'grid',
  });
  it('accepts a record with a map, an empty one, null, and none (older records, videos, other formats)', () => {
    expect(detectionIssues(makeDetection({ id: 'g-1', grid: grid(), artifacts: [{ key: 'grid', kind: 'grid', mime: 'image/png', width: 400, height: 300, note: 'Shifted-grid map: …' }] }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'g-2', grid: { ...grid(), pictureGrid: null, regions: [], artifact: undefined } }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'g-3', grid: { ...grid(), regions: [{ ...grid().regions[0]!, earlierQuality: null, earlierStep: 1 }] } }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'g-4', grid: null }))).toBeNull();
    expect(detectionIssues(makeDetection({ id: 'g-5' }))).toBeNull();
  });
  it('names what is wrong in a damaged map', () => {
    const bad = (mutate: (c: GridCheck & Record<string, unknown>) => void) => {
      const c = grid() as GridCheck & Record<string, unknown>;
      mutate(c);
      return detectionIssues(makeDetection({ id: 'g-6', grid: c }));
    };
    expect(bad((c) => (c.regions[0]!.dx = 8))).toEqual([expect.stringMatching(/^grid\.regions\.0\.dx: /)]);
    expect(bad((c) => (c.regions[0]!.dy = 1.5))).toEqual([expect.stringMatching(/^grid\.regions\.0\.dy: /)]);
    expect(bad((c) => (c.regions[0]!.earlierStep = 0))).toEqual([expect.stringMatching(/^grid\.regions\.0\.earlierStep: /)]);
    expect(bad((c) => (c.regions[0]!.w = -1))).toEqual([expect.stringMatching(/^grid\.regions\.0\.w: /)]);
    expect(bad((c) => (c.pictureGrid!.share = 1.2))).toEqual([expect.stringMatching(/^grid\.pictureGrid\.share: /)]);
    expect(bad((c) => (c.pictureGrid!.earlierQuality = 101))).toEqual([expect.stringMatching(/^grid\.pictureGrid\.earlierQuality: /)]);
    expect(bad((c) => (c.coverage = -0.1))).toEqual([expect.stringMatching(/^grid\.coverage: /)]);
    expect(bad((c) => (c.threshold = 0))).toEqual([expect.stringMatching(/^grid\.threshold: /)]);
    expect(bad((c) => (c.extra = 1))).toEqual([expect.stringMatching(/^grid: /)]);
    expect(bad((c) => (c.artifact = '../x'))).toEqual([expect.stringMatching(/^grid\.artifact: /)]);
    expect(bad((c) => (c.regions = Array.from({ length: 51 }, () => grid().regions[0]!)))).toEqual([expect.stringMatching(/^grid\.regions: /)]);
  });
});
