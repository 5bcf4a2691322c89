import type { CollectionEntry, JsonValue } from '@herald/protocol';

/** One run as the `runs` collection describes it (the simulator's `RunEntry`, read defensively). */
export interface RunSummary {
  readonly runId: string;
  readonly channel: string;
  readonly songTitle: string;
  readonly genre: string | null;
  readonly status: 'running' | 'completed' | 'failed';
  readonly progress: number;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly failedNode: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The `runs` collection's entries (one per run, kept by its publisher with a TTL) as run summaries,
 * newest first. Entries are JSON from any publisher, so each field is checked and defaulted.
 */
export function runsFromCollection(entries: readonly CollectionEntry<JsonValue>[]): RunSummary[] {
  const runs = entries.map(({ key, value }): RunSummary => {
    const v = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<
      string,
      unknown
    >;
    const status = v.status === 'completed' || v.status === 'failed' ? v.status : 'running';
    return {
      runId: str(v.runId) ?? key,
      channel: str(v.channel) ?? `run:${key}`,
      songTitle: str(v.songTitle) ?? key,
      genre: str(v.genre),
      status,
      progress: Math.min(1, Math.max(0, num(v.progress) ?? 0)),
      startedAt: str(v.startedAt) ?? '',
      durationMs: num(v.durationMs),
      failedNode: str(v.failedNode),
    };
  });
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
