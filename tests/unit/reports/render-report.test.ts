import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReportDetailed, type RenderedReport } from '../../../src-main/core/reports/render-report';
import { loadFontSet } from '../../../src-main/core/reports/fonts';
import { artifactReader, imageDetection, reportInput, videoDetection } from '../../helpers/report-fixtures';
import { codingCalibratedText } from '../../../src-main/core/analysis/pipeline';
import { inkFraction, pdfPages, pdfText, renderPages, stripBidiMarks } from '../../helpers/pdf-tools';

const ARTIFACTS = path.resolve(__dirname, '..', '..', '.artifacts', 'reports');
// Bundled fonts only, so the output does not depend on what this machine has installed.
const fonts = loadFontSet({ systemFallbacks: false });

describe('renderReport: image result with a Japanese file name', () => {
  const name = '東京タワー_夜景_2024年.jpg';
  const d = imageDetection(name);
  let r: RenderedReport;
  let text: string;
  beforeAll(async () => {
    r = await renderReportDetailed(reportInput(d, { fonts }));
    text = pdfText(r.pdf);
  });

  it('is a PDF whose page count matches the footer', () => {
    expect(r.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(r.pdf)).toBe(r.pages);
    expect(text).toContain(`Page ${r.pages} of ${r.pages}`);
  });

  it('prints the hashes, the verdict, the override and the model ids', () => {
    for (const h of [d.file.hashes.sha256, d.file.hashes.sha1, d.file.hashes.md5]) expect(text.replace(/\s+/g, '')).toContain(h);
    expect(text).toContain('MANIPULATION LIKELY');
    expect(text).toContain('87.3 %');
    expect(text).toContain('investigator override');
    expect(text.replace(/\s+/g, ' ')).toContain('Comparison with the original file from the source device.');
    for (const m of d.models) expect(text).toContain(m.id);
    expect(text).toContain('FaceForensics++ c23 test split');
    expect(text.replace(/\s+/g, ' ')).toContain('Heatmaps — mg-face-sbi: where it sees a blending boundary.');
    expect(text).toContain('falsePositiveRate: 0.04100');
    expect(text).toContain('/usr/bin/ffmpeg');
    expect(text).toContain('5.1.6-0+deb12u1');
  });

  it('renders the Japanese name with the bundled CJK font (nothing replaced)', () => {
    expect(text).toContain(name);
    expect(r.missingGlyphs).toEqual([]);
  });

  it('carries the report id and evidence hash in the header and footer of every page', () => {
    for (let p = 1; p <= r.pages; p++) {
      const t = pdfText(r.pdf, { page: p });
      expect(t).toContain('rpt-3f9c2a71-5b0e-4d8e-9a51-0c7e2b1d4f60');
      expect(t).toContain(`Evidence SHA-256 ${d.file.hashes.sha256}`);
      expect(t).toContain(`Page ${p} of ${r.pages}`);
    }
  });

  it('prints times in the requested zone and in UTC', () => {
    expect(text).toContain('2026-11-29 22:30:00 Europe/Berlin (UTC+01:00)');
    expect(text).toContain('2026-11-29 21:30:00 UTC (UTC+00:00)');
  });

  it('prints the copy-move check: what it looks for, the pair found and its overlay', async () => {
    const flat = text.replace(/\s+/g, ' ');
    for (const s of ['Copy-move check', 'dense-dct-patchmatch 1', 'analysed at 768 px on the long side', '81 % of this picture has texture it can match', '212, 1804, 410×388', '2950, 1760, 410×388', '1.26 %', 'mirrored; rms difference 1.8', 'Copy-move overlay']) {
      expect(flat).toContain(s);
    }
    const reader = artifactReader();
    await renderReportDetailed(reportInput(d, { fonts, readArtifact: reader.read }));
    expect(reader.reads).toContain('clone');
    const none = structuredClone(d);
    none.copyMove = { ...d.copyMove!, regions: [], artifact: undefined };
    const noneText = pdfText((await renderReportDetailed(reportInput(none, { fonts }))).pdf).replace(/\s+/g, ' ');
    expect(noneText).toContain('No copied region was found.');
    expect(noneText).not.toContain('Copy-move overlay');
    const pattern = structuredClone(none);
    pattern.copyMove!.patternSteps = 5;
    expect(pdfText((await renderReportDetailed(reportInput(pattern, { fonts }))).pdf).replace(/\s+/g, ' ')).toContain('the picture repeats a pattern at 5 different steps');
    const before = structuredClone(d);
    delete before.copyMove;
    expect(pdfText((await renderReportDetailed(reportInput(before, { fonts }))).pdf)).not.toContain('Copy-move check');
  });

  it('prints a whole-image model\u2019s HEVC calibration, thresholds and error rates, and that a HEIC was scored with them', async () => {
    const heic = structuredClone(d);
    heic.imageScores[0]!.calibratedFor = codingCalibratedText('hevc');
    const manifests = reportInput(heic, { fonts }).manifests.map((m) =>
      m.task === 'generated-image'
        ? { ...m, codings: { hevc: { calibration: { method: 'platt' as const, params: { a: 0.61, b: -0.25 }, fittedOn: 'HEIC round trips of held-out pictures' }, thresholds: { authentic: 0.33, manipulated: 0.88 }, errorRates: { fprAtManipulated: 0.048 } } } }
        : m,
    );
    const flat = pdfText((await renderReportDetailed({ ...reportInput(heic, { fonts }), manifests })).pdf).replace(/\s+/g, ' ');
    for (const s of [
      'raw logit -1.310; HEVC-coded picture (HEIC/HEIF): scored with this model',
      'HEVC calibration for HEVC-coded stills: Platt scaling, a = 0.61, b = -0.25, fitted on HEIC round trips of held-out pictures',
      'HEVC thresholds authentic < 0.33, manipulated ≥ 0.88',
      'HEVC error rates fprAtManipulated: 0.04800',
    ])
      expect(flat).toContain(s);
    expect(text.replace(/\s+/g, ' ')).not.toContain('HEVC calibration');
  });

  it('prints the splice map: what it compares, the region found and its overlay; says when none was; absent without a map', async () => {
    const flat = text.replace(/\s+/g, ' ');
    for (const s of ['Splice map', 'The JPEG was saved twice (earlier at quality ≈60)', 'double-quantisation block map 1', '1480, 800, 688×736', '4.22 %', '213 / 80', 'warm: looks saved once']) expect(flat).toContain(s);
    const reader = artifactReader();
    await renderReportDetailed(reportInput(d, { fonts, readArtifact: reader.read }));
    expect(reader.reads).toContain('splice');
    const none = structuredClone(d);
    none.splice = { ...d.splice!, regions: [], coverage: 0.5 };
    const noneText = pdfText((await renderReportDetailed(reportInput(none, { fonts }))).pdf).replace(/\s+/g, ' ');
    expect(noneText).toContain('No region without the earlier compression was found.');
    expect(noneText).toContain('The map covers the first 50 % of the picture.');
    const before = structuredClone(d);
    delete before.splice;
    expect(pdfText((await renderReportDetailed(reportInput(before, { fonts }))).pdf)).not.toContain('Splice map');
  });

  it('prints the shifted-grid map: what it looks for, the region with its grid and quality, the picture’s own grid; absent without a map', async () => {
    const flat = text.replace(/\s+/g, ' ');
    for (const s of ['Shifted-grid map', 'shifted-grid DC lattice map 1', '2560, 240, 512×448', '6, 1', '≈59', '1.83 %', '42 / 24', 'warm: another grid’s lattice']) expect(flat).toContain(s);
    const reader = artifactReader();
    await renderReportDetailed(reportInput(d, { fonts, readArtifact: reader.read }));
    expect(reader.reads).toContain('grid');
    const cropped = structuredClone(d);
    cropped.grid = { ...d.grid!, regions: [], pictureGrid: { dx: 5, dy: 3, earlierStep: 8, earlierQuality: 75, share: 0.93 }, coverage: 0.5 };
    const croppedText = pdfText((await renderReportDetailed(reportInput(cropped, { fonts }))).pdf).replace(/\s+/g, ' ');
    expect(croppedText).toContain('No region compressed earlier on another grid was found.');
    expect(croppedText).toContain('The picture, over 93 % of it, carries an earlier compression on a grid shifted by (5, 3) px (quality ≈75)');
    expect(croppedText).toContain('The map covers the first 50 % of the picture.');
    const before = structuredClone(d);
    delete before.grid;
    expect(pdfText((await renderReportDetailed(reportInput(before, { fonts }))).pdf)).not.toContain('Shifted-grid map');
  });

  it('renders pages that are not blank, and keeps page 1 and the findings page as artifacts', async () => {
    const { files, cleanup } = renderPages(r.pdf, { dpi: 60 });
    try {
      expect(files).toHaveLength(r.pages);
      for (const f of files) expect(await inkFraction(f)).toBeGreaterThan(0.01);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.copyFileSync(files[0]!, path.join(ARTIFACTS, 'image-report-page-1.png'));
    } finally {
      cleanup();
    }
  });
});

