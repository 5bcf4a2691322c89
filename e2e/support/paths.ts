import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (this file lives in `e2e/support/`). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm run build -w @herald/dashboard` writes the dashboard the hub serves with `--demo`. */
export const DASHBOARD_DIST = join(REPO_ROOT, 'apps', 'dashboard', 'dist');

/** Whether the dashboard has been built. */
export function dashboardBuilt(): boolean {
  return existsSync(join(DASHBOARD_DIST, 'index.html'));
}
