import type { Envelope } from '@herald/protocol';

/** One run as the `runs` index channel describes it. */
export interface RunSummary {
  readonly runId: string;
  readonly channel: string;
  readonly songTitle: string;
  readonly genre: string | null;
  readonly status: 'running' | 'completed' | 'failed';
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly failedNode: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Folds the `runs` channel (`run.started` / `run.completed`, snake_case) into run summaries, newest
 * first. A completion seen without its start (trimmed history) still yields a row.
 */
export function summarizeRuns(events: readonly Envelope[]): RunSummary[] {
  const runs = new Map<string, RunSummary>();
  for (const event of events) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const runId = str(data.run_id);
    if (runId === null) continue;
    const prev = runs.get(runId);
    const base: RunSummary = prev ?? {
      runId,
      channel: str(data.channel) ?? `run:${runId}`,
      songTitle: str(data.song_title) ?? runId,
      genre: str(data.genre),
      status: 'running',
      startedAt: event.ts,
      durationMs: null,
      failedNode: null,
    };
    if (event.type === 'run.completed') {
      runs.set(runId, {
        ...base,
        status: data.status === 'failed' ? 'failed' : 'completed',
        durationMs: typeof data.duration_ms === 'number' ? data.duration_ms : null,
        failedNode: str(data.failed_node),
      });
    } else if (!prev) {
      runs.set(runId, base);
    }
  }
  return [...runs.values()].reverse();
}
