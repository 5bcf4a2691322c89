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
  for (const c of conns) {
    const t = c.track;
    if (!t) continue;
    duplicates += t.duplicates;
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
    else caughtUpUs = Math.max(caughtUpUs, first);
    const lastReady = t.readyAt.at(-1) ?? 0;
    if (t.readyAt.length < 2 || lastReady < p.restartStartUs) notResumed++;
    else resumedUs = Math.max(resumedUs, lastReady);
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
  };
}
