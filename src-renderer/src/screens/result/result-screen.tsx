/** One analysis in full: verdict, evidence viewer, faces, timeline, layers, metadata, models, annotations. */
import { useEffect, useMemo, useState } from 'react';
import type { Detection } from '../../../../src-shared/domain/detection';
import { ErrorState, Loading } from '../../components/states';
import { releaseArtifacts } from '../../lib/artifacts';
import { ExportReportButton } from '../../components/export-report-button';
import { stateLabel, when } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { useNav } from '../../stores/nav-store';
import { useQueue } from '../../stores/queue-store';
import { AnnotationsPanel } from './annotations-panel';
import { FaceGallery } from './face-gallery';
import { ForensicLayers } from './forensic-layers';
import { AppendedMediaPanel } from './appended-media';
import { HiddenMediaPanel } from './hidden-media';
import { SourceCameraPanel } from './source-camera';
import { HeatmapViewer } from './heatmap-viewer';
import { defaultView, evidenceFor, frameView, type EvidenceView } from './evidence';
import { IdentityPanel, MetadataPanel, ModelsPanel } from './metadata-panel';
import { TimelineChart } from './timeline-chart';
import { VerdictBand } from './verdict-band';

function Section({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <section className="panel" aria-labelledby={`sec-${id}`} data-testid={`section-${id}`}>
      <h2 id={`sec-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

/** A record whose analysis stopped before it had a result (the app quit, or it failed): no verdict, no report; re-run it. */
function Unfinished({ d }: { d: Detection }) {
  const rerunRecord = useQueue((s) => s.rerun);
  const go = useNav((s) => s.go);
  const [busy, setBusy] = useState(false);
  const rerun = async () => {
    setBusy(true);
    await rerunRecord(d.id, d.file.name);
    go({ name: 'analyse' });
  };
  return (
    <div className="panel" role="status" data-testid="unfinished">
      <p>
        <span className={`pill pill-${d.status}`}>{stateLabel(d.status)}</span> This analysis did not finish, so it has no verdict, evidence or hashes, and no report can be exported from it.
      </p>
      {d.file.path && (
        <p>
          <button type="button" className="btn btn-primary" onClick={() => void rerun()} disabled={busy} data-testid="rerun">
            Re-run the analysis
          </button>{' '}
          <span className="muted small mono">{d.file.path}</span>
        </p>
      )}
    </div>
  );
}

function Loaded({ initial }: { initial: Detection }) {
  const [d, setD] = useState(initial);
  const go = useNav((s) => s.go);
  const unfinished = d.status !== 'done' && d.status !== 'queued' && d.status !== 'running';
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
        {d.status === 'done' && <ExportReportButton detectionId={d.id} fileName={d.file.name} primary />}
      </header>
      {unfinished && <Unfinished d={d} />}
      <VerdictBand d={d} />
      {unfinished ? (
        // Nothing was measured: no evidence, hashes, metadata or models to show; notes may still be kept.
        <Section title="Annotations" id="annotations">
          <AnnotationsPanel d={d} onSaved={setD} />
        </Section>
      ) : (
        <Measured d={d} setD={setD} />
      )}
    </>
  );
}

/** Everything a finished analysis measured. */
function Measured({ d, setD }: { d: Detection; setD: (d: Detection) => void }) {
  const [view, setView] = useState<EvidenceView>(() => defaultView(d));
  const ev = useMemo(() => evidenceFor(d, view), [d, view]);
  const select = (v: EvidenceView) => {
    setView(v);
    document.getElementById('evidence')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  return (
    <>
      <div className="result-grid" id="evidence">
        <div className="panel">
          <div className="panel-head">
            <h2>Evidence</h2>
            <div className="segmented" role="group" aria-label="What to show">
              <button type="button" className={`btn btn-small${view.kind === 'frame' ? ' active' : ''}`} aria-pressed={view.kind === 'frame'} onClick={() => setView(frameView(d))} data-testid="show-whole">
                {d.kind === 'video' ? 'Key frame' : 'Whole image'}
              </button>
              <button
                type="button"
                className={`btn btn-small${view.kind === 'face' ? ' active' : ''}`}
                aria-pressed={view.kind === 'face'}
                disabled={d.faceTracks.length === 0}
                onClick={() => {
                  const v = defaultView(d);
                  const t = d.faceTracks[0];
                  setView(v.kind === 'face' ? v : t ? { kind: 'face', trackId: t.trackId, frameIndex: null } : v);
                }}
                data-testid="show-face"
              >
                Faces
              </button>
            </div>
          </div>
          <HeatmapViewer id={d.id} baseKey={ev.baseKey} heatmapKey={ev.heatmapKey} heatmapNote={ev.heatmapNote} width={ev.width} height={ev.height} caption={ev.caption} note={ev.note} />
        </div>
        <div className="panel">
          <h2>Faces</h2>
          <FaceGallery d={d} selected={view.kind === 'face' ? view.trackId : null} onSelect={(trackId, frameIndex) => select({ kind: 'face', trackId, frameIndex })} />
        </div>
      </div>
      {d.kind === 'video' && (
        <Section title="Timeline" id="timeline">
          {d.frames.length === 0 ? <p className="muted">No frames were scored.</p> : <TimelineChart d={d} selected={view.frameIndex} onSelect={(frameIndex, trackId) => select(trackId === null ? { kind: 'frame', frameIndex } : { kind: 'face', trackId, frameIndex })} />}
        </Section>
      )}
      {d.hiddenMedia && (
        <Section title="Hidden by the edit list" id="hidden-media">
          <HiddenMediaPanel d={d} />
        </Section>
      )}
      {d.appendedMedia && (
        <Section title="Appended to the file" id="appended-media">
          <AppendedMediaPanel d={d} />
        </Section>
      )}
      {d.sourceCamera && (
        <Section title="Source camera" id="source-camera">
          <SourceCameraPanel d={d} />
        </Section>
      )}
      <Section title="Forensic layers" id="layers">
        <ForensicLayers d={d} />
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
