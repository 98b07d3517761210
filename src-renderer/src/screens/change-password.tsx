/** Change password: forced after an admin reset, and from the account screen. */
import { useState, type FormEvent } from 'react';
import { PASSWORD_RULES } from '../../../src-shared/domain/user';
import { Field } from '../components/field';
import { FormError } from '../components/states';
import { passwordProblem } from '../lib/password';
import { useSession } from '../stores/session-store';
import { AuthLayout } from './auth-layout';

/** The form itself; `onDone` runs after a successful change. */
export function ChangePasswordForm({ onDone, submitLabel = 'Change password' }: { onDone?: () => void; submitLabel?: string }) {
  const changePassword = useSession((s) => s.changePassword);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = !current ? 'Enter your current password.' : passwordProblem(next, confirm) ?? (next === current ? 'Choose a password different from the current one.' : null);
    if (problem) return setError(problem);
    setBusy(true);
    const res = await changePassword(current, next);
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setCurrent('');
    setNext('');
    setConfirm('');
    setError(null);
    onDone?.();
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="change-password-form">
      <Field label="Current password" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" />
      <Field label="New password" type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" hint={PASSWORD_RULES.description} />
      <Field label="Repeat new password" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" />
      <FormError error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}

/** The gate shown when the account must choose a new password. */
export function ForcedPasswordChange() {
  const { session, logout } = useSession();
  return (
    <AuthLayout
      testId="forced-password-change"
      title="Choose a new password"
      subtitle={`${session?.user.displayName ?? 'Your account'} has a temporary password set by an administrator. Choose your own before continuing.`}
    >
      <ChangePasswordForm submitLabel="Save and continue" />
      <button type="button" className="btn btn-ghost btn-block" onClick={() => void logout()}>
        Sign out
      </button>
    </AuthLayout>
  );
}
