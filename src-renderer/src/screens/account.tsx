/** Account: who you are, change your password, sign out. */
import { useState } from 'react';
import { when } from '../lib/format';
import { useSession } from '../stores/session-store';
import { ChangePasswordForm } from './change-password';

/** The account screen. */
export function Account() {
  const { session, logout } = useSession();
  const [changed, setChanged] = useState(false);
  if (!session) return null;
  const u = session.user;
  return (
    <section className="screen narrow" data-testid="screen-account" aria-labelledby="h-account">
      <header className="screen-head">
        <h1 id="h-account">Account</h1>
      </header>
      <div className="panel">
        <dl className="facts">
          <dt>Name</dt>
          <dd>{u.displayName}</dd>
          <dt>Username</dt>
          <dd>{u.username}</dd>
          <dt>Role</dt>
          <dd>{u.role}</dd>
          <dt>Signed in</dt>
          <dd>{when(session.startedAt)}</dd>
          <dt>Idle sign-out</dt>
          <dd>after {Math.round(session.idleTimeoutSec / 60)} minutes without activity</dd>
        </dl>
      </div>
      <div className="panel">
        <h2>Change password</h2>
        {changed && (
          <p className="ok-text" role="status" data-testid="password-changed">
            Password changed.
          </p>
        )}
        <ChangePasswordForm onDone={() => setChanged(true)} />
      </div>
      <div className="panel">
        <h2>Sign out</h2>
        <p className="muted">Signing out returns this window to the sign-in screen. Running analyses continue.</p>
        <button type="button" className="btn" onClick={() => void logout()}>
          Sign out
        </button>
      </div>
    </section>
  );
}
