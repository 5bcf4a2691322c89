import { ConnectionStatus } from '@herald/react';
import type { ReactNode } from 'react';
import { type Route, routeHref } from '../lib/hash-route.js';
import { CutControl } from './cut-control.js';

const TABS: readonly { page: Route['page']; label: string; href: string }[] = [
  { page: 'runs', label: 'Runs', href: routeHref({ page: 'runs', runId: null }) },
  { page: 'generations', label: 'Generations', href: routeHref({ page: 'generations' }) },
  { page: 'activity', label: 'Activity', href: routeHref({ page: 'activity' }) },
];

/** The sticky top bar: brand, page tabs, the demo's cut control and the always-visible connection badge. */
export function Header({ route }: { readonly route: Route }): ReactNode {
  return (
    <header className="topbar">
      <div className="topbar__inner">
        <a className="brand" href="#/runs">
          <span className="brand__mark" aria-hidden="true">
            H
          </span>
          Herald
          <span className="brand__tag">Live demo</span>
        </a>
        <nav className="tabs" aria-label="Pages">
          {TABS.map((tab) => (
            <a
              key={tab.page}
              className="tab"
              href={tab.href}
              aria-current={route.page === tab.page ? 'page' : undefined}
            >
              {tab.label}
            </a>
          ))}
        </nav>
        <div className="topbar__status">
          <CutControl />
          <ConnectionStatus showError={false} />
        </div>
      </div>
    </header>
  );
}
