import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from '../src/lib/hash-route.js';

describe('hash routes', () => {
  it('parses the three pages and a run id', () => {
    expect(parseRoute('')).toEqual({ page: 'runs', runId: null });
    expect(parseRoute('#/runs/run_ab12')).toEqual({ page: 'runs', runId: 'run_ab12' });
    expect(parseRoute('#/generations')).toEqual({ page: 'generations' });
    expect(parseRoute('#/activity')).toEqual({ page: 'activity' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'runs', runId: null });
  });

  it('round-trips through routeHref, escaping ids', () => {
    for (const route of [
      { page: 'runs', runId: 'a b/c' },
      { page: 'runs', runId: null },
      { page: 'generations' },
      { page: 'activity' },
    ] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });
});
