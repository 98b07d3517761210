/** The centred card the sign-in gates share. */
import type { ReactNode } from 'react';
import { useAppStore } from '../store';

/** Brand header plus a card. */
export function AuthLayout({ title, subtitle, children, testId }: { title: string; subtitle?: ReactNode; children: ReactNode; testId: string }) {
  const info = useAppStore((s) => s.info);
  return (
    <main className="auth" data-testid={testId}>
      <div className="auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">MediaGuard</span>
        </div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
        {children}
      </div>
      <p className="auth-foot muted">
        MediaGuard <span data-testid="app-version">{info?.version ?? ''}</span> · offline media forensics · everything stays on this computer
      </p>
    </main>
  );
}