describe('renderReport: video result with an Arabic file name and several tracks', () => {
  const name = 'تسجيل المقابلة الأولى.mp4';
  const d = videoDetection(name, 4, 24);
  let r: RenderedReport;
  let text: string;
  beforeAll(async () => {
    r = await renderReportDetailed(reportInput(d, { fonts, caseReference: 'قضية ٤٧/٢٠٢٦' }));
    text = stripBidiMarks(pdfText(r.pdf));
  });

  it('extracts the Arabic words in reading order and the extension', () => {
    expect(text).toContain('تسجيل المقابلة الأولى');
    expect(text).toContain('.mp4');
    expect(r.missingGlyphs).toEqual([]);
  });

  it('prints the verdict, every track and the warnings', () => {
    expect(text).toContain('INCONCLUSIVE');
    expect(text).toContain('64.0 %');
    expect(text).toContain('Faces (4 tracks)');
    expect(text).toContain('HEAVY_RECOMPRESSION');
    expect(text).toContain('Score over time');
    expect(text).toContain('Highest face score per frame');
  });

  it('draws the timeline as vector paths, not as an image', () => {
    // The key frames and crops are images; the chart adds none: count image XObjects.
    const images = (r.pdf.toString('latin1').match(/\/Subtype \/Image/g) ?? []).length;
    const pictured = 6 * 2 + 4 * 2; // key frames + heatmaps, face crops + heatmaps
    expect(images).toBeLessThanOrEqual(pictured);
  });

  it('keeps a rendered findings page as an artifact and it is not blank', async () => {
    const { files, cleanup } = renderPages(r.pdf, { dpi: 70 });
    try {
      for (const f of files) expect(await inkFraction(f)).toBeGreaterThan(0.01);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.copyFileSync(files[0]!, path.join(ARTIFACTS, 'video-report-page-1.png'));
      const findings = files.findIndex((_, i) => pdfText(r.pdf, { page: i + 1 }).includes('Highest face score per frame'));
      expect(findings).toBeGreaterThan(0);
      fs.copyFileSync(files[findings]!, path.join(ARTIFACTS, 'video-report-timeline.png'));
    } finally {
      cleanup();
    }
  });
});

