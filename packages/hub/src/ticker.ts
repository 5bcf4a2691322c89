/** Work done on the hub's shared clock. */
export interface TickTargets {
  /** Called every tick (handshake timeouts, token expiry). */
  tick(now: number): void;
  /**
   * Called every tick with the tick's heartbeat `slot` of `slots` (pings, dead-peer detection, SSE
   * keep-alives): a connection is pinged when its slot comes round, once every `heartbeatMs`, so a hub of
   * thousands of sockets spreads its pings over the interval instead of stalling one turn on all of them.
   */
  heartbeat(now: number, slot: number, slots: number): void;
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
  const slots = Math.max(1, Math.floor(periods.heartbeatMs / period));
  let round = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    try {
      targets.tick(now);
      round = (round + 1) % slots;
      targets.heartbeat(now, round, slots);
    } catch (err) {
      onError(err);
    }
  }, period);
  timer.unref();
  return () => clearInterval(timer);
}
