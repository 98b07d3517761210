/** Sections 3–6: method (models, sampling, tools), annotations, limitations, integrity. */
import { formatAnchor } from '../../../src-shared/domain/audit';
import type { Detection } from '../../../src-shared/domain/detection';
import type { SamplingStrategy } from '../../../src-shared/domain/media';
import type { ModelManifest, ModelThresholds } from '../../../src-shared/domain/models';
import { assertNever } from '../../../src-shared/result';
import { bandColor, bandLabel, dateTime, describeValue } from './format';
import type { ReportInput } from './report-input';
import { COLORS, type ReportWriter } from './report-writer';

function strategyText(s: SamplingStrategy): string {
  switch (s.kind) {
    case 'even':
      return `${s.count} frames spread evenly over the duration`;
    case 'rate':
      return `${s.fps} frame(s) per second, at most ${s.max}`;
    case 'scene':
      return `frames at scene changes (threshold ${s.threshold}), at most ${s.max}`;
    case 'keyframes':
      return `the video's key frames (I-frames), at most ${s.max}`;
    default:
      return assertNever(s, 'sampling strategy');
  }
}

function calibrationText(c: ModelManifest['calibration']): string {
  if (!c) return 'none (raw model output)';
  switch (c.method) {
    case 'temperature':
      return `temperature scaling, T = ${c.params.T}, fitted on ${c.fittedOn}`;
    case 'platt':
      return `Platt scaling, a = ${c.params.a}, b = ${c.params.b}, fitted on ${c.fittedOn}`;
    case 'isotonic':
      return `isotonic regression (${c.params.x.length} knots), fitted on ${c.fittedOn}`;
    default:
      return assertNever(c, 'calibration');
  }
}

const thresholdsText = (t: ModelThresholds) => `authentic < ${t.authentic}, manipulated ≥ ${t.manipulated}`;

