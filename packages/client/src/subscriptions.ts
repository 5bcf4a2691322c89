import type {
  Envelope,
  Position,
  ServerMessage,
  SincePosition,
  SubscribedMessage,
  SubscribeMessage,
} from '@herald/protocol';
import type { ClientContext, Link } from './context.js';
import { safeCall } from './emitter.js';
import { replyError } from './handshake.js';
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
  /** The subscribe in flight asked for a snapshot. */
  asked?: boolean;
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
  // Any subscriber that keeps state asks for it; the hub then resumes when it can, else sends a snapshot.
  track.asked = [...track.subscribers].some((s) => s.snapshot);
  return {
    type: 'subscribe',
    rid,
    channel: track.channel,
    ...(since && { since }),
    ...(track.asked && { snapshot: true }),
  };
}

/**
 * Applies a `subscribed` answer: the track goes live and its position is set. Returns the gap to raise when
 * the requested position could not be recovered, once, after which delivery continues from `lastSeq`.
 */
export function applySubscribed(track: ChannelTrack, m: SubscribedMessage): GapInfo | null {
  const since = track.position ?? track.since;
  track.rid = null;
  track.live = true;
  const { channel, epoch, lastSeq, recovered } = m;
  track.info = { channel, epoch, lastSeq, recovered, snapshot: !!track.asked && !(since && recovered) };
  if (recovered || !since) {
    track.position = { epoch, seq: since && recovered ? since.seq : lastSeq };
    return null;
  }
  const last = track.position ?? (since.epoch === undefined ? null : { epoch: since.epoch, seq: since.seq });
  track.position = { epoch, seq: lastSeq };
  return { channel, last, epoch, lastSeq };
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
  /** The channels by name. */
  readonly tracks: Map<string, ChannelTrack>;
  /** Adds a subscriber to `channel`; its first subscriber subscribes on the hub. Wakes a lazy client. */
  add<T>(channel: string, handlers: SubscribeOptions<T>): Subscription;
  /** A new connection is up: subscribes every channel again, each from its last position. */
  resubscribe(): void;
  /**
   * A message for the channels: `subscribed` answering `track`'s subscribe (it goes live; a gap is raised
   * when its position was not recovered), `events` (each delivered once and in order; a hole resubscribes
   * from the position), or an `error` (refusing `track`'s subscribe, if it names one; emitted either way).
   */
  message(m: ServerMessage, track: ChannelTrack | undefined): void;
  /** The connection is gone: no channel is live until it is subscribed again. */
  reset(): void;
}

/** Events still to deliver up to the `lastSeq` each channel's last `subscribed` reported. */
export function eventsBehind(tracks: Map<string, ChannelTrack>): number {
  let behind = 0;
  // `info` and `position` are set together by the first `subscribed`.
  for (const { info, position } of tracks.values())
    if (info) behind += Math.max(0, info.lastSeq - position!.seq);
  return behind;
}

type Callbacks = Required<
  Pick<SubscribeOptions<never>, 'onEvent' | 'onGap' | 'onSubscribed' | 'onError' | 'onSnapshot'>
>;

/** Creates the client's subscriptions; they send through `link`. */
export function createSubscriptions(ctx: ClientContext, link: Link): Subscriptions {
  const { counters, requests, events } = ctx;
  const { send, wake, checkIdle } = link;
  const tracks = new Map<string, ChannelTrack>();

  const notify = <K extends keyof Callbacks>(
    track: ChannelTrack,
    key: K,
    arg: Parameters<Callbacks[K]>[0],
  ) => {
    for (const sub of [...track.subscribers]) safeCall(sub[key] as (a: typeof arg) => void, arg);
  };
  /** A gap reaches the subscribers that keep no state; those that do get a snapshot instead. */
  const gap = (track: ChannelTrack, info: GapInfo | null) => {
    const stateless = [...track.subscribers].filter((s) => !s.snapshot);
    if (!info || !stateless.length) return;
    counters.gaps++;
    for (const sub of stateless) safeCall(sub.onGap, info);
    events.emit('gap', info);
  };
  const subscribe = (track: ChannelTrack) =>
    send(subscribeMessage(track, requests.add({ kind: 'subscribe', track })));
  const unsubscribe = (channel: string) => send({ type: 'unsubscribe', rid: requests.rid('u'), channel });

  return {
    tracks,
    add(channel, handlers) {
      let track = tracks.get(channel);
      const sub = { ...handlers } as SubscribeOptions<never>;
      const fresh = !track;
      if (!track) {
        track = createTrack(channel, handlers.since);
        tracks.set(channel, track);
      } else if (track.live && track.info) safeCall(sub.onSubscribed, track.info);
      track.subscribers.add(sub); // first: the subscribe message asks for what its subscribers need
      if (fresh && ctx.store.state === 'connected') subscribe(track);
      wake();
      const own = track;
      return {
        channel,
        position: () => own.position,
        unsubscribe() {
          if (!own.subscribers.delete(sub) || own.subscribers.size || tracks.get(channel) !== own) return;
          tracks.delete(channel);
          if (own.live || own.rid) unsubscribe(channel);
          checkIdle();
        },
      };
    },
    resubscribe() {
      for (const track of tracks.values()) subscribe(track);
    },
    message(m, track) {
      if (m.type === 'subscribed') {
        if (!track || tracks.get(track.channel) !== track) return; // unsubscribed meanwhile
        const resumed = track.position !== null || track.since !== undefined;
        const lost = applySubscribed(track, m);
        gap(track, lost);
        if (!lost && resumed) counters.resumes++;
        notify(track, 'onSubscribed', track.info!);
      } else if (m.type === 'snapshot') {
        const track = tracks.get(m.channel);
        if (!track?.live) return; // a snapshot belongs to the subscription it follows
        // The events after the snapshot continue the channel (a gap for stateless subscribers was raised).
        track.position = { epoch: m.epoch, seq: m.seq };
        for (const sub of [...track.subscribers]) if (sub.snapshot) safeCall(sub.onSnapshot, m);
      } else if (m.type === 'events') {
        for (const event of m.events) {
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
      } else if (m.type === 'error') {
        const error = replyError(m);
        if (track) notify(track, 'onError', error);
        events.emit('error', error);
      }
    },
    reset() {
      for (const track of tracks.values()) {
        track.live = false;
        track.rid = null;
      }
    },
  };
}
