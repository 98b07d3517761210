/** One analysis in full: verdict, evidence viewer, faces, timeline, layers, metadata, models, annotations. */
import { useEffect, useMemo, useState } from 'react';
import type { Detection } from '../../../../src-shared/domain/detection';
import { ErrorState, Loading } from '../../components/states';
import { releaseArtifacts } from '../../lib/artifacts';
import { exportReport } from '../../lib/export-report';
import { pct, timecode, when } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { useNav } from '../../stores/nav-store';
import { AnnotationsPanel } from './annotations-panel';
import { FaceGallery } from './face-gallery';
import { ForensicLayers } from './forensic-layers';
import { HeatmapViewer, type BoxLabel } from './heatmap-viewer';
import { IdentityPanel, MetadataPanel, ModelsPanel } from './metadata-panel';
import { TimelineChart } from './timeline-chart';
import { VerdictBand } from './verdict-band';

function defaultFrame(d: Detection): number | null {
  if (d.frames.length === 0) return null;
  return [...d.frames].sort((a, b) => (b.probability ?? -1) - (a.probability ?? -1))[0]!.index;
}

function evidenceFor(d: Detection, frameIndex: number | null) {
  const frame = d.frames.find((f) => f.index === frameIndex);
  const byKind = (kind: string) => d.artifacts.find((a) => a.kind === kind && (frameIndex === null || a.frameIndex === undefined || a.frameIndex === frameIndex))?.key;
  const baseKey = frame?.keyframeArtifact ?? byKind('keyframe');
  const heatmapKey = frame?.heatmapArtifact ?? byKind('heatmap') ?? d.imageScores.find((s) => s.heatmapArtifact)?.heatmapArtifact;
  const boxes: BoxLabel[] = [];
  for (const t of d.faceTracks) {
    for (const o of t.observations) {
      if (o.frameIndex === frameIndex || (frameIndex === null && d.kind === 'image')) boxes.push({ box: o.box, label: `Face ${t.trackId + 1} · ${pct(o.probability, 0)}`, band: t.band });
    }
  }
  const caption = d.kind === 'video' && frame ? `Frame ${frame.index} at ${timecode(frame.timeSec)} · frame score ${pct(frame.probability)}` : d.file.name;
  return { baseKey, heatmapKey, boxes, caption };
}

function Section({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <section className="panel" aria-labelledby={`sec-${id}`} data-testid={`section-${id}`}>
      <h2 id={`sec-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

function Loaded({ initial }: { initial: Detection }) {
  const [d, setD] = useState(initial);
  const [frame, setFrame] = useState<number | null>(() => defaultFrame(initial));
  const go = useNav((s) => s.go);
  const ev = useMemo(() => evidenceFor(d, frame), [d, frame]);
  const w = d.media?.width ?? 1;
  const h = d.media?.height ?? 1;
  const select = (i: number) => {
    setFrame(i);
    document.getElementById('evidence')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  return (
    <>
      <header className="screen-head">
        <button type="button" className="btn btn-ghost" onClick={() => go({ name: 'history' })}>
          ← History
        </button>
        <div className="grow">
          <h1 id="h-result" className="ellipsis">
            {d.file.name}
          </h1>
          <p className="muted small">
            {d.kind} · analysed {when(d.createdAt)} by {d.ownerName}
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => void exportReport(d.id)} data-testid="export-report">
          Export PDF report…
        </button>
      </header>
      <VerdictBand d={d} />
      <div className="result-grid" id="evidence">
        <div className="panel">
          <h2>Evidence</h2>
          <HeatmapViewer id={d.id} baseKey={ev.baseKey} heatmapKey={ev.heatmapKey} width={w} height={h} boxes={ev.boxes} caption={ev.caption} />
        </div>
        <div className="panel">
          <h2>Faces</h2>
          <FaceGallery d={d} onSelect={select} />
        </div>
      </div>
      {d.kind === 'video' && (
        <Section title="Timeline" id="timeline">
          {d.frames.length === 0 ? <p className="muted">No frames were scored.</p> : <TimelineChart d={d} selected={frame} onSelect={select} />}
        </Section>
      )}
      <Section title="Forensic layers" id="layers">
        <ForensicLayers d={d} frameIndex={frame} />
      </Section>
      <div className="grid-2">
        <Section title="File and hashes" id="file">
          <IdentityPanel d={d} />
        </Section>
        <Section title="Metadata" id="metadata">
          <MetadataPanel d={d} />
        </Section>
      </div>
      <Section title="Models" id="models">
        <ModelsPanel d={d} />
      </Section>
      <Section title="Annotations" id="annotations">
        <AnnotationsPanel d={d} onSaved={setD} />
      </Section>
      {d.reports.length > 0 && (
        <Section title="Exported reports" id="reports">
          <ul className="plain">
            {d.reports.map((r) => (
              <li key={r.id} className="mono small">
                {when(r.createdAt)} · {r.path} · SHA-256 {r.sha256}
              </li>
            ))}
          </ul>
        </Section>
      )}
    </>
  );
}

/** The result screen for record `id`. */
export function ResultScreen({ id }: { id: string }) {
  const rec = useCall('history:get', { id }, id);
  useEffect(() => () => releaseArtifacts(id), [id]);
  return (
    <section className="screen" data-testid="screen-result" aria-labelledby="h-result">
      {rec.status === 'error' && <ErrorState error={rec.error} onRetry={rec.reload} />}
      {rec.status === 'loading' && !rec.value && <Loading minHeight={480} label="Loading the result…" />}
      {rec.value && <Loaded key={rec.value.id} initial={rec.value} />}
    </section>
  );
}
