/** Dialogs for creating an account and resetting a password. */
import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../src-shared/roles';
import { PASSWORD_RULES } from '../../../../src-shared/domain/user';
import { call } from '../../api';
import { Field } from '../../components/field';
import { Modal, ModalActions } from '../../components/modal';
import { FormError } from '../../components/states';
import { passwordProblem, usernameProblem } from '../../lib/password';

/** Create an account; the user must change the password at first sign-in. */
export function CreateAccountDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = usernameProblem(username.trim()) ?? passwordProblem(password, password);
    if (problem) return setError(problem);
    setBusy(true);
    const res = await call('admin:users:create', displayName.trim() ? { username: username.trim(), displayName: displayName.trim(), role, password } : { username: username.trim(), role, password });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    onCreated();
  };
  return (
    <Modal title="New account" onClose={onClose} testId="create-account">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        <Field label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <Field label="Temporary password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" hint={`${PASSWORD_RULES.description} The user chooses their own at first sign-in.`} />
        <FormError error={error} />
        <ModalActions actionLabel="Create account" onCancel={onClose} busy={busy} />
      </form>
    </Modal>
  );
}

/** Set a temporary password for an account. */
export function ResetPasswordDialog({ id, name, onClose, onDone }: { id: string; name: string; onClose: () => void; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = passwordProblem(password, password);
    if (problem) return setError(problem);
    setBusy(true);
    const res = await call('admin:users:resetPassword', { id, newPassword: password });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    onDone();
  };
  return (
    <Modal title={`Reset the password of ${name}`} onClose={onClose} testId="reset-password">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted">{name} will have to choose a new password at the next sign-in. Their current session ends.</p>
        <Field label="Temporary password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
        <FormError error={error} />
        <ModalActions actionLabel="Reset password" onCancel={onClose} busy={busy} />
      </form>
    </Modal>
  );
}
