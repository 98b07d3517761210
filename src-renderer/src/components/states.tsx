/** Loading, empty and error states: every screen shows one of these instead of nothing. */
import type { ReactNode } from 'react';
import type { AppErrorShape } from '../../../src-shared/result';
import { describeError } from '../api';

/** A quiet placeholder of fixed height while data loads (no layout jump when it arrives). */
export function Loading({ label = 'Loading…', minHeight }: { label?: string; minHeight?: number }) {
  return (
    <div className="state state-loading" aria-busy="true" role="status" style={minHeight ? { minHeight } : undefined}>
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      <p className="state-title">{title}</p>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}

/** A failed call: what went wrong, what to do, and a retry when it makes sense. */
export function ErrorState({ error, onRetry, compact }: { error: AppErrorShape; onRetry?: () => void; compact?: boolean }) {
  const { title, hint } = describeError(error);
  return (
    <div className={`state state-error${compact ? ' compact' : ''}`} role="alert" data-testid="error-state" data-code={error.code}>
      <p className="state-title">{title}</p>
      {hint && <p className="state-body">{hint}</p>}
      {onRetry && error.code !== 'UNKNOWN_CHANNEL' && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Inline form error (empty when there is none, so the form does not jump). */
export function FormError({ error, id }: { error: string | null; id?: string }) {
  return (
    <p className="form-error" role={error ? 'alert' : undefined} id={id} data-testid="form-error">
      {error ?? ''}
    </p>
  );
}
