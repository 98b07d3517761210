/** Root component: loads app info through the bridge. Screens are added per issue. */
import { useEffect } from 'react';
import { useAppStore } from './store';
import { hasBridge } from './api';

export function App() {
  const { info, error, loadInfo } = useAppStore();
  useEffect(() => {
    void loadInfo();
  }, [loadInfo]);

  if (!hasBridge()) {
    return (
      <main className="center" role="alert">
        <h1>MediaGuard</h1>
        <p>This page must be opened from the MediaGuard application.</p>
      </main>
    );
  }
  return (
    <main className="center">
      <h1>MediaGuard</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {info ? (
        <dl className="facts" data-testid="app-info">
          <dt>Version</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>Platform</dt>
          <dd>{`${info.platform} ${info.arch}`}</dd>
          <dt>Data directory</dt>
          <dd>{info.dataDir}</dd>
        </dl>
      ) : (
        !error && <p aria-busy="true">Loading…</p>
      )}
    </main>
  );
}
