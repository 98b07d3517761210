/**
 * Section 2, Findings: the verdict and what it means, input-quality warnings, whole-image
 * scores, face tracks, the score timeline, key frames with heatmaps, face crops and the
 * forensic layers. Picture counts are capped so a video with many tracks stays readable.
 */
import { hiddenSpansText, type Detection, type FaceObservation, type FaceTrack, type HiddenFrame } from '../../../src-shared/domain/detection';
import { article, formatName } from '../../../src-shared/domain/media';
import type { ModelManifest } from '../../../src-shared/domain/models';
import { CAMERA_OUTCOME_LABEL, matchGeometry, sensorNoiseLine, sourceCameraLine } from '../../../src-shared/domain/cameras';
import { drawSparkline, drawTimeline, trackColor, type Series } from './chart';
import { bandColor, bandLabel, describeValue, mean, pct, seconds } from './format';
import { prepareImage } from './images';
import type { ReportInput } from './report-input';
import { COLORS, type ReportWriter } from './report-writer';

export const LIMITS = { keyFrames: 6, faceTracksPictured: 12, forensicLayers: 4, trackLinesInChart: 8 } as const;

const LAYER_TEXT: Record<string, string> = {
  ela: 'Error level analysis: the image is recompressed once more and the difference amplified. Regions edited after the last save often recompress differently and stand out; uniform noise is normal.',
  noise: 'Noise residual: the image minus a denoised copy. Pasted or synthesised regions often carry a different sensor-noise texture than their surroundings.',
  overlay: 'Overlay of the model’s attention on the image.',
};

function scoreMeaning(d: Detection, manifests: ModelManifest[]): string {
  const t = d.verdict.thresholds;
  const base =
    `The score is a calibrated probability: among files like those the models were measured on, a score of ${pct(0.8, 0)} means that about 8 in 10 such files were manipulated. ` +
    `Scores below ${t.authentic.toFixed(2)} are reported as "no manipulation detected", at or above ${t.manipulated.toFixed(2)} as "manipulation likely", and in between as inconclusive. ` +
    'It is a statistical indication, not proof, and it is only as reliable as the match between this file and the models’ test data.';
  const rates = manifests
    .filter((m) => m.task !== 'face-detection' && m.errorRates && Object.keys(m.errorRates).length)
    .map((m) => `${m.id} ${m.version}: ${describeValue(m.errorRates)}`);
  return rates.length ? `${base}\nMeasured error rates — ${rates.join(' | ')}` : `${base}\nNo error rates were published with the models used.`;
}

function trackStats(t: FaceTrack) {
  const ps = t.observations.map((o) => o.probability);
  const valid = ps.filter((p): p is number => p !== null);
  const first = t.observations[0]?.timeSec ?? 0;
  const last = t.observations[t.observations.length - 1]?.timeSec ?? 0;
  return { mean: mean(ps), max: valid.length ? Math.max(...valid) : null, failed: ps.length - valid.length, first, last };
}

function bestObservation(t: FaceTrack): FaceObservation | undefined {
  return [...t.observations].filter((o) => o.faceArtifact).sort((a, b) => (b.probability ?? -1) - (a.probability ?? -1))[0];
}

async function picturePair(w: ReportWriter, input: ReportInput, keys: (string | undefined)[], captions: string[], maxPx: number, boxH: number): Promise<void> {
  const imgs = await Promise.all(keys.map(async (k) => (k ? input.readArtifact(k).then((a) => (a ? prepareImage(a, maxPx) : null)) : null)));
  const n = keys.length;
  const gap = 10;
  const cellW = (w.width - gap * (n - 1)) / n;
  const caps = captions.map((c) => w.rt.layout(c, cellW, { style: 'regular', size: 7.5, color: COLORS.muted, wrap: 'data', align: 'center' }));
  const capH = Math.max(...caps.map((c) => c.height));
  w.ensure(boxH + capH + 10);
  imgs.forEach((img, i) => {
    const x = w.x + i * (cellW + gap);
    if (img) {
      const scale = Math.min(cellW / img.width, boxH / img.height);
      const iw = img.width * scale;
      const ih = img.height * scale;
      w.doc.image(img.data, x + (cellW - iw) / 2, w.y + (boxH - ih) / 2, { width: iw, height: ih });
      w.doc.rect(x + (cellW - iw) / 2, w.y + (boxH - ih) / 2, iw, ih).lineWidth(0.4).strokeColor(COLORS.rule).stroke();
    } else {
      w.doc.rect(x, w.y, cellW, boxH).lineWidth(0.4).strokeColor(COLORS.rule).stroke();
      const l = w.rt.layout(keys[i] ? 'Image unavailable (missing or unreadable artifact)' : 'No image stored', cellW - 10, { style: 'regular', size: 7.5, color: COLORS.muted, align: 'center' });
      w.rt.draw(l, x + 5, w.y + boxH / 2 - l.height / 2, cellW - 10);
    }
    w.rt.draw(caps[i]!, x, w.y + boxH + 3, cellW);
  });
  w.y += boxH + capH + 10;
}

