/**
 * Returns a function giving the current time of `now` as ISO 8601. Publishes arrive many per millisecond
 * under load, so the string is rebuilt only when the millisecond changes.
 */
export function createIsoClock(now: () => number): () => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return () => {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
}
