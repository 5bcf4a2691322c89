/**
 * Payload bytes of a page of history when the reader names no budget (the default of
 * `LimitOptions.maxPageBytes`): what a replay, a history answer or a broker's catch-up takes per read.
 */
export const DEFAULT_PAGE_BYTES = 1_048_576;

/**
 * Whether an event whose payload is `size` still joins a read page that holds `count` events of `used`
 * payload within `maxBytes` (see `EventStore.read`): the first event always does, so every page makes
 * progress, however large one event is.
 */
export function joinsPage(count: number, used: number, size: number, maxBytes: number): boolean {
  return count === 0 || used + size <= maxBytes;
}
