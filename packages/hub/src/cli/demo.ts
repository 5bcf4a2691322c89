import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** What `--demo` uses from `@herald/simulator` (loaded lazily so the hub does not depend on it). */
interface SimulatorModule {
  startSimulator(options: { baseUrl: string; publisherKey?: string }): { stop(): Promise<void> };
}

/**
 * Finds `apps/dashboard/dist` by walking up from this module, so it works from `src/cli/` (dev) and from
 * the bundled `dist/cli.js` alike.
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

/** Starts the scenario simulator against `baseUrl`; logs a warning and returns null when it is missing. */
export async function startDemoSimulator(
  baseUrl: string,
  publisherKey: string | undefined,
  logger: Logger,
): Promise<{ stop(): Promise<void> } | null> {
  // A variable specifier keeps bundlers from inlining the simulator into the hub.
  const specifier = '@herald/simulator';
  try {
    const mod = (await import(specifier)) as SimulatorModule;
    return mod.startSimulator({ baseUrl, ...(publisherKey === undefined ? {} : { publisherKey }) });
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'demo: simulator not available, continuing without it');
    return null;
  }
}
