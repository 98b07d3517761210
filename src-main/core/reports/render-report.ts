/**
 * renderReport(input) → PDF bytes. Pure with respect to the store: everything it prints
 * comes from the input, so it is tested on synthetic records and reused by the CLI.
 */
import { formatAnchor } from '../../../src-shared/domain/audit';
import { pdfDocumentClass } from '../native';
import { loadFontSet } from './fonts';
import { safeTimeZone } from './format';
import type { ReportInput } from './report-input';
import { ReportWriter } from './report-writer';
import { coverPage, evidenceSection } from './section-evidence';
import { findingsSection } from './section-findings';
import { annotationsSection, integritySection, limitationsSection, methodSection } from './section-method';

/** Precedes the audit anchor in the PDF's Keywords, where `report verify` finds it (report-service.ts). */
export const ANCHOR_MARKER = 'mediaguard-audit-anchor';

export interface RenderedReport {
  pdf: Buffer;
  pages: number;
  /** Code points that no font could draw (shown as [U+XXXX] markers). */
  missingGlyphs: number[];
}

/** Render the report; resolves with the PDF bytes and facts about the rendering. */
export async function renderReportDetailed(input: ReportInput): Promise<RenderedReport> {
  const d = input.detection;
  const tz = safeTimeZone(input.timeZone);
  const generatedAt = input.generatedAt instanceof Date ? input.generatedAt : new Date(input.generatedAt);
  const fonts = input.fonts ?? loadFontSet();
  const PDFDocument = pdfDocumentClass();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 72, bottom: 0, left: 56, right: 56 },
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    info: {
      Title: `Media forensic examination report ${input.reportId}`,
      Author: `${input.author.displayName} (${input.author.username})`,
      Subject: `Evidence SHA-256 ${d.file.hashes.sha256}`,
      Keywords: `mediaguard; report ${input.reportId}; detection ${d.id}${input.auditAnchor ? `; ${ANCHOR_MARKER} ${formatAnchor(input.auditAnchor)}` : ''}`,
      Creator: `MediaGuard ${input.appVersion}`,
      Producer: 'MediaGuard (pdfkit)',
      CreationDate: generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const w = new ReportWriter(doc, fonts);
  try {
    coverPage(w, input, tz);
    w.newPage();
    evidenceSection(w, input, tz);
    await findingsSection(w, input);
    methodSection(w, input);
    annotationsSection(w, d, tz);
    limitationsSection(w);
    integritySection(w, input, tz);
    const pages = w.stampPages(
      { left: `Media forensic examination report${input.caseReference?.trim() ? ` · Case ${input.caseReference.trim()}` : ''}`, right: `Report ID ${input.reportId}` },
      { left: `Evidence SHA-256 ${d.file.hashes.sha256}` },
    );
    doc.end();
    return { pdf: await done, pages, missingGlyphs: [...w.rt.missing].sort((a, b) => a - b) };
  } catch (e) {
    doc.end();
    await done.catch(() => undefined);
    throw e;
  }
}

/** Render the report to PDF bytes. */
export async function renderReport(input: ReportInput): Promise<Buffer> {
  return (await renderReportDetailed(input)).pdf;
}
