/** The file's identity (hashes with copy buttons), media facts, metadata highlights, flags and raw tags. */
import type { Detection, ImageScore } from '../../../../src-shared/domain/detection';
import { CopyButton, HashCell } from '../../components/copy-button';
import { BAND_LABEL, bytes, duration, pct } from '../../lib/format';

function Row({ label, value, copy }: { label: string; value: string; copy?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={copy ? 'mono with-copy' : undefined}>
        <span className={copy ? 'breakable' : undefined}>{value}</span>
        {copy && <CopyButton value={value} label={label} />}
      </dd>
    </>
  );
}

/** Hashes and media facts. */
export function IdentityPanel({ d }: { d: Detection }) {
  const m = d.media;
  return (
    <dl className="facts" data-testid="hashes">
      <Row label="File" value={d.file.name} />
      <Row label="Path" value={d.file.path} copy />
      <Row label="Size" value={bytes(d.file.sizeBytes)} />
      <Row label="SHA-256" value={d.file.hashes.sha256} copy />
      <Row label="SHA-1" value={d.file.hashes.sha1} copy />
      <Row label="MD5" value={d.file.hashes.md5} copy />
      {m && (
        <>
          <Row label="Format" value={`${m.format} (${m.mime})${d.file.extensionMismatch ? ` — extension says .${d.file.claimedExtension}` : ''}`} />
          <Row label="Dimensions" value={`${m.width} × ${m.height}${m.rotation ? `, rotated ${m.rotation}°` : ''}`} />
          {m.durationSec !== null && <Row label="Duration" value={duration(m.durationSec)} />}
          {m.fps !== null && <Row label="Frame rate" value={`${m.fps.toFixed(2)} fps`} />}
          {m.videoCodec && <Row label="Video codec" value={m.videoCodec} />}
          {m.audioCodec && <Row label="Audio codec" value={m.audioCodec} />}
        </>
      )}
      {d.sampling && (
        <Row
          label="Frames analysed"
          value={`${d.sampling.frames.length} (${d.sampling.strategy.kind}, ${d.sampling.method}${d.sampling.fallbackReason ? ` — ${d.sampling.fallbackReason}` : ''})`}
        />
      )}
    </dl>
  );
}

/** Metadata highlights, flags and the raw groups behind them. */
export function MetadataPanel({ d }: { d: Detection }) {
  const md = d.metadata;
  if (!md) return <p className="muted">No metadata could be read from this file.</p>;
  return (
    <div data-testid="metadata">
      {md.flags.length > 0 && (
        <ul className="flags">
          {md.flags.map((f, i) => (
            // A code can occur twice (two date mismatches): the position keeps keys unique.
            <li key={`${i}-${f.code}`} className={`flag flag-${f.severity}`}>
              <span className="pill">{f.severity}</span> {f.message}
            </li>
          ))}
        </ul>
      )}
      {md.highlights.length > 0 ? (
        <dl className="facts">
          {md.highlights.map((h) => (
            <Row key={h.label} label={h.label} value={h.value} />
          ))}
          <Row label="Embedded thumbnail" value={md.hasEmbeddedThumbnail ? (md.thumbnailDiffers ? 'present — differs from the image' : 'present') : 'none'} />
        </dl>
      ) : (
        <p className="muted">No camera or editing metadata present.</p>
      )}
      {Object.entries(md.groups).map(([group, tags]) => (
        <details key={group} className="raw-tags">
          <summary>
            {group.toUpperCase()} <span className="muted">({Object.keys(tags).length} tags)</span>
          </summary>
          <dl className="facts small">
            {Object.entries(tags).map(([k, v]) => (
              <Row key={k} label={k} value={v} />
            ))}
          </dl>
        </details>
      ))}
    </div>
  );
}

/** What one model contributed to this record, in words, and whether the verdict rests on it. */
export function modelFinding(d: Detection, m: Detection['models'][number]): { said: string; decided: boolean } {
  const decidedBy = d.verdict.decidedBy;
  switch (m.task) {
    case 'face-detection': {
      const n = d.faceTracks.length;
      return { said: n ? `${n} face${n === 1 ? '' : 's'} located${d.kind === 'video' ? ' (tracks across frames)' : ''}` : 'no face found', decided: false };
    }
    case 'face-manipulation': {
      const judged = d.faceTracks.filter((t) => t.probability !== null);
      if (!judged.length) return { said: d.faceTracks.length ? 'no face large enough to judge' : 'no face to judge', decided: false };
      const top = judged.reduce((a, b) => (b.probability! > a.probability! ? b : a));
      const others = d.models.filter((x) => x.task === 'face-manipulation').length - 1;
      return {
        said: `most suspicious face ${pct(top.probability)} (${BAND_LABEL[top.band].toLowerCase()})${others > 0 ? `, averaged with ${others} other face model${others === 1 ? '' : 's'}` : ''}`,
        decided: decidedBy === 'faces' || decidedBy === 'combined',
      };
    }
    default: {
      const s = d.imageScores.find((x) => x.modelId === m.id);
      if (!s) return { said: '—', decided: false };
      if (s.probability === null) return { said: s.notJudged ? `not judged: ${s.notJudged}` : s.error ? `failed: ${s.error}` : 'no score', decided: false };
      const top = d.imageScores.reduce<ImageScore | null>((a, b) => (b.probability !== null && (!a || b.probability > a.probability!) ? b : a), null);
      return { said: `${pct(s.probability)} (${BAND_LABEL[s.band].toLowerCase()})${s.calibratedFor ? ` — ${s.calibratedFor}` : ''}`, decided: (decidedBy === 'generated-image' || decidedBy === 'combined') && top?.modelId === m.id };
    }
  }
}

/** The models (and tools) that produced the verdict, with what each said. */
export function ModelsPanel({ d }: { d: Detection }) {
  return (
    <div data-testid="models-used">
      {d.models.length === 0 ? (
        <p className="muted">No model ran on this file.</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Task</th>
              <th scope="col">What it said</th>
              <th scope="col">Version</th>
              <th scope="col">SHA-256</th>
              <th scope="col">Runtime</th>
            </tr>
          </thead>
          <tbody>
            {d.models.map((m) => {
              const f = modelFinding(d, m);
              return (
                <tr key={`${m.id}@${m.version}`} data-testid="model-row">
                  <td>{m.id}</td>
                  <td>{m.task}</td>
                  <td>
                    {f.said}
                    {f.decided && (
                      <>
                        {' '}
                        <span className="pill" title="The verdict rests on this model">
                          decided the verdict
                        </span>
                      </>
                    )}
                  </td>
                  <td>{m.version}</td>
                  <HashCell value={m.sha256} label={`${m.id} hash`} />
                  <td>{m.provider}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="muted small">
        MediaGuard {d.tools.appVersion} · {d.tools.executionProvider}
        {d.tools.ffmpeg && ` · ffmpeg ${d.tools.ffmpeg.version} (${d.tools.ffmpeg.source})`}
      </p>
    </div>
  );
}
