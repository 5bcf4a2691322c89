import type { CpuSample } from '../lib/cpu.js';
import type { LatencySummary } from '../lib/stats.js';
import type { SystemName } from '../servers/types.js';

/** Options every scenario receives from run.ts. */
export interface ScenarioOptions {
  readonly quick: boolean;
  /** Profile the Herald hub process (fan-out only). */
  readonly profile: boolean;
  /** Prints a progress line. */
  readonly log: (line: string) => void;
  /** Only these systems (`--system`, repeatable); all when empty. */
  readonly systems: readonly SystemName[];
  /**
   * Run Herald's engine-backed rows (Redis, PostgreSQL, NATS) in quick mode too (`--engines`); full runs
   * always do.
   */
  readonly engines: boolean;
}

/** Whether a scenario runs its engine-backed rows: skipped in quick (CI smoke) runs unless asked for. */
export function runsEngines(o: ScenarioOptions): boolean {
  return !o.quick || o.engines;
}

/** Why engine-backed rows are missing from a quick run (printed and kept in the results). */
export const ENGINES_SKIPPED = 'skipped in quick mode (engine-backed; add --engines to run it)';

/** `list` filtered by `--system`. */
export function pick<T extends SystemName | { readonly system: SystemName }>(
  list: readonly T[],
  o: ScenarioOptions,
): T[] {
  if (o.systems.length === 0) return [...list];
  return list.filter((x) => o.systems.includes(typeof x === 'string' ? x : x.system));
}

/** The three systems of the load scenarios, Herald first. */
export const SYSTEMS: readonly SystemName[] = ['herald', 'socketio', 'ws'];

/** What the load client's stopCount returns. */
export interface CountResult {
  readonly delivered: number;
  readonly firstUs: number;
  readonly lastUs: number;
  readonly latency: LatencySummary;
}

/** Which process limited a run: a process at ≥ 90 % of a core is taken as saturated. */
export function saturated(
  server: CpuSample | null,
  client: CpuSample | null,
): 'server' | 'client' | 'both' | 'neither' {
  const s = (server?.percent ?? 0) >= 90;
  const c = (client?.percent ?? 0) >= 90;
  return s && c ? 'both' : s ? 'server' : c ? 'client' : 'neither';
}

/** Short error text for a result row when a system failed. */
export function failure(error: unknown): { error: string } {
  return { error: error instanceof Error ? (error.message.split('\n')[0] ?? 'error') : String(error) };
}
