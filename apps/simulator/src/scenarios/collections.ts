import { collectionOps, type JsonValue, type StateOp } from '@herald/protocol';

/**
 * How long an entry stays in the `runs` and `generations` collections after its last update: long enough
 * for a demo's list, short enough that a simulator left running for days keeps the state document small.
 */
export const RUN_ENTRY_TTL_MS = 30 * 60_000;
/** See {@link RUN_ENTRY_TTL_MS}. */
export const GENERATION_ENTRY_TTL_MS = 20 * 60_000;

/** One run in the `runs` collection: what a runs list shows without opening the run's channel. */
export interface RunEntry {
  readonly runId: string;
  readonly channel: string;
  readonly songTitle: string;
  readonly genre: string;
  readonly status: 'running' | 'completed' | 'failed';
  readonly progress: number;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly failedNode: string | null;
}

/** One job in the `generations` collection. */
export interface GenerationEntry {
  readonly generationId: string;
  readonly channel: string;
  readonly prompt: string;
  readonly totalClips: number;
  readonly status: 'processing' | 'completed' | 'failed';
  readonly startedAt: string;
}

/** Sets a run's entry (refreshing its TTL). */
export function runEntryOps(entry: RunEntry): StateOp[] {
  return collectionOps.set(entry.runId, entry as unknown as JsonValue, { ttlMs: RUN_ENTRY_TTL_MS });
}

/** Sets a generation job's entry (refreshing its TTL). */
export function generationEntryOps(entry: GenerationEntry): StateOp[] {
  return collectionOps.set(entry.generationId, entry as unknown as JsonValue, {
    ttlMs: GENERATION_ENTRY_TTL_MS,
  });
}
