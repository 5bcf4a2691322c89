import { ensureDashboardBuilt } from './build-dashboard.js';

/** Vitest global setup for the e2e suite: the dashboard must be built before the hub can serve it. */
export default function setup(): void {
  ensureDashboardBuilt();
}
