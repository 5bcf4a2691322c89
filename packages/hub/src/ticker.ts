/** Work done on the hub's shared clock. */
export interface TickTargets {
  /** Called every tick (handshake timeouts, token expiry). */
  tick(now: number): void;
  /** Called every `heartbeatMs` (pings, dead-peer detection, SSE keep-alives). */
  heartbeat(now: number): void;
}

/**
 * One unref'd interval drives every connection's timers, which is cheaper than a timer per connection. Its
 * period is fine enough for the shortest configured deadline (at most 1 s).
 */
export function startTicker(
  targets: TickTargets,
  periods: { heartbeatMs: number; handshakeTimeoutMs: number; refreshBeforeMs: number },
  onError: (err: unknown) => void,
): () => void {
  const period = Math.max(
    10,
    Math.min(1000, periods.heartbeatMs / 2, periods.handshakeTimeoutMs / 4, periods.refreshBeforeMs / 4),
  );
  let nextHeartbeat = Date.now() + periods.heartbeatMs;
  const timer = setInterval(() => {
    const now = Date.now();
    try {
      targets.tick(now);
      if (now >= nextHeartbeat) {
        nextHeartbeat = now + periods.heartbeatMs;
        targets.heartbeat(now);
      }
    } catch (err) {
      onError(err);
    }
  }, period);
  timer.unref();
  return () => clearInterval(timer);
}