describe('renderReport: a video whose edit list hides part of it', () => {
  it('prints where the hidden part lies, each hidden frame with its reading and picture, and nothing without one', async () => {
    const d = videoDetection('cut.mp4', 1, 8);
    d.hiddenMedia = {
      trackId: 1,
      spans: [{ startSec: 0, endSec: 3.2 }],
      hiddenSec: 3.2,
      mediaSec: 10,
      frames: [0.8, 2.4].map((mediaSec, i) => ({ mediaSec, faceCount: 1, probability: 0.91 - i * 0.1, band: 'manipulated' as const, artifact: `hidden-${i}` })),
      probability: 0.86,
      band: 'manipulated',
      note: '2 frames of the hidden part analysed apart from the played ones (the edit list ignored).',
    };
    d.artifacts.push(...[0, 1].map((i) => ({ key: `hidden-${i}`, kind: 'hidden' as const, mime: 'image/jpeg', width: 320, height: 180, frameIndex: i * 40 })));
    const reader = artifactReader();
    const flat = pdfText((await renderReportDetailed(reportInput(d, { fonts, readArtifact: reader.read }))).pdf).replace(/\s+/g, ' ');
    for (const s of [
      'Hidden by the edit list',
      "3.20 s of the video track's media (0.00–3.20 s of its 10.00 s, track 1) is stored in the file but never played",
      '2 frames of the hidden part analysed apart from the played ones',
      '2.40 s',
      '81.0 %',
      'Hidden frame 2 · 2.40 s of the media',
    ])
      expect(flat).toContain(s);
    expect(reader.reads).toEqual(expect.arrayContaining(['hidden-0', 'hidden-1']));
    delete d.hiddenMedia;
    expect(pdfText((await renderReportDetailed(reportInput(d, { fonts }))).pdf)).not.toContain('Hidden by the edit list');
  });
});

