/** Admin: accounts, audit log, statistics and settings, as tabs. */
import { useRef, type KeyboardEvent } from 'react';
import { assertNever } from '../../../../src-shared/result';
import { useNav, type AdminTab } from '../../stores/nav-store';
import { Accounts } from './accounts';
import { AuditLog } from './audit-log';
import { Settings } from './settings';
import { Statistics } from './statistics';

const TABS: { id: AdminTab; label: string }[] = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'audit', label: 'Audit log' },
  { id: 'stats', label: 'Statistics' },
  { id: 'settings', label: 'Settings' },
];

function Body({ tab }: { tab: AdminTab }) {
  switch (tab) {
    case 'accounts':
      return <Accounts />;
    case 'audit':
      return <AuditLog />;
    case 'stats':
      return <Statistics />;
    case 'settings':
      return <Settings />;
    default:
      return assertNever(tab, 'admin tab');
  }
}

/** The admin screen with an ARIA tab list (arrow keys move between tabs). */
export function AdminScreen({ tab }: { tab: AdminTab }) {
  const go = useNav((s) => s.go);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    const n = (i + d + TABS.length) % TABS.length;
    go({ name: 'admin', tab: TABS[n]!.id });
    refs.current[n]?.focus();
  };
  return (
    <section className="screen" data-testid="screen-admin" aria-labelledby="h-admin">
      <header className="screen-head">
        <h1 id="h-admin">Admin</h1>
      </header>
      <div className="tabs" role="tablist" aria-label="Admin sections">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === tab}
            aria-controls="admin-panel"
            tabIndex={t.id === tab ? 0 : -1}
            className={`tab${t.id === tab ? ' active' : ''}`}
            onClick={() => go({ name: 'admin', tab: t.id })}
            onKeyDown={(e) => onKey(e, i)}
            data-testid={`admin-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="admin-panel" aria-labelledby={`tab-${tab}`}>
        <Body tab={tab} />
      </div>
    </section>
  );
}
