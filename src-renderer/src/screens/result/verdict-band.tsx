/** The verdict band: the answer first, then the score, the explanation and the warnings. */
import type { Detection } from '../../../../src-shared/domain/detection';
import { BAND_LABEL, pct } from '../../lib/format';

/** The top band of the result. An investigator override is shown as such, beside the model's verdict. */
export function VerdictBand({ d }: { d: Detection }) {
  const override = [...d.annotations].reverse().find((a) => a.override)?.override;
  const v = d.verdict;
  const shown = override?.band ?? v.band;
  return (
    <div className={`verdict band-${shown}`} data-testid="verdict-band" data-band={shown}>
      <div className="verdict-main">
        <div>
          <p className="verdict-label">{override ? 'Investigator verdict' : 'Verdict'}</p>
          <p className="verdict-band" data-testid="verdict-label">
            {BAND_LABEL[shown]}
          </p>
          {override && (
            <p className="verdict-override" data-testid="verdict-override">
              Overridden by an investigator — model said <strong>{BAND_LABEL[v.band]}</strong>. Reason: {override.reason}
            </p>
          )}
        </div>
        <div className="verdict-score">
          <p className="verdict-label">Calibrated probability of manipulation</p>
          <p className="verdict-number" data-testid="verdict-score">
            {pct(v.probability)}
          </p>
          <div className="scale" aria-hidden="true">
            <div className="scale-seg seg-a" style={{ width: `${v.thresholds.authentic * 100}%` }} />
            <div className="scale-seg seg-i" style={{ width: `${(v.thresholds.manipulated - v.thresholds.authentic) * 100}%` }} />
            <div className="scale-seg seg-m" />
            {v.probability !== null && <div className="scale-mark" style={{ left: `${v.probability * 100}%` }} />}
          </div>
          <p className="muted small">
            authentic below {pct(v.thresholds.authentic, 0)} · manipulated from {pct(v.thresholds.manipulated, 0)}
          </p>
        </div>
      </div>
      <p className="verdict-explanation" data-testid="verdict-explanation">
        {v.explanation}
      </p>
      {d.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings" data-testid="warnings">
          {d.warnings.map((w, i) => (
            <li key={`${w.code}-${i}`} data-code={w.code}>
              <strong>{w.code.replaceAll('_', ' ').toLowerCase()}:</strong> {w.message}
            </li>
          ))}
        </ul>
      )}
      {d.error && (
        <p className="form-error" role="alert">
          {d.error.message}
        </p>
      )}
    </div>
  );
}
