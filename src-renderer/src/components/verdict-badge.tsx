/** The verdict band as a coloured pill (colour is never the only cue: the label says it). */
import type { VerdictBand } from '../../../src-shared/domain/detection';
import { BAND_LABEL, pct } from '../lib/format';

/** A compact band pill, optionally with the score. */
export function VerdictBadge({ band, probability, overridden }: { band: VerdictBand; probability?: number | null; overridden?: boolean }) {
  return (
    <span className={`badge band-${band}`} data-band={band}>
      {BAND_LABEL[band]}
      {probability !== undefined && probability !== null && <span className="badge-score">{pct(probability)}</span>}
      {overridden && <span className="badge-flag" title="Verdict overridden by an investigator">overridden</span>}
    </span>
  );
}