describe('renderReport: hostile and unusual input', () => {
  it('shows direction overrides and undrawable characters as visible markers', async () => {
    const d = imageDetection('invoice\u202Egpj.exe');
    d.annotations = [{ id: 'x', authorId: 'u', authorName: 'anna', createdAt: '2026-11-22T14:30:00.000Z', note: 'smiley 😀 in the chat export' }];
    const r = await renderReportDetailed(reportInput(d, { fonts }));
    const text = pdfText(r.pdf);
    expect(text).toContain('invoice[U+202E]gpj.exe');
    expect(text).toContain('invisible or direction-changing characters');
    expect(text).toContain('[U+1F600]');
    expect(r.missingGlyphs).toContain(0x1f600);
    expect(text.replace(/\s+/g, ' ')).toContain('could not be drawn with the fonts available (U+1F600)');
  });

  it('survives missing and corrupt artifacts, a failed analysis and no manifests', async () => {
    const d = videoDetection('broken.mp4', 2, 6);
    d.frames[0]!.keyframeArtifact = 'missing.png';
    d.status = 'failed';
    d.error = { code: 'TIMEOUT', message: 'ffmpeg did not answer within 120 s' };
    d.verdict = { band: 'undetermined', probability: null, thresholds: { authentic: 0.3, manipulated: 0.7 }, explanation: 'No model could judge the file.', decidedBy: 'none' };
    d.media = null;
    d.metadata = null;
    const reader = artifactReader();
    const r = await renderReportDetailed(
      reportInput(d, {
        fonts,
        manifests: [],
        timeZone: 'Not/A_Zone',
        readArtifact: async (k) => (k.startsWith('heat') ? { data: Buffer.from('not an image'), mime: 'image/png' } : reader.read(k)),
      }),
    );
    const text = pdfText(r.pdf);
    expect(text).toContain('UNDETERMINED');
    expect(text).toContain('TIMEOUT: ffmpeg did not answer within 120 s');
    expect(text).toContain('manifest of this model is no longer installed');
    expect(text).toContain('Image unavailable');
    expect(text).toContain(' UTC (UTC+00:00)');
  });

  it('flows text longer than a page (notes, a note in the annotations table, a deep path) without losing any', async () => {
    const d = imageDetection('deep.jpg');
    const words = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');
    d.file.path = `/${Array.from({ length: 300 }, (_, i) => `dir${i}`).join('/')}/deep.jpg`;
    d.annotations = [{ id: 'long', authorId: 'u', authorName: 'anna', createdAt: '2026-11-22T14:30:00.000Z', note: words('note', 900) }];
    const r = await renderReportDetailed(reportInput(d, { fonts, notes: words('cover', 700) }));
    const flat = pdfText(r.pdf).replace(/\s+/g, ' ');
    for (const tag of ['note899', 'cover699', 'dir299/deep.jpg', 'note0 note1 note2']) expect(flat).toContain(tag);
    for (let p = 1; p <= r.pages; p++) expect(pdfText(r.pdf, { page: p })).toContain(`Page ${p} of ${r.pages}`);
    expect(r.pages).toBeLessThanOrEqual(14);
  });

  it('keeps a 20-track × 64-frame video report bounded in pages and bytes', async () => {
    const d = videoDetection('long-interview.mp4', 20, 64);
    const reader = artifactReader();
    const r = await renderReportDetailed(reportInput(d, { fonts, readArtifact: reader.read }));
    expect(r.pages).toBeGreaterThanOrEqual(6);
    expect(r.pages).toBeLessThanOrEqual(12);
    expect(r.pdf.length).toBeLessThan(1_500_000);
    // Only the capped number of pictures is read: 6 key frames + heatmaps, 12 crops + heatmaps.
    expect(reader.reads.length).toBeLessThanOrEqual(6 * 2 + 12 * 2);
    const text = pdfText(r.pdf);
    expect(text).toContain('Faces (20 tracks)');
    for (let t = 1; t <= 20; t++) expect(text).toMatch(new RegExp(`\\n${t}\\n`));
    expect(text).toContain('the 12 highest-scoring of 20 tracks');
  });
});

describe('renderReport: a file with another appended', () => {
  it('prints where the appended file begins, its hash, each frame with its reading and picture, and nothing without one', async () => {
    const d = videoDetection('joined.mkv', 1, 8);
    d.appendedMedia = {
      offset: 183_788,
      bytes: 9_120,
      foundAs: 'a second Matroska file after the first segment',
      sha256: 'c0'.repeat(32),
      format: 'matroska',
      kind: 'video',
      durationSec: 2,
      width: 160,
      height: 120,
      frames: [0.1, 1.1].map((mediaSec, i) => ({ mediaSec, faceCount: 1, probability: 0.93 - i * 0.1, band: 'manipulated' as const, artifact: `appended-${i}` })),
      probability: 0.88,
      band: 'manipulated',
      note: '2 frames of it analysed apart from the file’s own.',
    };
    d.artifacts.push(...[0, 1].map((i) => ({ key: `appended-${i}`, kind: 'hidden' as const, mime: 'image/jpeg', width: 160, height: 120, frameIndex: i * 25 })));
    const reader = artifactReader();
    const flat = pdfText((await renderReportDetailed(reportInput(d, { fonts, readArtifact: reader.read }))).pdf).replace(/\s+/g, ' ');
    for (const s of [
      'Appended to the file',
      'From byte 183788 on, the file holds a Matroska video (160×120, 2.00 s) of 9120 bytes: a second Matroska file after the first segment.',
      `SHA-256 of the appended bytes: ${'c0'.repeat(32)}`,
      '83.0 %',
      'Appended frame 2 · 1.10 s',
    ])
      expect(flat).toContain(s);
    expect(reader.reads).toEqual(expect.arrayContaining(['appended-0', 'appended-1']));
    delete d.appendedMedia;
    expect(pdfText((await renderReportDetailed(reportInput(d, { fonts }))).pdf)).not.toContain('Appended to the file');
  });
});