function drawLegend(w: ReportWriter, series: Series[]): void {
  let x = w.x + 30;
  w.ensure(12);
  for (const s of [...series].reverse()) {
    const label = w.rt.layout(s.label, 120, { style: 'regular', size: 7, color: COLORS.ink });
    if (x + 20 + label.width > w.x + w.width) {
      x = w.x + 30;
      w.y += 10;
    }
    w.doc.moveTo(x, w.y + 5).lineTo(x + 14, w.y + 5).lineWidth(s.width).strokeColor(s.color).stroke();
    w.rt.draw(label, x + 17, w.y, 120);
    x += 17 + label.width + 12;
  }
  w.y += 14;
}

/** Section 2. */
/** The table and pictures of frames analysed apart from the file's own (hidden by the edit list, or of an appended file). */
async function framesApart(w: ReportWriter, input: ReportInput, frames: readonly HiddenFrame[], timeTitle: string, caption: (f: HiddenFrame, n: number) => string): Promise<void> {
  if (!frames.length) return;
  w.table(
    [
      { title: 'Frame', width: 0.1, align: 'right' },
      { title: timeTitle, width: 0.25, align: 'right' },
      { title: 'Faces', width: 0.15, align: 'right' },
      { title: 'Most suspicious face', width: 0.25, align: 'right' },
      { title: 'Band', width: 0.25, color: (r) => bandColor(frames[r]!.band) },
    ],
    frames.map((f, i) => [String(i + 1), `${f.mediaSec.toFixed(2)} s`, String(f.faceCount), pct(f.probability), bandLabel(f.band)]),
  );
  for (let i = 0; i < frames.length; i += 4) {
    const row = frames.slice(i, i + 4);
    await picturePair(
      w,
      input,
      row.map((f) => f.artifact),
      row.map((f, k) => caption(f, i + k + 1)),
      360,
      110,
    );
  }
}

