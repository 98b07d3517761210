/** Cover page and the Evidence section: who, when, exactly which file, and what it is. */
import type { Detection } from '../../../src-shared/domain/detection';
import type { ReportInput } from './report-input';
import { COLORS, type ReportWriter } from './report-writer';
import { bandColor, bandLabel, dateTime, formatBytes, latestOverride, pct, seconds } from './format';

const SECTIONS = ['1  Evidence', '2  Findings', '3  Method', '4  Annotations and overrides', '5  Limitations', '6  Integrity of this report'];

/** The verdict box: band, calibrated score, and an investigator's override shown as such. */
export function verdictBox(w: ReportWriter, d: Detection, tz: string): void {
  const override = latestOverride(d);
  const band = override?.override?.band ?? d.verdict.band;
  const lines: string[] = [];
  lines.push(d.verdict.explanation);
  lines.push(`Calibrated probability of manipulation: ${pct(d.verdict.probability)}${d.warnings.length ? ` · ${d.warnings.length} input-quality warning${d.warnings.length > 1 ? 's' : ''} (see Findings)` : ''}`);
  lines.push(`Thresholds: authentic below ${d.verdict.thresholds.authentic.toFixed(2)}, manipulated at or above ${d.verdict.thresholds.manipulated.toFixed(2)}`);
  if (override?.override) {
    lines.push(`Investigator override by ${override.authorName} on ${dateTime(override.createdAt, tz)}: ${override.override.reason}`);
    lines.push(`Automated verdict before override: ${bandLabel(d.verdict.band)}`);
  }
  const body = w.rt.layout(lines.join('\n'), w.width - 28, { style: 'regular', size: 9.5, wrap: 'words' });
  const title = w.rt.layout(bandLabel(band) + (override ? '  (investigator override)' : ''), w.width - 28, { style: 'bold', size: 17, color: bandColor(band) });
  const h = title.height + body.height + 22;
  w.ensure(h);
  w.doc.rect(w.x, w.y, w.width, h).fillColor('#f7f8fa').fill();
  w.doc.rect(w.x, w.y, 5, h).fillColor(bandColor(band)).fill();
  w.rt.draw(title, w.x + 16, w.y + 8, w.width - 28);
  w.rt.draw(body, w.x + 16, w.y + 12 + title.height, w.width - 28);
  w.y += h + 10;
}

/** Page 1: identification of the report and the verdict at a glance. */
export function coverPage(w: ReportWriter, input: ReportInput, tz: string): void {
  const d = input.detection;
  w.text('MEDIAGUARD · OFFLINE MEDIA FORENSICS', { style: 'bold', size: 8, color: COLORS.muted });
  w.space(4);
  w.text('Media Forensic Examination Report', { style: 'bold', size: 22, color: COLORS.accent });
  w.space(2);
  w.text(`Examination of ${d.kind === 'video' ? 'a video' : 'an image'} for signs of face manipulation or synthetic generation`, { size: 10.5, color: COLORS.muted });
  w.space(14);
  verdictBox(w, d, tz);
  const a = input.author;
  w.keyValues([
    ['Report ID', input.reportId, { style: 'mono', size: 8.5 }],
    ['Generated', dateTime(input.generatedAt, tz)],
    ['Generated (UTC)', dateTime(input.generatedAt, 'UTC')],
    ['Issued by', `${a.displayName} (${a.username}), role: ${a.role}`],
    ['Case reference', input.caseReference?.trim() || 'none given'],
    ['Evidence file', d.file.name],
    ['Evidence SHA-256', d.file.hashes.sha256, { style: 'mono', size: 8.5 }],
    ['Analysis record', d.id, { style: 'mono', size: 8.5 }],
    ['Analysed', `${dateTime(d.createdAt, tz)} by ${d.ownerName}`],
    ['Software', `MediaGuard ${input.appVersion} (analysis by ${d.tools.appVersion})`],
  ]);
  if (input.notes?.trim()) {
    w.heading('Examiner’s notes', 2);
    w.paragraph(input.notes.trim());
  }
  w.heading('Contents', 2);
  for (const s of SECTIONS) w.text(s, { size: 9.5 });
}

function mediaFacts(d: Detection): [string, string, { style: 'mono'; size: number }?][] {
  const m = d.media;
  if (!m) return [['Media facts', 'The file could not be probed; no container or stream facts are available.']];
  const rows: [string, string][] = [
    ['Format (by content)', `${m.format} (${m.mime})`],
    ['Dimensions', `${m.width} × ${m.height} px${m.rotation ? `, rotated ${m.rotation}°` : ''}`],
  ];
  if (m.kind === 'video') {
    rows.push(['Container', m.container ?? '—']);
    rows.push(['Duration', seconds(m.durationSec)]);
    rows.push(['Frame rate', m.fps ? `${m.fps.toFixed(3)} fps` : '—']);
    rows.push(['Frames', m.frameCount !== null ? m.frameCount.toLocaleString('en-US') : '—']);
    rows.push(['Video / audio codec', `${m.videoCodec ?? '—'} / ${m.audioCodec ?? 'none'}`]);
    rows.push(['Bit rate', m.bitRate ? `${(m.bitRate / 1000).toFixed(0)} kbit/s` : '—']);
  }
  const tags = Object.entries(m.tags);
  for (const [k, v] of tags.slice(0, 8)) rows.push([`Container tag ${k}`, v]);
  if (tags.length > 8) rows.push(['More container tags', `${tags.length - 8} more, kept with the analysis record`]);
  return rows;
}

