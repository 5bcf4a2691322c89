import { useSyncExternalStore } from 'react';

/** The dashboard's pages. */
export type Route =
  | { readonly page: 'runs'; readonly runId: string | null }
  | { readonly page: 'generations' }
  | { readonly page: 'activity' };

/** Parses `#/runs/<id>`, `#/generations` or `#/activity`; anything else is the runs list. */
export function parseRoute(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'generations') return { page: 'generations' };
  if (page === 'activity') return { page: 'activity' };
  return { page: 'runs', runId: id ? decodeURIComponent(id) : null };
}

/** The hash for a route. */
export function routeHref(route: Route): string {
  if (route.page === 'runs') return route.runId ? `#/runs/${encodeURIComponent(route.runId)}` : '#/runs';
  return `#/${route.page}`;
}

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};
const getHash = (): string => window.location.hash;

/** The current route, following the location hash (no router library needed for three pages). */
export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, getHash, () => ''));
}
