import type { Envelope } from '@herald/protocol';
import type { ConnectionState, GapInfo, HeraldClient, SubscribedInfo } from '../../src/types.js';

/** Everything one subscriber of `channel` saw, and every state the client went through. */
export function record(client: HeraldClient, channel: string) {
  const events: Envelope[] = [];
  const gaps: GapInfo[] = [];
  const subscribed: SubscribedInfo[] = [];
  const states: ConnectionState[] = [client.state];
  client.on('state', ({ newState }) => states.push(newState));
  const subscription = client.subscribe(channel, {
    onEvent: (e) => events.push(e),
    onGap: (g) => gaps.push(g),
    onSubscribed: (info) => subscribed.push(info),
  });
  return {
    events,
    gaps,
    subscribed,
    states,
    subscription,
    seqs: () => events.map((e) => e.seq),
    /** The app's own numbers of the events, to check none is lost or repeated. */
    ns: () => events.map((e) => (e.data as { n: number }).n),
  };
}

/** The same backoff for every source test: quick, so reconnects take tens of ms. */
export const quick = { backoff: { initialMs: 30, maxMs: 120 }, connectTimeoutMs: 3000 } as const;
