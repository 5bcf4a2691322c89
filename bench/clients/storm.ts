import { round } from '../lib/cpu.js';
import type { LoadConn } from './conns.js';

/** Loss and recovery after a restart, over all connections. */
export interface StormResult {
  readonly clients: number;
  readonly expectedPerClient: number;
  /** Events published while a client was subscribed that it never received. */
  readonly lost: number;
  readonly clientsWithLoss: number;
  readonly duplicates: number;
  /** ms from the restart until the last client was subscribed again (null if some never were). */
  readonly allResumedMs: number | null;
  readonly notResumed: number;
  /** ms from the restart until the last client received its first post-restart event (null if some never did). */
  readonly allCaughtUpMs: number | null;
  readonly notCaughtUp: number;
  /** Per-client ms from the restart to the last re-subscription: median and 90th percentile. */
  readonly resumedP50Ms: number | null;
  readonly resumedP90Ms: number | null;
  /** Per-client ms from the restart to catching up: median and 90th percentile. */
  readonly caughtUpP50Ms: number | null;
  readonly caughtUpP90Ms: number | null;
  /** Connection attempts after the first, over all clients (failed tries show up here). */
  readonly reconnectAttempts: number;
}

/** The q-quantile of `values` in ms (µs offsets from `zeroUs`), or null when empty. */
function quantileMs(values: number[], q: number, zeroUs: number): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const v = values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? zeroUs;
  return round((v - zeroUs) / 1000);
}

/** What the restart publisher reports (µs on the shared monotonic clock). */
export interface StormResultParams {
  readonly restartStartUs: number;
  readonly nAtUp: number;
  readonly finalN: number;
}

/** Loss, duplicates and recovery times per connection after a restart. */
export function stormResult(conns: readonly LoadConn[], p: StormResultParams): StormResult {
  let lost = 0;
  let clientsWithLoss = 0;
  let duplicates = 0;
  let caughtUpUs = 0;
  let notCaughtUp = 0;
  let resumedUs = 0;
  let notResumed = 0;
  let reconnectAttempts = 0;
  const resumed: number[] = [];
  const caughtUp: number[] = [];
  for (const c of conns) {
    const t = c.track;
    if (!t) continue;
    duplicates += t.duplicates;
    reconnectAttempts += t.attempts;
    let missing = 0;
    for (let n = 0; n <= p.finalN; n++) if (t.arrivals[n] === 0) missing++;
    lost += missing;
    if (missing > 0) clientsWithLoss++;
    // Caught up: the first event published after the server was back has arrived (for Herald, replay
    // comes first in order, so everything before it is there too).
    let first = 0;
    for (let n = p.nAtUp + 1; n <= p.finalN; n++) {
      const at = t.arrivals[n] ?? 0;
      if (at > 0 && (first === 0 || at < first)) first = at;
    }
    if (first === 0) notCaughtUp++;
    else {
      caughtUpUs = Math.max(caughtUpUs, first);
      caughtUp.push(first);
    }
    const lastReady = t.readyAt.at(-1) ?? 0;
    if (t.readyAt.length < 2 || lastReady < p.restartStartUs) notResumed++;
    else {
      resumedUs = Math.max(resumedUs, lastReady);
      resumed.push(lastReady);
    }
  }
  return {
    clients: conns.length,
    expectedPerClient: p.finalN + 1,
    lost,
    clientsWithLoss,
    duplicates,
    allResumedMs: notResumed === 0 ? round((resumedUs - p.restartStartUs) / 1000) : null,
    notResumed,
    allCaughtUpMs: notCaughtUp === 0 ? round((caughtUpUs - p.restartStartUs) / 1000) : null,
    notCaughtUp,
    resumedP50Ms: quantileMs(resumed, 0.5, p.restartStartUs),
    resumedP90Ms: quantileMs(resumed, 0.9, p.restartStartUs),
    caughtUpP50Ms: quantileMs(caughtUp, 0.5, p.restartStartUs),
    caughtUpP90Ms: quantileMs(caughtUp, 0.9, p.restartStartUs),
    reconnectAttempts,
  };
}