export async function findingsSection(w: ReportWriter, input: ReportInput): Promise<void> {
  const d = input.detection;
  w.heading('2  Findings');
  w.heading('Verdict', 2);
  w.keyValues([
    ['Automated verdict', bandLabel(d.verdict.band), { style: 'bold', color: bandColor(d.verdict.band) }],
    ['Calibrated probability', pct(d.verdict.probability)],
    ['Decided by', { faces: 'face-manipulation models on the detected faces', 'generated-image': 'the whole-image (generated-image) model', combined: 'faces and whole-image models combined', none: 'no model could judge this file' }[d.verdict.decidedBy]],
    ['Explanation', d.verdict.explanation],
  ]);
  w.paragraph(scoreMeaning(d, input.manifests), { size: 8.5, color: COLORS.muted });

  w.heading('Input quality and scope warnings', 2);
  if (d.warnings.length) for (const wr of d.warnings) w.callout(`${wr.code}: ${wr.message}`);
  else w.paragraph('No input-quality warnings were raised for this file.');

  if (d.imageScores.length) {
    w.heading('Whole-image scores', 2);
    w.table(
      [
        { title: 'Model', width: 0.34, style: 'mono', wrap: 'data' },
        { title: 'Probability', width: 0.16, align: 'right' },
        { title: 'Band', width: 0.2, color: (r) => bandColor(d.imageScores[r]!.band) },
        { title: 'Note', width: 0.3 },
      ],
      d.imageScores.map((s) => [s.modelId, pct(s.probability), bandLabel(s.band), s.error ? `model error: ${s.error}` : s.notJudged ? `not judged: ${s.notJudged}` : s.rawLogit !== null ? `raw logit ${s.rawLogit.toFixed(3)}${s.calibratedFor ? `; ${s.calibratedFor}` : ''}` : '']),
    );
  }

  if (d.copyMove) {
    const cm = d.copyMove;
    w.heading('Copy-move check', 2);
    w.paragraph(
      `Looks for regions of the picture that are copies of other regions of it, as a clone tool or a pasted duplicate leaves (${cm.method}; no model: a dense match of every textured 16-pixel patch, analysed at ${cm.analysedLongSide} px on the long side). It finds copies moved or mirrored, not rotated, rescaled or recoloured ones, nor copies of flat areas; ${Math.round(cm.texturedShare * 100)} % of this picture has texture it can match. Content that repeats for real (a collage, repeated icons, printed patterns) is found too. It does not enter the probability; a copy found keeps the picture out of the authentic band.`,
      { size: 8.5, color: COLORS.muted },
    );
    if (!cm.regions.length && cm.patternSteps) w.paragraph(`No copied region is reported: the picture repeats a pattern at ${cm.patternSteps} different steps (wallpaper, a step-and-repeat banner, tiles), and copies cannot be told from it.`);
    else if (!cm.regions.length) w.paragraph('No copied region was found.');
    else {
      w.table(
        [
          { title: 'Pair', width: 0.08, align: 'right' },
          { title: 'One place (x, y, w×h)', width: 0.28, style: 'mono' },
          { title: 'Other place', width: 0.28, style: 'mono' },
          { title: 'Share of picture', width: 0.14, align: 'right' },
          { title: 'Note', width: 0.22 },
        ],
        cm.regions.slice(0, 12).map((r, i) => [
          String(i + 1),
          `${r.a.x}, ${r.a.y}, ${r.a.w}×${r.a.h}`,
          `${r.b.x}, ${r.b.y}, ${r.b.w}×${r.b.h}`,
          `${(r.areaShare * 100).toFixed(2)} %`,
          `${r.mirrored ? 'mirrored; ' : ''}rms difference ${r.rmsDiff.toFixed(1)}`,
        ]),
      );
      if (cm.regions.length > 12) w.paragraph(`The 12 largest of ${cm.regions.length} pairs are listed; all are kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
      const art = cm.artifact ? d.artifacts.find((a) => a.key === cm.artifact) : undefined;
      if (art) await picturePair(w, input, [art.key], [`Copy-move overlay · ${art.width}×${art.height} · each pair in its own colour`], 560, 220);
    }
  }

  if (d.splice) {
    const sp = d.splice;
    const earlier = sp.earlierQuality !== null ? ` at quality ≈${sp.earlierQuality}` : ' at a lower quality';
    w.ensure(150); // the heading with its explanation
    w.heading('Splice map', 2);
    w.paragraph(
      `The JPEG was saved twice (earlier${earlier}). The splice map (${sp.method}; no model) compares every 8×8 block's coefficients with a single and a double compression at the steps the compression history found, and reports regions that lack the earlier one — content pasted in between the two saves from a picture never saved at that quality on this grid. Flat areas cannot be judged, a region re-saved at the host's earlier quality on the same grid is not seen, and a region re-drawn or heavily retouched shows it too. A region needs ${sp.threshold} nats of evidence over a 48-pixel neighbourhood.${sp.coverage < 1 ? ` The map covers the first ${Math.round(sp.coverage * 100)} % of the picture.` : ''} It does not enter the probability; a region found keeps the picture out of the authentic band.`,
      { size: 8.5, color: COLORS.muted },
    );
    if (!sp.regions.length) w.paragraph('No region without the earlier compression was found.');
    else {
      w.table(
        [
          { title: 'Region', width: 0.1, align: 'right' },
          { title: 'Place (x, y, w×h)', width: 0.4, style: 'mono' },
          { title: 'Share of picture', width: 0.2, align: 'right' },
          { title: 'Evidence / threshold (nats)', width: 0.3, align: 'right' },
        ],
        sp.regions.slice(0, 12).map((r, i) => [String(i + 1), `${r.x}, ${r.y}, ${r.w}×${r.h}`, `${(r.areaShare * 100).toFixed(2)} %`, `${r.peak.toFixed(0)} / ${sp.threshold}`]),
      );
      if (sp.regions.length > 12) w.paragraph(`The 12 largest of ${sp.regions.length} regions are listed; all are kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
    }
    const art = sp.artifact ? d.artifacts.find((a) => a.key === sp.artifact) : undefined;
    if (art) await picturePair(w, input, [art.key], [`Splice map · ${art.width}×${art.height} · warm: looks saved once; boxes: regions`], 560, 220);
  }

  if (d.grid) {
    const gc = d.grid;
    w.ensure(150); // the heading with its explanation
    w.heading('Shifted-grid map', 2);
    const own = gc.pictureGrid
      ? ` The picture, over ${Math.round(gc.pictureGrid.share * 100)} % of it, carries an earlier compression on a grid shifted by (${gc.pictureGrid.dx}, ${gc.pictureGrid.dy}) px${gc.pictureGrid.earlierQuality !== null ? ` (quality ≈${gc.pictureGrid.earlierQuality})` : ''}: it was cropped after an earlier save, or is mostly made of a picture that was, which by itself is no manipulation; regions are content on yet another grid.`
      : '';
    w.paragraph(
      `The shifted-grid map (${gc.method}; no model) looks, in every 64-pixel window and on each of the 63 grids other than the file’s own, for 8×8 block sums that cluster at multiples of one quantisation step — the trace an earlier JPEG compression leaves on its own grid — and reports regions where another grid carries it than the rest of the picture: content pasted in from another JPEG. It cannot see a paste whose earlier grid happens to line up with the file’s, an earlier save finer than about quality 85, content resized or rotated after its earlier save, or flat areas. A region needs evidence ${gc.threshold} (n·R² above the window’s median over the grids).${gc.coverage < 1 ? ` The map covers the first ${Math.round(gc.coverage * 100)} % of the picture.` : ''}${own} It does not enter the probability; a region found keeps the picture out of the authentic band.`,
      { size: 8.5, color: COLORS.muted },
    );
    if (!gc.regions.length) w.paragraph('No region compressed earlier on another grid was found.');
    else {
      w.table(
        [
          { title: 'Region', width: 0.1, align: 'right' },
          { title: 'Place (x, y, w×h)', width: 0.3, style: 'mono' },
          { title: 'Grid shift (stored px)', width: 0.15, align: 'right' },
          { title: 'Earlier quality', width: 0.15, align: 'right' },
          { title: 'Share of picture', width: 0.15, align: 'right' },
          { title: 'Evidence / threshold', width: 0.15, align: 'right' },
        ],
        gc.regions.slice(0, 12).map((r, i) => [String(i + 1), `${r.x}, ${r.y}, ${r.w}×${r.h}`, `${r.dx}, ${r.dy}`, r.earlierQuality !== null ? `≈${r.earlierQuality}` : `DC step ${r.earlierStep}`, `${(r.areaShare * 100).toFixed(2)} %`, `${r.peak.toFixed(0)} / ${gc.threshold}`]),
      );
      if (gc.regions.length > 12) w.paragraph(`The 12 largest of ${gc.regions.length} regions are listed; all are kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
    }
    const art = gc.artifact ? d.artifacts.find((a) => a.key === gc.artifact) : undefined;
    if (art) await picturePair(w, input, [art.key], [`Shifted-grid map · ${art.width}×${art.height} · warm: another grid’s lattice; boxes: regions`], 560, 220);
  }

  if (d.hiddenMedia) {
    const h = d.hiddenMedia;
    w.ensure(150); // the heading with its explanation
    w.heading('Hidden by the edit list', 2);
    w.paragraph(
      `${h.hiddenSec.toFixed(2)} s of the video track's media (${hiddenSpansText(h.spans)} of its ${h.mediaSec.toFixed(2)} s, track ${h.trackId}) is stored in the file but never played: its edit list skips it, as a cut without re-encoding leaves it. Frames of that part were decoded with the edit list ignored and run through the same models, apart from the played frames. They do not enter the probability; a hidden part in the manipulated band keeps the file out of the authentic band.`,
      { size: 8.5, color: COLORS.muted },
    );
    w.paragraph(h.note);
    await framesApart(w, input, h.frames, 'Media time', (f, n) => `Hidden frame ${n} · ${f.mediaSec.toFixed(2)} s of the media`);
  }

  if (d.appendedMedia) {
    const c = d.appendedMedia;
    w.ensure(150);
    w.heading('Appended to the file', 2);
    const named = `${formatName(c.format)} ${c.kind === 'image' ? 'picture' : 'video'}${c.width ? ` (${c.width}×${c.height}${c.durationSec !== null ? `, ${c.durationSec.toFixed(2)} s` : ''})` : ''}`;
    const what = c.kind ? `${article(named)} ${named}` : 'data that could not be read as media';
    w.paragraph(
      `From byte ${c.offset} on, the file holds ${what} of ${c.bytes} bytes: ${c.foundAs}. Players and viewers show the first file only (a phone’s gallery may play a motion photo’s video). Its bytes were copied out (the evidence is not written), hashed and run through the same models, apart from the file's own frames. It does not enter the probability; an appended file in the manipulated band keeps the file out of the authentic band.`,
      { size: 8.5, color: COLORS.muted },
    );
    w.paragraph(`SHA-256 of the appended bytes: ${c.sha256}`, { size: 8.5 });
    w.paragraph(c.note);
    await framesApart(w, input, c.frames, c.kind === 'video' ? 'Time' : 'Picture', (f, n) => (c.kind === 'video' ? `Appended frame ${n} · ${f.mediaSec.toFixed(2)} s` : 'Appended picture'));
  }

  if (d.sourceCamera) {
    const c = d.sourceCamera;
    w.ensure(120);
    w.heading('Source camera (sensor noise)', 2);
    w.paragraph(`${sourceCameraLine(c)}.`);
    if (c.matches.length) {
      w.table(
        [
          { title: 'Camera', width: 0.3 },
          { title: 'Outcome', width: 0.14 },
          { title: 'PCE', width: 0.12, align: 'right' },
          { title: 'Turned', width: 0.12, align: 'right' },
          { title: 'Note', width: 0.32 },
        ],
        c.matches.map((m) => [m.cameraName, CAMERA_OUTCOME_LABEL[m.outcome], m.pce === null ? '—' : `${m.pce} (≥ ${m.threshold})`, matchGeometry(m), m.note ?? '']),
      );
    }
    for (const p of c.problems) w.paragraph(p, { size: 8.5 });
    if (c.integrity) {
      const m = c.integrity;
      w.ensure(90);
      w.heading('Sensor-noise map', 2);
      w.paragraph(`${sensorNoiseLine(m)}.`);
      if (m.regions.length) {
        w.table(
          [
            { title: 'Region', width: 0.1, align: 'right' },
            { title: 'Place (x, y, w×h)', width: 0.3, style: 'mono' },
            { title: 'Share of map', width: 0.15, align: 'right' },
            { title: 'Blocks', width: 0.1, align: 'right' },
            { title: 'Correlation / predicted', width: 0.35, align: 'right' },
          ],
          m.regions.slice(0, 12).map((r, i) => [String(i + 1), `${r.x}, ${r.y}, ${r.w}×${r.h}`, `${(r.areaShare * 100).toFixed(2)} %`, String(r.blocks), `${r.correlation.toFixed(3)} / ${r.predicted.toFixed(3)} (threshold ${m.threshold.toFixed(3)})`]),
        );
        if (m.regions.length > 12) w.paragraph(`The 12 largest of ${m.regions.length} regions are listed; all are kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
      }
      w.paragraph(
        `The sensor-noise map (${m.method}; Chen, Fridrich, Goljan & Lukáš 2008) correlates the picture’s noise residual with the fingerprint of “${m.cameraName}” in ${m.block}-pixel blocks and compares each block with two references estimated from the picture itself: the correlation with the fingerprint displaced (no camera noise; the threshold is its mean plus three deviations) and the correlation an authentic block with that content is predicted to show. A block predicted well above the threshold but found below it lacks the camera’s noise: content pasted in, cloned from elsewhere in the frame, or painted over. Dark, saturated, busy or strongly compressed blocks cannot be judged; regions under a block’s size are not found; the map covers the fingerprint’s central area only. It does not enter the probability; a region found keeps the picture out of the authentic band.`,
        { size: 8.5, color: COLORS.muted },
      );
      const art = m.artifact ? d.artifacts.find((a) => a.key === m.artifact) : undefined;
      if (art) await picturePair(w, input, [art.key], [`Sensor-noise map · ${art.width}×${art.height} · warm: the camera’s noise missing; boxes: regions`], 560, 220);
    }
    w.paragraph(
      'The picture’s sensor-noise residual was correlated with each camera fingerprint of its size in the library at the time of the analysis, or, for a picture that is a camera’s whole frame resized smaller, with that fingerprint averaged to the picture’s scale (peak-to-correlation energy, PCE; Goljan, Fridrich & Filler 2009). A match is strong evidence the picture came from that camera; no match does not prove it did not: heavy compression, resizing, strong denoising or a weak fingerprint hide the noise.',
      { size: 8.5, color: COLORS.muted },
    );
  }

  const colorOf = new Map([...d.faceTracks].sort((a, b) => a.trackId - b.trackId).map((t, i) => [t.trackId, trackColor(i)]));
  const duration = d.media?.durationSec ?? Math.max(0, ...d.frames.map((f) => f.timeSec));
  w.heading(`Faces (${d.faceTracks.length} track${d.faceTracks.length === 1 ? '' : 's'})`, 2);
  if (!d.faceTracks.length) w.paragraph('No face was found in the sampled frames, so the face-manipulation models had nothing to judge.');
  else {
    const video = d.kind === 'video';
    const tracks = [...d.faceTracks].sort((a, b) => a.trackId - b.trackId);
    w.table(
      [
        { title: 'Track', width: 0.08, align: 'right' },
        { title: 'Faces scored', width: 0.11, align: 'right' },
        { title: video ? 'Seen (s)' : 'Box', width: 0.17 },
        { title: 'Mean', width: 0.1, align: 'right' },
        { title: 'Max', width: 0.1, align: 'right' },
        { title: 'Track verdict', width: video ? 0.2 : 0.44, color: (r) => bandColor(tracks[r]!.band) },
        ...(video ? [{ title: 'Score over time', width: 0.24 }] : []),
      ],
      tracks.map((t) => {
        const s = trackStats(t);
        const o = t.observations[0];
        const row: (string | ((x: number, y: number, cw: number, ch: number) => void))[] = [
          String(t.trackId),
          `${t.observations.length - s.failed}${s.failed ? ` (+${s.failed} failed)` : ''}`,
          video ? `${s.first.toFixed(1)}–${s.last.toFixed(1)}` : o ? `${Math.round(o.box.w)}×${Math.round(o.box.h)} at ${Math.round(o.box.x)},${Math.round(o.box.y)}` : '—',
          pct(s.mean),
          pct(s.max),
          `${bandLabel(t.band)} (${pct(t.probability)})`,
        ];
        if (video) row.push((x, y, cw, ch) => drawSparkline(w.doc, { x, y, w: cw, h: ch }, t.observations.map((ob) => ({ t: ob.timeSec, p: ob.probability })), duration, d.verdict.thresholds, colorOf.get(t.trackId) ?? COLORS.ink));
        return row;
      }),
      { minRowHeight: video ? 14 : 0 },
    );
  }

  if (d.kind === 'video' && d.frames.length) {
    w.ensure(270);
    w.heading('Score over time', 2);
    const series: Series[] = [...d.faceTracks]
      .sort((a, b) => (b.probability ?? -1) - (a.probability ?? -1))
      .slice(0, LIMITS.trackLinesInChart)
      .map((t) => ({ label: `Track ${t.trackId}`, points: t.observations.map((o) => ({ t: o.timeSec, p: o.probability })), color: colorOf.get(t.trackId) ?? COLORS.muted, width: 0.7 }));
    series.push({ label: 'Highest face score per frame', points: d.frames.map((f) => ({ t: f.timeSec, p: f.probability })), color: COLORS.ink, width: 1.6 });
    w.ensure(230);
    drawTimeline(w.doc, w.rt, { x: w.x, y: w.y, w: w.width, h: 190 }, series, d.verdict.thresholds, duration || 1);
    w.y += 194;
    drawLegend(w, series);
    const extra = d.faceTracks.length > LIMITS.trackLinesInChart ? ` Thin lines: the ${LIMITS.trackLinesInChart} highest-scoring tracks (of ${d.faceTracks.length}); every track is in the table above.` : ' Thin coloured lines: individual face tracks.';
    w.paragraph(`Black line: the highest calibrated face score in each sampled frame (gaps: no face or a failed score). Shading: green below ${d.verdict.thresholds.authentic.toFixed(2)}, amber inconclusive, red at or above ${d.verdict.thresholds.manipulated.toFixed(2)}.${extra}`, { size: 8, color: COLORS.muted });
  }

  const keyFrames = d.frames
    .filter((f) => f.keyframeArtifact)
    .sort((a, b) => (b.probability ?? -1) - (a.probability ?? -1))
    .slice(0, LIMITS.keyFrames)
    .sort((a, b) => a.index - b.index);
  if (keyFrames.length) {
    w.heading(d.kind === 'video' ? 'Key frames and heatmaps' : 'Image and heatmap', 2);
    if (d.kind === 'video' && d.frames.filter((f) => f.keyframeArtifact).length > keyFrames.length) w.paragraph(`The ${keyFrames.length} highest-scoring frames are shown, in time order. Heatmaps mark the regions that most influenced the score; they show where the model looked, not proof of where an edit is.`, { size: 8.5, color: COLORS.muted });
    const single = keyFrames.length === 1;
    for (let i = 0; i < keyFrames.length; i += single ? 1 : 2) {
      const row = keyFrames.slice(i, i + 2);
      const keys = row.flatMap((f) => [f.keyframeArtifact, f.heatmapArtifact]);
      const caps = row.flatMap((f) => [d.kind === 'video' ? `Frame ${f.index} at ${seconds(f.timeSec)} · ${f.faceCount} face(s) · highest ${pct(f.probability)}` : `Image · ${f.faceCount} face(s) · highest ${pct(f.probability)}`, 'heatmap']);
      await picturePair(w, input, keys, caps, single ? 560 : 320, single ? 170 : 86);
    }
  }

  const pictured = [...d.faceTracks].sort((a, b) => (b.probability ?? -1) - (a.probability ?? -1)).slice(0, LIMITS.faceTracksPictured);
  const withCrops = pictured.map((t) => ({ t, o: bestObservation(t) })).filter((x) => x.o);
  if (withCrops.length) {
    w.heading('Face crops', 2);
    w.paragraph(`For each track, the face with the highest score and its heatmap${d.faceTracks.length > pictured.length ? ` (the ${pictured.length} highest-scoring of ${d.faceTracks.length} tracks)` : ''}.`, { size: 8.5, color: COLORS.muted });
    // What the face heatmaps show, once per model (stored with each heatmap by the engine).
    const notes = [...new Set(withCrops.map(({ o }) => d.artifacts.find((a) => a.key === o!.heatmapArtifact)?.note).filter((n): n is string => Boolean(n)))];
    if (notes.length) w.paragraph(`Heatmaps — ${notes.join(' ')}`, { size: 8.5, color: COLORS.muted });
    for (let i = 0; i < withCrops.length; i += 3) {
      const row = withCrops.slice(i, i + 3);
      const keys = row.flatMap(({ o }) => [o!.faceArtifact, o!.heatmapArtifact]);
      const caps = row.flatMap(({ t, o }) => [`Track ${t.trackId}${d.kind === 'video' ? ` · ${o!.timeSec.toFixed(1)} s` : ''}`, `score ${pct(o!.probability)}`]);
      await picturePair(w, input, keys, caps, 200, 78);
    }
  }

  const allLayers = d.artifacts.filter((a) => a.kind === 'ela' || a.kind === 'noise' || a.kind === 'overlay');
  const layers = allLayers.slice(0, LIMITS.forensicLayers);
  if (layers.length) {
    w.heading('Forensic layers', 2);
    if (allLayers.length > layers.length) w.paragraph(`The first ${layers.length} of ${allLayers.length} layers are shown; all are kept with the analysis record.`, { size: 8.5, color: COLORS.muted });
    const kinds = [...new Set(layers.map((l) => l.kind))];
    w.paragraph(kinds.map((k) => LAYER_TEXT[k] ?? k).join(' '), { size: 8.5, color: COLORS.muted });
    for (let i = 0; i < layers.length; i += 2) {
      const row = layers.slice(i, i + 2);
      await picturePair(w, input, row.map((l) => l.key), row.map((l) => `${l.kind.toUpperCase()}${l.frameIndex !== undefined ? ` · frame ${l.frameIndex}` : ''} · ${l.width}×${l.height}`), 560, 150);
    }
  }
}
