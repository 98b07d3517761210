/** Accounts: create, change role, lock/unlock, reset password, delete. */
import { useState } from 'react';
import type { PublicUser } from '../../../../src-shared/domain/user';
import { ROLES, type Role } from '../../../../src-shared/roles';
import { call } from '../../api';
import { ConfirmDialog } from '../../components/modal';
import { Empty, ErrorState, Loading } from '../../components/states';
import { when } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { useSession } from '../../stores/session-store';
import { toast } from '../../stores/toast-store';
import { CreateAccountDialog, ResetPasswordDialog } from './account-dialogs';

function status(u: PublicUser): string {
  if (u.adminLocked) return 'Locked by an admin';
  if (u.lockedUntil && Date.parse(u.lockedUntil) > Date.now()) return `Locked until ${when(u.lockedUntil)}`;
  if (u.mustChangePassword) return 'Must change password';
  return 'Active';
}

/** The accounts tab. */
export function Accounts() {
  const me = useSession((s) => s.session?.user.id);
  const users = useCall('admin:users:list', {}, 'users');
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<PublicUser | null>(null);
  const [deleting, setDeleting] = useState<PublicUser | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const act = async (p: Promise<{ ok: boolean; error?: { message: string } }>, done: string) => {
    const res = await p;
    if (!res.ok) toast('error', res.error?.message ?? 'Failed.');
    else toast('info', done);
    users.reload();
  };
  const name = (u: PublicUser) => u.displayName || u.username;

  return (
    <div className="panel" data-testid="accounts">
      <div className="panel-head">
        <h2>Accounts</h2>
        <button type="button" className="btn btn-primary btn-small" onClick={() => setCreating(true)} data-testid="new-account">
          New account
        </button>
      </div>
      {users.status === 'error' && <ErrorState error={users.error} onRetry={users.reload} />}
      {users.status === 'loading' && !users.value && <Loading minHeight={160} />}
      {users.value &&
        (users.value.length === 0 ? (
          <Empty title="No accounts" />
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {users.value.map((u) => (
                <tr key={u.id} data-testid="account-row" data-username={u.username}>
                  <td>
                    <strong>{name(u)}</strong>
                    <div className="muted small">{u.username}{u.id === me ? ' · you' : ''}</div>
                  </td>
                  <td>
                    <select
                      value={u.role}
                      aria-label={`Role of ${u.username}`}
                      onChange={(e) => void act(call('admin:users:setRole', { id: u.id, role: e.target.value as Role }), `${name(u)} is now ${e.target.value}.`)}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td data-testid="account-status">{status(u)}{u.failedAttempts > 0 && <span className="muted small"> · {u.failedAttempts} failed</span>}</td>
                  <td>{when(u.lastLoginAt)}</td>
                  <td className="cell-actions">
                    {u.adminLocked || (u.lockedUntil && Date.parse(u.lockedUntil) > Date.now()) ? (
                      <button type="button" className="btn btn-small" onClick={() => void act(call('admin:users:unlock', { id: u.id }), `${name(u)} unlocked.`)} data-testid="unlock">
                        Unlock
                      </button>
                    ) : (
                      <button type="button" className="btn btn-small" disabled={u.id === me} onClick={() => void act(call('admin:users:lock', { id: u.id }), `${name(u)} locked.`)} data-testid="lock">
                        Lock
                      </button>
                    )}
                    <button type="button" className="btn btn-small" onClick={() => setResetting(u)} data-testid="reset">
                      Reset password
                    </button>
                    <button type="button" className="btn btn-small btn-danger-ghost" disabled={u.id === me} onClick={() => { setDeleteError(null); setDeleting(u); }} data-testid="delete-account">
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {creating && (
        <CreateAccountDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            toast('info', 'Account created.');
            users.reload();
          }}
        />
      )}
      {resetting && (
        <ResetPasswordDialog
          id={resetting.id}
          name={name(resetting)}
          onClose={() => setResetting(null)}
          onDone={() => {
            toast('info', `Temporary password set for ${name(resetting)}.`);
            setResetting(null);
            users.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${name(deleting)}?`}
          body={<p>The account is removed; the analyses it made stay in history. This is recorded in the audit log.</p>}
          confirmLabel="Delete account"
          danger
          error={deleteError}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            void call('admin:users:delete', { id: deleting.id }).then((r) => {
              if (!r.ok) return setDeleteError(r.error.message);
              toast('info', `${name(deleting)} deleted.`);
              setDeleting(null);
              users.reload();
            })
          }
        />
      )}
    </div>
  );
}
