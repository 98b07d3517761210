/** First run: create the first admin account. */
import { useState, type FormEvent } from 'react';
import { PASSWORD_RULES } from '../../../src-shared/domain/user';
import { Field } from '../components/field';
import { FormError } from '../components/states';
import { passwordProblem, usernameProblem } from '../lib/password';
import { useSession } from '../stores/session-store';
import { AuthLayout } from './auth-layout';
import { useAppStore } from '../store';

/** Setup form for the first administrator. */
export function FirstRun() {
  const setup = useSession((s) => s.setup);
  const dataDir = useAppStore((s) => s.info?.dataDir);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = usernameProblem(username.trim()) ?? passwordProblem(password, confirm);
    if (problem) return setError(problem);
    setBusy(true);
    const res = await setup(username.trim(), displayName.trim(), password);
    setBusy(false);
    if (!res.ok) setError(res.error.message);
  };

  return (
    <AuthLayout testId="first-run" title="Set up MediaGuard" subtitle="Create the administrator account. Administrators manage accounts, settings and the audit log.">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus required />
        <Field label="Display name (optional)" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <Field label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" hint={PASSWORD_RULES.description} required />
        <Field label="Repeat password" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" required />
        <FormError error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
      {dataDir && (
        <p className="muted small">
          Evidence, history and the audit log are kept in <span className="mono breakable">{dataDir}</span>
        </p>
      )}
    </AuthLayout>
  );
}
