/** The signed-in window: sidebar, the current screen, the drop veil, toasts and the idle watch. */
import { useEffect, useRef } from 'react';
import { assertNever } from '../../../src-shared/result';
import { subscribe } from '../api';
import { useNav } from '../stores/nav-store';
import { useQueue } from '../stores/queue-store';
import { useSession } from '../stores/session-store';
import { Account } from '../screens/account';
import { AdminScreen } from '../screens/admin/admin-screen';
import { Analyse } from '../screens/analyse';
import { Dashboard } from '../screens/dashboard';
import { History } from '../screens/history';
import { Live } from '../screens/live';
import { Reports } from '../screens/reports';
import { ResultScreen } from '../screens/result/result-screen';
import { Cameras } from '../screens/cameras';
import { DropOverlay } from './drop-overlay';
import { Sidebar } from './sidebar';
import { Toasts } from './toasts';

function Screen() {
  const route = useNav((s) => s.route);
  switch (route.name) {
    case 'dashboard':
      return <Dashboard />;
    case 'analyse':
      return <Analyse />;
    case 'result':
      return <ResultScreen key={route.id} id={route.id} />;
    case 'history':
      return <History />;
    case 'reports':
      return <Reports />;
    case 'live':
      return <Live />;
    case 'cameras':
      return <Cameras />;
    case 'admin':
      return <AdminScreen tab={route.tab} />;
    case 'account':
      return <Account />;
    default:
      return assertNever(route, 'route');
  }
}

/** The signed-in layout. */
export function Shell() {
  const listen = useQueue((s) => s.listen);
  const refresh = useQueue((s) => s.refresh);
  const expire = useSession((s) => s.expire);
  const checkIdle = useSession((s) => s.checkIdle);

  useEffect(() => {
    const off = listen();
    void refresh();
    return off;
  }, [listen, refresh]);

  useEffect(
    () =>
      subscribe('session:expired', ({ reason }) => {
        const why = reason === 'idle' ? 'You were signed out after a period of inactivity.' : reason === 'logout' ? 'You were signed out.' : 'Your account was changed by an administrator; please sign in again.';
        expire(why);
      }),
    [expire],
  );

  useEffect(() => {
    const t = setInterval(() => void checkIdle(), 15_000);
    return () => clearInterval(t);
  }, [checkIdle]);

  // Screen readers and keyboard users land on the new screen's heading after navigation.
  // Only a change of screen moves focus; switching tabs within a screen keeps it.
  const screenName = useNav((s) => s.route.name);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h = document.querySelector<HTMLElement>('#content h1');
    if (!h) return;
    h.tabIndex = -1;
    h.focus({ preventScroll: true });
  }, [screenName]);

  return (
    <div className="shell">
      <Sidebar />
      <main className="content" id="content">
        <Screen />
      </main>
      <DropOverlay />
      <Toasts />
    </div>
  );
}
