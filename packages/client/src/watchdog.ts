import type { Timers } from './timers.js';

/**
 * Watches a connection whose hub sends a ping every `heartbeatMs`: no frame at all for two heartbeats
 * means the socket is dead even if TCP has not noticed, and `dead` is called. `lastFrameAt` is the time
 * of the newest frame on `now`'s clock. Uses the `watchdog` timer, so a teardown stops it.
 */
export function watchHeartbeat(
  timers: Timers,
  now: () => number,
  heartbeatMs: number,
  lastFrameAt: () => number,
  dead: () => void,
): void {
  const check = () => {
    const left = lastFrameAt() + 2 * heartbeatMs - now();
    if (left > 0) timers.set('watchdog', left, check);
    else dead();
  };
  timers.set('watchdog', 2 * heartbeatMs, check);
}
