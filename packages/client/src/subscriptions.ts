import type {
  Envelope,
  HeraldError,
  Position,
  SincePosition,
  SubscribedMessage,
  SubscribeMessage,
} from '@herald/protocol';
import type { ClientContext, Link } from './context.js';
import { safeCall } from './emitter.js';
import type { GapInfo, SubscribedInfo, SubscribeOptions, Subscription } from './types.js';

/**
 * The client's track of one channel it wants, across connections: its local subscribers and the last
 * position delivered to them. (Not the hub's subscription of one connection: a track outlives sockets.)
 */
export interface ChannelTrack {
  readonly channel: string;
  readonly subscribers: Set<SubscribeOptions<never>>;
  /** Last event delivered, or null before the first `subscribed`. */
  position: Position | null;
  /** The first subscriber's resume point, used until a position is known. */
  readonly since: SincePosition | undefined;
  /** Request id of the subscribe in flight on the current connection. */
  rid: string | null;
  /** Subscribed on the current connection (events are accepted only then). */
  live: boolean;
  /** The last `subscribed` answer, replayed to late subscribers. */
  info: SubscribedInfo | null;
}

/** What to do with an incoming event. */
export type Verdict = 'deliver' | 'duplicate' | 'hole' | 'ignore';

/** Starts tracking `channel`, from `since` when given. */
export function createTrack(channel: string, since: SincePosition | undefined): ChannelTrack {
  return { channel, subscribers: new Set(), position: null, since, rid: null, live: false, info: null };
}

/** The `subscribe` message that resumes `track` from its last position (or its initial `since`). */
export function subscribeMessage(track: ChannelTrack, rid: string): SubscribeMessage {
  track.rid = rid;
  track.live = false;
  const since = track.position ?? track.since;
  return since
    ? { type: 'subscribe', rid, channel: track.channel, since }
    : { type: 'subscribe', rid, channel: track.channel };
}

/**
 * Applies a `subscribed` answer: the track goes live and its position is set. Returns the gap to raise when
 * the requested position could not be recovered, once, after which delivery continues from `lastSeq`.
 */
export function applySubscribed(track: ChannelTrack, m: SubscribedMessage): GapInfo | null {
  const since = track.position ?? track.since;
  track.rid = null;
  track.live = true;
  track.info = { channel: m.channel, epoch: m.epoch, lastSeq: m.lastSeq, recovered: m.recovered };
  if (m.recovered || !since) {
    track.position = { epoch: m.epoch, seq: since && m.recovered ? since.seq : m.lastSeq };
    return null;
  }
  const last = track.position ?? (since.epoch === undefined ? null : { epoch: since.epoch, seq: since.seq });
  track.position = { epoch: m.epoch, seq: m.lastSeq };
  return { channel: m.channel, last, epoch: m.epoch, lastSeq: m.lastSeq };
}

/**
 * Decides an event's fate and advances the position when it is delivered. Events are accepted strictly in
 * order: an old seq is a duplicate, a seq past the next one is a hole (resubscribe from the position).
 */
export function acceptEvent(track: ChannelTrack | undefined, event: Envelope): Verdict {
  const position = track?.live ? track.position : null;
  if (!track || !position) return 'ignore';
  if (event.seq <= position.seq) return 'duplicate';
  if (event.seq > position.seq + 1) return 'hole';
  track.position = { epoch: position.epoch, seq: event.seq };
  return 'deliver';
}

