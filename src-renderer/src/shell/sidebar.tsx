/** Primary navigation: a vertical list of screens, with the running-job count. */
import type { Role } from '../../../src-shared/roles';
import { useNav, type Route } from '../stores/nav-store';
import { useQueue } from '../stores/queue-store';
import { useSession } from '../stores/session-store';

interface Item {
  label: string;
  route: Route;
  roles?: readonly Role[];
}

const ITEMS: Item[] = [
  { label: 'Dashboard', route: { name: 'dashboard' } },
  { label: 'Analyse', route: { name: 'analyse' } },
  { label: 'History', route: { name: 'history' } },
  { label: 'Reports', route: { name: 'reports' } },
  { label: 'Live monitor', route: { name: 'live' } },
  { label: 'Cameras', route: { name: 'cameras' } },
  { label: 'Admin', route: { name: 'admin', tab: 'accounts' }, roles: ['admin'] },
  { label: 'Account', route: { name: 'account' } },
];

/** The sidebar. */
export function Sidebar() {
  const { route, go } = useNav();
  const session = useSession((s) => s.session);
  const logout = useSession((s) => s.logout);
  const running = useQueue((s) => s.rows.filter((r) => r.state === 'queued' || r.state === 'running').length);
  const role = session?.user.role;
  const current = route.name === 'result' ? 'history' : route.name;
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">MediaGuard</span>
      </div>
      <nav aria-label="Main">
        <ul>
          {ITEMS.filter((i) => !i.roles || (role && i.roles.includes(role))).map((i) => (
            <li key={i.label}>
              <button
                type="button"
                className={`nav-item${current === i.route.name ? ' active' : ''}`}
                aria-current={current === i.route.name ? 'page' : undefined}
                onClick={() => go(i.route)}
                data-testid={`nav-${i.route.name}`}
              >
                <span>{i.label}</span>
                {i.route.name === 'analyse' && running > 0 && (
                  <span className="count" aria-label={`${running} running`}>
                    {running}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="sidebar-foot">
        <div className="who" data-testid="signed-in-as">
          <strong>{session?.user.displayName}</strong>
          <span className="muted">
            {session?.user.username} · {role}
          </span>
        </div>
        <button type="button" className="btn btn-small" onClick={() => void logout()} data-testid="sign-out">
          Sign out
        </button>
      </div>
    </aside>
  );
}
