import type { Envelope, SincePosition } from '@herald/protocol';

/**
 * One tab's subscription of a channel, on the leader: the request it answers and how far the tab got.
 * `waiting` until the leader's own subscription is live, `catching` while the tab's missing events come
 * over HTTP (live events wait in `buffer`), then `live`.
 */
export interface TabRoute {
  readonly rid: string;
  readonly since: SincePosition | undefined;
  readonly snapshot: boolean;
  state: 'waiting' | 'catching' | 'live';
  /** The last seq sent to the tab (meaningful once live). */
  seq: number;
  /** Live events that arrived while catching up, in order. */
  buffer: Envelope[];
}

/** A route for a tab's `subscribe`, waiting for the leader's subscription. */
export const createRoute = (rid: string, since: SincePosition | undefined, snapshot: boolean): TabRoute => ({
  rid,
  since,
  snapshot,
  state: 'waiting',
  seq: 0,
  buffer: [],
});

/**
 * A live event of the channel: the event to send the tab now, or null (it has it already, or it is
 * catching up and the event waits in the buffer, or it waits for the subscription). A seq past the next
 * one is sent all the same: the tab's client sees the hole and subscribes again from its position.
 */
export function routeEvent(route: TabRoute, event: Envelope): Envelope | null {
  if (route.state === 'catching') route.buffer.push(event);
  if (route.state !== 'live' || event.seq <= route.seq) return null;
  route.seq = event.seq;
  return event;
}

/** Catching up begins: what was buffered before is dropped (the history answers from now on). */
export function beginCatchUp(route: TabRoute): void {
  route.state = 'catching';
  route.buffer = [];
}

/**
 * The history reached `cursor`: the buffered live events after it, to send now, after which the tab is
 * live from the last of them.
 */
export function goLive(route: TabRoute, cursor: number): Envelope[] {
  const rest = route.buffer.filter((e) => e.seq > cursor);
  route.buffer = [];
  route.state = 'live';
  route.seq = rest[rest.length - 1]?.seq ?? cursor;
  return rest;
}