/** The channels this client wants, each shared by its local subscribers and resumed on every connection. */
export interface Subscriptions {
  /** Adds a subscriber to `channel`; its first subscriber subscribes on the hub. Wakes a lazy client. */
  add<T>(channel: string, handlers: SubscribeOptions<T>): Subscription;
  /** A new connection is up: subscribes every channel again, each from its last position. */
  resubscribe(): void;
  /** The hub accepted `track`'s subscribe: goes live, raises a gap when the position was not recovered. */
  subscribed(track: ChannelTrack, m: SubscribedMessage): void;
  /** An `events` frame: each event delivered once and in order; a hole resubscribes from the position. */
  deliver(events: readonly Envelope[]): void;
  /** The hub refused `track`'s subscribe. */
  refused(track: ChannelTrack, error: HeraldError): void;
  /** The connection is gone: no channel is live until it is subscribed again. */
  reset(): void;
  size(): number;
  /** Events still to deliver up to the `lastSeq` each channel's last `subscribed` reported. */
  behind(): number;
  /** Forgets every channel (the client closed). */
  clear(): void;
}

type Callbacks = Required<Pick<SubscribeOptions<never>, 'onEvent' | 'onGap' | 'onSubscribed' | 'onError'>>;

/** Creates the client's subscriptions; they send through `link`. */
export function createSubscriptions(ctx: ClientContext, link: Link): Subscriptions {
  const { counters, requests } = ctx;
  const tracks = new Map<string, ChannelTrack>();

  const notify = <K extends keyof Callbacks>(
    track: ChannelTrack,
    key: K,
    arg: Parameters<Callbacks[K]>[0],
  ) => {
    for (const sub of [...track.subscribers]) safeCall(sub[key] as (a: typeof arg) => void, arg);
  };
  const subscribe = (track: ChannelTrack) =>
    link.send(subscribeMessage(track, requests.add({ kind: 'subscribe', track })));
  const unsubscribe = (channel: string) =>
    link.send({ type: 'unsubscribe', rid: requests.rid('u'), channel });

  return {
    add(channel, handlers) {
      let track = tracks.get(channel);
      const sub = { ...handlers } as SubscribeOptions<never>;
      if (!track) {
        track = createTrack(channel, handlers.since);
        tracks.set(channel, track);
        if (ctx.store.state === 'connected') subscribe(track);
      } else if (track.live && track.info) safeCall(sub.onSubscribed, track.info);
      track.subscribers.add(sub);
      link.wake();
      const own = track;
      return {
        channel,
        position: () => own.position,
        unsubscribe() {
          if (!own.subscribers.delete(sub) || own.subscribers.size || tracks.get(channel) !== own) return;
          tracks.delete(channel);
          if (own.live || own.rid) unsubscribe(channel);
          link.checkIdle();
        },
      };
    },
    resubscribe() {
      for (const track of tracks.values()) subscribe(track);
    },
    subscribed(track, m) {
      if (tracks.get(track.channel) !== track) return; // unsubscribed meanwhile
      const resumed = track.position !== null || track.since !== undefined;
      const gap = applySubscribed(track, m);
      if (gap) {
        counters.gaps++;
        notify(track, 'onGap', gap);
        ctx.events.emit('gap', gap);
      } else if (resumed) counters.resumes++;
      notify(track, 'onSubscribed', track.info!);
    },
    deliver(events) {
      for (const event of events) {
        const track = tracks.get(event.channel);
        const verdict = acceptEvent(track, event);
        if (verdict === 'duplicate') counters.duplicatesDropped++;
        else if (verdict === 'hole' && track) {
          // A hole must never be skipped: ask the hub again from the last delivered position.
          unsubscribe(track.channel);
          subscribe(track);
        } else if (verdict === 'deliver' && track) {
          counters.eventsDelivered++;
          notify(track, 'onEvent', event as never);
        }
      }
    },
    refused: (track, error) => notify(track, 'onError', error),
    reset() {
      for (const track of tracks.values()) {
        track.live = false;
        track.rid = null;
      }
    },
    size: () => tracks.size,
    behind() {
      let behind = 0;
      // `info` and `position` are set together by the first `subscribed`.
      for (const { info, position } of tracks.values())
        if (info) behind += Math.max(0, info.lastSeq - position!.seq);
      return behind;
    },
    clear: () => tracks.clear(),
  };
}
