/** Root component: the sign-in gates, then the signed-in shell. */
import { useEffect } from 'react';
import { assertNever } from '../../src-shared/result';
import { hasBridge } from './api';
import { ErrorState, Loading } from './components/states';
import { ForcedPasswordChange } from './screens/change-password';
import { FirstRun } from './screens/first-run';
import { Login } from './screens/login';
import { AuthLayout } from './screens/auth-layout';
import { Shell } from './shell/shell';
import { useAppStore } from './store';
import { useNav } from './stores/nav-store';
import { useQueue } from './stores/queue-store';
import { useSession } from './stores/session-store';


function Unavailable() {
  const { bootError, boot } = useSession();
  const { info } = useAppStore();
  return (
    <AuthLayout testId="unavailable" title="MediaGuard cannot start">
      {bootError && <ErrorState error={bootError} onRetry={() => void boot()} />}
      {info && (
        <dl className="facts" data-testid="app-info">
          <dt>Data directory</dt>
          <dd>{info.dataDir}</dd>
        </dl>
      )}
    </AuthLayout>
  );
}

/** The whole window. */
export function App() {
  const { phase, boot } = useSession();
  const loadInfo = useAppStore((s) => s.loadInfo);
  useEffect(() => {
    if (!hasBridge()) return;
    void loadInfo();
    void boot();
  }, [boot, loadInfo]);
  // A new sign-in starts on the dashboard with an empty local queue.
  useEffect(() => {
    if (phase === 'login' || phase === 'setup') {
      useNav.getState().go({ name: 'dashboard' });
      useQueue.getState().reset();
    }
  }, [phase]);

  if (!hasBridge()) {
    return (
      <main className="center" role="alert">
        <h1>MediaGuard</h1>
        <p>This page must be opened from the MediaGuard application.</p>
      </main>
    );
  }
  switch (phase) {
    case 'boot':
      return <Loading label="Starting…" />;
    case 'unavailable':
      return <Unavailable />;
    case 'setup':
      return <FirstRun />;
    case 'login':
      return <Login />;
    case 'change-password':
      return <ForcedPasswordChange />;
    case 'ready':
      return <Shell />;
    default:
      return assertNever(phase, 'phase');
  }
}
