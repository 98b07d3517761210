/** Sign in, with a live countdown while an account is locked out. */
import { useEffect, useState, type FormEvent } from 'react';
import { Field } from '../components/field';
import { FormError } from '../components/states';
import { duration } from '../lib/format';
import { lockoutSeconds } from '../lib/password';
import { useSession } from '../stores/session-store';
import { AuthLayout } from './auth-layout';

/** The login form. */
export function Login() {
  const { login, notice } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (lockedUntil === null) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [lockedUntil]);

  const remaining = lockedUntil === null ? 0 : Math.max(0, Math.ceil((lockedUntil - now) / 1000));
  useEffect(() => {
    if (lockedUntil !== null && remaining === 0) {
      setLockedUntil(null);
      setError(null);
    }
  }, [remaining, lockedUntil]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) return setError('Enter your username and password.');
    setBusy(true);
    const res = await login(username.trim(), password);
    setBusy(false);
    if (res.ok) return;
    setPassword('');
    setError(res.error.message);
    if (res.error.code === 'LOCKED') {
      const secs = lockoutSeconds(res.error.details);
      if (secs !== null && secs > 0) {
        setNow(Date.now());
        setLockedUntil(Date.now() + secs * 1000);
      }
    } else setLockedUntil(null);
  };

  const locked = lockedUntil !== null && remaining > 0;
  return (
    <AuthLayout testId="login" title="Sign in">
      {notice && (
        <p className="notice" role="status" data-testid="login-notice">
          {notice}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus />
        <Field label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        <FormError error={error} />
        {locked && (
          <p className="lockout" role="timer" aria-live="off" data-testid="lockout-countdown">
            Locked — try again in <strong>{duration(remaining)}</strong>
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || locked}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted small">Forgot your password? An administrator can reset it.</p>
    </AuthLayout>
  );
}