/** Section 1: the file, its hashes, container facts and metadata. */
export function evidenceSection(w: ReportWriter, input: ReportInput, tz: string): void {
  const d = input.detection;
  w.heading('1  Evidence');
  w.paragraph('The examined file is identified by its cryptographic hashes, computed over its exact bytes when it was analysed. Any copy with the same SHA-256 is bit-for-bit the same file.', { color: COLORS.muted, size: 9 });
  const nameHasMarkers = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u.test(d.file.name);
  w.keyValues([
    ['File name', d.file.name],
    ['Path when analysed', d.file.path],
    ['Size', formatBytes(d.file.sizeBytes)],
    ['Claimed extension', d.file.claimedExtension ? `.${d.file.claimedExtension.replace(/^\./, '')}` : 'none'],
    ['Type as identified', d.media ? `${d.media.format} (${d.media.mime}), identified from the content, not the name` : d.kind],
    ['Extension matches content', d.file.extensionMismatch ? 'NO — the extension does not match the content' : 'yes', d.file.extensionMismatch ? { color: COLORS.manipulated, style: 'bold' } : {}],
    ['SHA-256', d.file.hashes.sha256, { style: 'mono', size: 8.5 }],
    ['SHA-1', d.file.hashes.sha1, { style: 'mono', size: 8.5 }],
    ['MD5', d.file.hashes.md5, { style: 'mono', size: 8.5 }],
    ['Acquired for analysis', dateTime(d.createdAt, tz)],
    ['Analysis finished', dateTime(d.finishedAt, tz)],
    ['Analysis status', d.status + (d.error ? ` — ${d.error.code}: ${d.error.message}` : '')],
  ]);
  if (nameHasMarkers) {
    w.callout('The file name contains invisible or direction-changing characters. They are shown as [U+XXXX] markers in red wherever the name is printed, so that the name reads as it is stored, not as it would display.', COLORS.manipulated);
  }
  w.heading('Container and streams', 2);
  w.keyValues(mediaFacts(d));
  const streams = d.media?.streams ?? [];
  if (streams.length) {
    w.table(
      [
        { title: '#', width: 0.05, align: 'right' },
        { title: 'Type', width: 0.1 },
        { title: 'Codec', width: 0.17 },
        { title: 'Resolution / audio', width: 0.2 },
        { title: 'Rate', width: 0.14, align: 'right' },
        { title: 'Bit rate', width: 0.14, align: 'right' },
        { title: 'Duration', width: 0.2, align: 'right' },
      ],
      streams.slice(0, 16).map((s) => [
        String(s.index),
        s.type,
        [s.codec ?? '—', s.profile ? `(${s.profile})` : ''].join(' ').trim(),
        s.type === 'audio' ? `${s.sampleRate ?? '—'} Hz, ${s.channels ?? '—'} ch` : s.width ? `${s.width} × ${s.height}${s.pixFmt ? `, ${s.pixFmt}` : ''}` : '—',
        s.fps ? `${s.fps.toFixed(3)} fps` : '—',
        s.bitRate ? `${(s.bitRate / 1000).toFixed(0)} kbit/s` : '—',
        seconds(s.durationSec),
      ]),
    );
    if (streams.length > 16) w.paragraph(`${streams.length - 16} further streams are not listed here; they are kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
  }
  w.heading('Metadata (EXIF, XMP, IPTC, container)', 2);
  const md = d.metadata;
  if (!md) {
    w.paragraph('No metadata could be read from this file.');
    return;
  }
  if (md.highlights.length) {
    w.keyValues(md.highlights.slice(0, 30).map((h) => [h.label, h.value] as [string, string]));
    if (md.highlights.length > 30) w.paragraph(`${md.highlights.length - 30} further highlights are kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
  }
  else w.paragraph('The file carries no camera or editing metadata. Absence of metadata is common after messaging apps or social networks re-encode a file, and proves nothing by itself.');
  const groups = Object.entries(md.groups).map(([g, t]) => `${g} (${Object.keys(t).length})`);
  if (groups.length) w.paragraph(`Raw tags read: ${groups.join(', ')}. The complete list is kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
  if (md.hasEmbeddedThumbnail) w.paragraph(`An embedded thumbnail is present${md.thumbnailDiffers === true ? ' and it DIFFERS from the main image — the image may have been edited after the thumbnail was written' : md.thumbnailDiffers === false ? ' and it matches the main image' : ''}.`);
  if (md.flags.length) {
    w.table(
      [
        { title: 'Severity', width: 0.12, color: (r) => (md.flags[r]?.severity === 'warning' ? COLORS.manipulated : md.flags[r]?.severity === 'notice' ? COLORS.inconclusive : COLORS.muted) },
        { title: 'Code', width: 0.25, style: 'mono', wrap: 'data' },
        { title: 'Observation', width: 0.63 },
      ],
      md.flags.map((f) => [f.severity, f.code, f.message]),
    );
  } else {
    w.paragraph('No metadata warnings were raised.');
  }
}
