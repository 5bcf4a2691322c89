import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors.js';

/** What `--demo` uses from `@herald/simulator` (loaded lazily so the CLI does not depend on it). */
interface SimulatorModule {
  startSimulator(options: { baseUrl: string; publisherKey?: string }): { stop(): Promise<void> };
}

/** The demo: the dashboard to serve and the scenario simulator to run against the hub. */
export interface Demo {
  readonly staticDir: string;
  startSimulator(baseUrl: string, publisherKey: string | undefined): { stop(): Promise<void> };
}

/**
 * Finds `apps/dashboard/dist` by walking up from this module, so it works from `src/` (dev) and from the
 * built `dist/` alike.
 */
export function findDashboardDist(
  from: string = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'apps', 'dashboard', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

const NEEDS_REPO =
  '--demo runs the dashboard and simulator of the Herald repository: run `npm start` in a clone of it';

/**
 * Loads what `--demo` needs before the hub starts, so a missing piece is one clear line rather than a
 * hub that serves a 404. `staticDir`, when given, replaces the built dashboard; `searchFrom` is where the
 * search for it starts (this module's folder by default).
 */
export async function loadDemo(
  staticDir: string | undefined,
  searchFrom: string | undefined = undefined,
): Promise<Demo> {
  const dashboard = staticDir ?? findDashboardDist(searchFrom);
  if (dashboard === undefined) {
    throw new CliError(`${NEEDS_REPO} (apps/dashboard/dist is not built here; \`npm start\` builds it)`);
  }
  // A variable specifier keeps bundlers from inlining the simulator into the CLI.
  const specifier = '@herald/simulator';
  let mod: SimulatorModule;
  try {
    mod = (await import(specifier)) as SimulatorModule;
  } catch {
    throw new CliError(`${NEEDS_REPO} (@herald/simulator is not installed here)`);
  }
  return {
    staticDir: dashboard,
    startSimulator: (baseUrl, publisherKey) =>
      mod.startSimulator({ baseUrl, ...(publisherKey === undefined ? {} : { publisherKey }) }),
  };
}