/** Section 3. */
export function methodSection(w: ReportWriter, input: ReportInput): void {
  const d = input.detection;
  w.heading('3  Method');
  w.paragraph('Pipeline: the file type is identified from its content; the file is hashed; metadata is read; frames are decoded with ffmpeg; faces are detected and followed across frames; each face (and, for images, the whole picture) is scored by the models below; scores are calibrated and aggregated into the verdict. Everything ran on this computer, offline.', { size: 9 });
  w.heading('Models', 2);
  if (!d.models.length) w.paragraph('No model produced a score for this file.');
  else
    w.table(
      [
        { title: 'Model', width: 0.22, style: 'mono', wrap: 'data' },
        { title: 'Version', width: 0.09 },
        { title: 'Task', width: 0.15 },
        { title: 'Runtime', width: 0.1 },
        { title: 'SHA-256 of the model file', width: 0.44, style: 'mono', wrap: 'data' },
      ],
      d.models.map((m) => [m.id, m.version, m.task, m.provider, m.sha256]),
      { size: 7.5 },
    );
  for (const ref of d.models) {
    const m = input.manifests.find((x) => x.id === ref.id);
    w.heading(`${ref.id} ${ref.version}`, 2);
    if (!m) {
      w.callout('The manifest of this model is no longer installed, so its training data and metrics cannot be restated here. The id, version and hash above identify the exact file that ran.');
      continue;
    }
    const prov = m.provenance ?? {};
    const rows: [string, string][] = [];
    if (m.description) rows.push(['Description', m.description]);
    if (m.sha256 !== ref.sha256) rows.push(['Manifest hash', `${m.sha256} — DIFFERS from the file that ran; the installed model changed since this analysis`]);
    for (const [k, v] of Object.entries(prov).slice(0, 12)) rows.push([`Provenance: ${k}`, describeValue(v)]);
    if (Object.keys(prov).length > 12) rows.push(['Provenance', `${Object.keys(prov).length - 12} more fields in the model manifest`]);
    rows.push(['Calibration', calibrationText(m.calibration)]);
    if (m.thresholds) rows.push(['Thresholds', thresholdsText(m.thresholds)]);
    if (m.errorRates && Object.keys(m.errorRates).length) rows.push(['Error rates', describeValue(m.errorRates)]);
    for (const [coding, c] of Object.entries(m.codings ?? {})) {
      if (!c) continue;
      const name = coding.toUpperCase();
      rows.push([`${name} calibration`, `for ${name}-coded stills: ${calibrationText(c.calibration)}`]);
      rows.push([`${name} thresholds`, thresholdsText(c.thresholds)]);
      if (c.errorRates && Object.keys(c.errorRates).length) rows.push([`${name} error rates`, describeValue(c.errorRates)]);
    }
    rows.push(['Input', `${m.input.shape.join('×')} ${m.input.layout} ${m.input.colorOrder}${m.input.cropMargin ? `, face crop margin ${m.input.cropMargin}` : ''}`]);
    rows.push(['Licence', m.license]);
    w.keyValues(rows);
    if (m.metrics.length)
      w.table(
        [
          { title: 'Metric', width: 0.25 },
          { title: 'Value', width: 0.15, align: 'right' },
          { title: 'Measured on', width: 0.6 },
        ],
        m.metrics.map((x) => [x.name, describeValue(x.value), x.data]),
        { size: 8 },
      );
    else w.paragraph('No metrics were published with this model.', { size: 8.5, color: COLORS.muted });
  }
  w.heading('Frame sampling', 2);
  const s = d.sampling;
  if (!s) w.paragraph('No sampling record (the analysis did not reach frame extraction).');
  else {
    const times = s.frames.map((f) => f.timeSec.toFixed(2));
    w.keyValues([
      ['Strategy', s.method === 'image' ? 'single image' : strategyText(s.strategy)],
      ['Decoding', s.method === 'seek' ? 'seeking to each frame' : s.method === 'sequential' ? 'sequential decoding from the start' : 'image decoder'],
      ...(s.fallbackReason ? ([['Fallback reason', s.fallbackReason]] as [string, string][]) : []),
      ['Frames analysed', String(s.frames.length)],
      ['Frame times (s)', times.length > 40 ? `${times.slice(0, 40).join(', ')}, … (${times.length - 40} more)` : times.join(', ') || '—'],
    ]);
  }
  w.heading('Tools', 2);
  const t = d.tools;
  const timings = Object.entries(d.timingsMs).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ');
  w.keyValues([
    ['ffmpeg', t.ffmpeg ? `${t.ffmpeg.version} — ${t.ffmpeg.path} (${t.ffmpeg.source})` : 'not used'],
    ['ffprobe', t.ffprobe ? `${t.ffprobe.version} — ${t.ffprobe.path} (${t.ffprobe.source})` : 'not used'],
    ['MediaGuard (analysis)', t.appVersion],
    ['MediaGuard (report)', input.appVersion],
    ['Inference runtime', t.executionProvider],
    ['Stage timings', timings || '—'],
  ]);
}

/** Section 4. */
export function annotationsSection(w: ReportWriter, d: Detection, tz: string): void {
  w.heading('4  Annotations and overrides');
  if (!d.annotations.length) {
    w.paragraph('No investigator annotated this record or overrode its verdict.');
    return;
  }
  w.paragraph('Notes and verdict overrides entered by investigators, in the order they were made. An override replaces the verdict shown in the history; the automated verdict remains in Findings.', { size: 8.5, color: COLORS.muted });
  w.table(
    [
      { title: 'When', width: 0.24 },
      { title: 'Author', width: 0.16 },
      { title: 'Override', width: 0.18, color: (r) => (d.annotations[r]?.override ? bandColor(d.annotations[r]!.override!.band) : undefined) },
      { title: 'Note and reason', width: 0.42 },
    ],
    d.annotations.map((a) => [dateTime(a.createdAt, tz), a.authorName, a.override ? bandLabel(a.override.band) : '—', [a.note, a.override ? `Reason: ${a.override.reason}` : ''].filter(Boolean).join('\n')]),
  );
}

