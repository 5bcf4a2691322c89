import { execFileSync } from 'node:child_process';
import { dashboardBuilt, REPO_ROOT } from './paths.js';

/** Builds the dashboard once when `apps/dashboard/dist` is missing (the hub's `--demo` serves it). */
export function ensureDashboardBuilt(): void {
  if (dashboardBuilt()) return;
  execFileSync('npm', ['run', 'build', '-w', '@herald/dashboard'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (!dashboardBuilt()) throw new Error('dashboard build finished without apps/dashboard/dist/index.html');
}
