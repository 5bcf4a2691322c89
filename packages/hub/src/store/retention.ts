import type { Durability } from '../durability.js';
import type { RetentionOptions } from './types.js';

/** Retention used when none (or only part) is given. */
export const DEFAULT_RETENTION: RetentionOptions = {
  maxCount: 10_000,
  maxAgeMs: 86_400_000,
  maxBytes: 67_108_864,
};

/** How often stores apply age retention on their own. */
export const DEFAULT_TRIM_INTERVAL_MS = 60_000;

/**
 * Options every store accepts besides retention. Injected so tests and embedders control time without
 * fake timers.
 */
export interface StoreRuntimeOptions {
  /**
   * Clock in epoch milliseconds; stamps `ts` and decides which events are too old.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Period of the background trim; 0 disables it (call `trim()` yourself).
   * @default 60000
   */
  readonly trimIntervalMs?: number;
  /**
   * What an acknowledged append survives (SQLite's `synchronous`; other stores ignore it).
   * @default 'normal'
   */
  readonly durability?: Durability;
  /**
   * Largest channel state document, in UTF-8 bytes of its JSON; an append that would grow a channel's
   * state past it is refused with `ERR_STATE_TOO_LARGE`.
   * @default 1048576 (1 MiB)
   */
  readonly maxStateBytes?: number;
}

/** Fills in defaults and rejects limits that cannot work (a store must keep at least one event). */
export function resolveRetention(partial?: Partial<RetentionOptions>): RetentionOptions {
  const maxCount = partial?.maxCount ?? DEFAULT_RETENTION.maxCount;
  const maxAgeMs = partial?.maxAgeMs ?? DEFAULT_RETENTION.maxAgeMs;
  const maxBytes = partial?.maxBytes ?? DEFAULT_RETENTION.maxBytes;
  if (!Number.isSafeInteger(maxCount) || maxCount < 1) {
    throw new RangeError(`retention.maxCount must be an integer >= 1, got ${maxCount}`);
  }
  if (!Number.isFinite(maxAgeMs) || maxAgeMs <= 0) {
    throw new RangeError(`retention.maxAgeMs must be a number > 0, got ${maxAgeMs}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`retention.maxBytes must be an integer >= 1, got ${maxBytes}`);
  }
  return { maxCount, maxAgeMs, maxBytes };
}

/** The ISO 8601 timestamp before which events are expired. ISO strings of this form sort by time. */
export function ageCutoff(retention: RetentionOptions, nowMs: number): string {
  return new Date(nowMs - retention.maxAgeMs).toISOString();
}

/**
 * Seq of the oldest event that the count limit still allows, given the newest seq. Events below it are
 * trimmed; trimming never renumbers.
 */
export function countWindowStart(retention: RetentionOptions, lastSeq: number): number {
  return Math.max(1, lastSeq - retention.maxCount + 1);
}

/**
 * How many of the oldest events must go so that the rest hold at most `maxBytes`: `sizes` yields the
 * oldest events' payload sizes in order and `total` is the channel's whole payload. The newest event always
 * stays, so at most `count - 1` go.
 */
export function bytesOverflow(
  total: number,
  count: number,
  maxBytes: number,
  sizes: Iterable<number>,
): number {
  let drop = 0;
  let left = total;
  for (const size of sizes) {
    if (left <= maxBytes || drop >= count - 1) break;
    left -= size;
    drop++;
  }
  return drop;
}

/**
 * Runs `trim` every `intervalMs` until the returned stop function is called. The timer is unref'd so an
 * idle store never keeps the process alive; a failing trim is reported and retried next period.
 */
export function startTrimTimer(
  trim: () => Promise<void>,
  intervalMs: number,
  onError: (error: unknown) => void = reportTrimError,
): () => void {
  if (intervalMs <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    // Skip a tick rather than stacking trims when one is slower than the period.
    if (running) return;
    running = true;
    trim()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function reportTrimError(error: unknown): void {
  process.emitWarning(`herald: background trim failed: ${String(error)}`);
}
