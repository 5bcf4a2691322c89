import { execFileSync } from 'node:child_process';
import { dashboardBuilt, REPO_ROOT } from './paths.js';

/**
 * Builds the dashboard when `apps/dashboard/dist` is missing (the hub's `--demo` serves it), or always
 * when `HERALD_E2E_REBUILD=1` (after changing dashboard or React sources).
 */
export function ensureDashboardBuilt(): void {
  if (dashboardBuilt() && process.env.HERALD_E2E_REBUILD !== '1') return;
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build; test what users get.
  execFileSync('npm', ['run', 'build', '-w', '@herald/dashboard'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (!dashboardBuilt()) throw new Error('dashboard build finished without apps/dashboard/dist/index.html');
}