const LIMITATIONS = [
  'A detector gives a probability, not a proof. A high score says the file resembles manipulated material the models were tested on; a low score says it does not. Neither establishes intent, authorship or what was changed.',
  'The models only know the manipulation methods represented in their training and test data. A new or unusual technique can go undetected, and an unusual but genuine file (heavy filters, beauty modes, low light, strong compression) can score high.',
  'Re-encoding by messaging apps and social networks removes much of the evidence detectors rely on. Small faces, profiles, occlusion, motion blur and low resolution make scores less reliable; such conditions are listed under warnings.',
  'Only the sampled frames were examined. A manipulation confined to frames between samples may be missed.',
  'Heatmaps show which pixels influenced the model, not where an edit was made. Metadata can be removed or forged, so its presence or absence is only an indication.',
  'This report should be read together with other evidence — provenance, chain of custody, witness accounts and, where stakes are high, examination by a qualified expert.',
];

/** Section 5. */
export function limitationsSection(w: ReportWriter): void {
  w.heading('5  Limitations');
  for (const l of LIMITATIONS) w.bullet(l);
}

/** Section 6. */
export function integritySection(w: ReportWriter, input: ReportInput, tz: string): void {
  w.heading('6  Integrity of this report');
  w.paragraph(
    'Every page carries this report’s ID and the SHA-256 of the examined file. When the report was saved, the issuing installation computed the SHA-256 of this PDF file, stored it with the report record and wrote it to its tamper-evident audit log. A file’s own hash cannot be printed inside it; to check that a copy is the file that was issued, run on the issuing installation:',
  );
  w.text('mediaguard report verify <report.pdf>', { style: 'mono', size: 9 }, { x: w.x + 12 });
  w.space(6);
  w.paragraph('Any change to the file — a single byte — gives a different SHA-256, and the command then reports it as not issued.');
  const rows: Parameters<ReportWriter['keyValues']>[0] = [
    ['Report ID', input.reportId, { style: 'mono', size: 8.5 }],
    ['Evidence SHA-256', input.detection.file.hashes.sha256, { style: 'mono', size: 8.5 }],
  ];
  if (input.auditAnchor) rows.push(['Audit log anchor', `entry ${input.auditAnchor.seq}`], ['Anchor entry’s hash', input.auditAnchor.hash, { style: 'mono', size: 8.5 }]);
  rows.push(['Issued by', `${input.author.displayName} (${input.author.username}, ${input.author.role})`], ['Issued at', dateTime(input.generatedAt, tz)]);
  // Kept on one page: the anchor's number and hash are read together; without an anchor
  // paragraph in between, the signature lines stay with them too (not alone on a last page).
  w.ensure(rows.length * 16 + 8 + (input.auditAnchor ? 0 : 70 + 24 + 40));
  w.keyValues(rows);
  w.space(6);
  if (input.auditAnchor) {
    w.paragraph(
      `The audit log anchor above is the newest entry of the issuing installation’s audit log when this report was issued. Each copy of this report is therefore a record of the log kept outside it: if the log is later rewritten — even with every hash recomputed — it no longer holds this hash at entry ${input.auditAnchor.seq}, and report verify on this file says so. An administrator can also check the anchor by hand:`,
    );
    w.text(`mediaguard audit verify --anchor ${formatAnchor(input.auditAnchor)}`, { style: 'mono', size: 7.5 }, { x: w.x + 12 });
    w.space(6);
  }
  if (w.rt.missing.size) {
    const cps = [...w.rt.missing].sort((a, b) => a - b).slice(0, 20).map((c) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
    w.paragraph(`Rendering note: ${w.rt.missing.size} character(s) could not be drawn with the fonts available (${cps.join(', ')}${w.rt.missing.size > 20 ? ', …' : ''}); they are printed as [U+XXXX] markers where they occur, so no text is hidden.`, { size: 8.5, color: COLORS.muted });
  }
  // A line for a wet or digital signature when the report is filed on paper.
  w.ensure(70);
  w.space(24);
  const col = (w.width - 30) / 2;
  for (const [i, label] of ['Examiner’s signature', 'Date and place'].entries()) {
    const x = w.x + i * (col + 30);
    w.doc.moveTo(x, w.y + 20).lineTo(x + col, w.y + 20).lineWidth(0.6).strokeColor(COLORS.muted).stroke();
    w.rt.draw(w.rt.layout(label, col, { style: 'regular', size: 8, color: COLORS.muted }), x, w.y + 24, col);
  }
  w.y += 40;
}
