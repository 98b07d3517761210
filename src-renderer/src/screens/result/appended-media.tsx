/** A second file inside the evidence (appended after its end): what and where it is, a picture of each frame analysed and what the models read there. */
import type { Detection } from '../../../../src-shared/domain/detection';
import { article, formatName } from '../../../../src-shared/domain/media';
import { ApartVerdict, MediaFrame } from './hidden-media';

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`);

export function AppendedMediaPanel({ d }: { d: Detection }) {
  const c = d.appendedMedia;
  if (!c) return null;
  const what =
    c.kind === 'video'
      ? `${article(formatName(c.format))} ${formatName(c.format)} video${c.durationSec !== null ? ` of ${c.durationSec.toFixed(2)} s` : ''}${c.width ? `, ${c.width}×${c.height}` : ''}`
      : c.kind === 'image'
        ? `${article(formatName(c.format))} ${formatName(c.format)} picture${c.width ? `, ${c.width}×${c.height}` : ''}`
        : 'data MediaGuard could not read as media';
  return (
    <div data-testid="appended-media">
      <p className="warn">
        From byte {c.offset} on, the file holds {what} ({size(c.bytes)}): {c.foundAs}. Players and viewers show the first file only (a phone’s gallery may play a motion photo’s video).
      </p>
      <p className="muted small">SHA-256 of the appended bytes: <code>{c.sha256}</code></p>
      <ApartVerdict testId="appended-media-verdict" c={c} what="the file's own frames" />
      {c.frames.length > 0 && (
        <div className="hidden-frames">
          {c.frames.map((f) => (
            <MediaFrame key={f.artifact ?? f.mediaSec} id={d.id} f={f} testId="appended-frame" alt={c.kind === 'video' ? `Appended video at ${f.mediaSec.toFixed(2)} s` : 'Appended picture'} caption={c.kind === 'video' ? 'of the appended video' : null} />
          ))}
        </div>
      )}
      {c.frames.length > 0 && <p className="muted small">{c.note}</p>}
    </div>
  );
}
