import { useState } from 'react';

/**
 * How many of `keys` arrived while the reader was `away` from the live end of a feed: when `away` turns
 * true the keys present are remembered, and every key not among them counts; back at the live end the
 * count is 0 again. Keys, not positions, so items dropped from a capped buffer or filtered out do not
 * count, and a local item replaced by its event (same key) is not new twice.
 */
export function useUnseenCount(keys: readonly string[], away: boolean): number {
  const [seen, setSeen] = useState<ReadonlySet<string> | null>(null);
  // Derived from the previous render (React's "adjust state on prop change"): re-renders at once.
  if (away && seen === null) {
    setSeen(new Set(keys));
    return 0;
  }
  if (!away && seen !== null) {
    setSeen(null);
    return 0;
  }
  if (seen === null) return 0;
  let unseen = 0;
  for (const key of keys) if (!seen.has(key)) unseen++;
  return unseen;
}
