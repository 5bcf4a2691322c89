import { CloseCode, ErrorCode, type ServerMessage } from '@herald/protocol';
import type { Transport, TransportHandlers } from '../types.js';
import type { Incoming, Ledger } from './ledger.js';
import type { SourcePublish, SourceResume } from './types.js';

/** What a backend connection reports to the session playing the hub's side over it. */
export interface WireLink {
  /**
   * The backend connection is up. `resumed`: the backend replays what was missed since the last
   * connection (so a channel resubscribed from where it stood is recovered; otherwise it gets a gap).
   */
  up(resumed: boolean): void;
  /**
   * A message mapped to an event (or null when it is none). `seen` runs once the session has taken it
   * (delivered, dropped as a repeat or as unsubscribed), not when a closing connection drops it, so a
   * backend position kept from it (an SSE id) never gets ahead of what the client has.
   */
  event(message: Incoming | null, seen?: () => void): void;
  /** The backend connection is gone; the client reconnects after its backoff. */
  down(code: number, reason: string): void;
}

/** One backend connection, opened by a source for one transport attempt. */
export interface Wire {
  /** The client subscribed `channel` (from `resume` when it had events before). */
  subscribe?(channel: string, resume: SourceResume | null): void;
  /** The client's last subscriber of `channel` left. */
  unsubscribe?(channel: string): void;
  /** Sends a publish to the backend; returns false when this source cannot publish. */
  publish?(event: SourcePublish): boolean;
  /** Closes the backend connection without reporting back. */
  close(): void;
}

const welcome: ServerMessage = {
  type: 'welcome',
  connectionId: 'source',
  heartbeatMs: 0, // the backend connection's own close tells of a loss
  maxFrameBytes: 65_536,
  tokenExpiresAt: null,
};

/**
 * Opens a transport that plays the hub's side of `herald.v1` over a backend that has no hub: `hello`
 * opens the backend connection (`connect`, given the token), `welcome` follows once it is up, every
 * `subscribe` is answered at once from the `ledger` (recovered only when the backend resumes), and mapped
 * messages of subscribed channels become `events`, numbered by the ledger, repeats dropped.
 *
 * An event is numbered only when it is delivered, so one dropped by a closing transport is not counted as
 * seen and a replay after the reconnect still delivers it.
 */
export function openSession(
  ledger: Ledger,
  handlers: TransportHandlers,
  connect: (link: WireLink, token: string | undefined) => Wire,
): Transport {
  const subscribed = new Set<string>(); // channels whose `subscribed` reply went out on this connection
  let wire: Wire | undefined;
  let resumed = false;
  let up = false;
  let done = false;

  // Replies wait in a queue drained in a later microtask, like the network, so the client never re-enters
  // itself. A `subscribed` reply goes before the events still waiting: the hub answers a subscribe before
  // it sends that channel's events, and an event is numbered only when it is delivered, so the channel's
  // `lastSeq` and its next events always follow on (a backend's replay right after a reconnect included).
  const first: (() => void)[] = [];
  const queue: (() => void)[] = [];
  let draining = false;
  const early: (() => void)[] = [];
  const drain = () => {
    draining = false;
    for (let next = first.shift() ?? queue.shift(); next && !done; next = first.shift() ?? queue.shift())
      next();
  };
  const later = (fn: () => void, urgent = false) => {
    (urgent ? first : queue).push(fn);
    if (!draining) {
      draining = true;
      Promise.resolve().then(drain);
    }
  };
  const reply = (message: ServerMessage, urgent = false) => later(() => handlers.message(message, 0), urgent);
  const refuse = (rid: string, code: ErrorCode, message: string) =>
    reply({ type: 'error', rid, code, message, retryable: false }, true);

  /** This connection is over: what it followed may pass the source by until the next one. */
  const end = () => {
    done = true;
    for (const channel of subscribed) ledger.interrupt(channel);
    wire?.close();
  };

  const link: WireLink = {
    up(backendResumes) {
      if (done || up) return;
      up = true;
      resumed = backendResumes;
      reply(welcome);
      for (const take of early.splice(0)) later(take);
    },
    event(message, seen) {
      if (done) return;
      // Before `up` (socket.io hands over a recovered session's missed events before its `connect`)
      // an event waits for the welcome and the subscribes it brings, or it would find no channel.
      (up ? later : (take: () => void) => early.push(take))(() => {
        const event = message && subscribed.has(message.channel) ? ledger.accept(message) : null;
        seen?.();
        if (event) handlers.message({ type: 'events', events: [event] }, 0);
      });
    },
    down(code, reason) {
      if (done) return;
      end();
      Promise.resolve().then(() => handlers.close(code, reason));
    },
  };

  Promise.resolve().then(() => !done && handlers.open());
  return {
    name: 'custom',
    send(message) {
      if (done) return 0;
      switch (message.type) {
        case 'hello':
          try {
            wire = connect(link, message.token);
          } catch {
            link.down(CloseCode.Abnormal, 'could not open the backend connection');
          }
          break;
        case 'subscribe': {
          const { rid, channel, since, snapshot } = message;
          if (snapshot) {
            refuse(rid, ErrorCode.MethodNotAllowed, 'a source has no channel state: it needs a Herald hub');
            break;
          }
          later(() => {
            subscribed.add(channel);
            const lastSeq = ledger.seq(channel);
            const recovered = ledger.resumed(channel, since, resumed);
            handlers.message(
              { type: 'subscribed', rid, channel, epoch: ledger.epoch, lastSeq, recovered },
              0,
            );
          }, true);
          wire?.subscribe?.(channel, ledger.resume(channel));
          break;
        }
        case 'unsubscribe': {
          const { rid, channel } = message;
          wire?.unsubscribe?.(channel);
          later(() => {
            subscribed.delete(channel); // after a `subscribed` still waiting, which would add it back
            ledger.interrupt(channel);
            handlers.message({ type: 'unsubscribed', rid, channel }, 0);
          }, true);
          break;
        }
        case 'publish': {
          const { rid, channel, event } = message;
          const id = event.id ?? `p${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
          if (wire?.publish?.({ channel, id, type: event.type, data: event.data }))
            // The backend does not acknowledge: the ack says it was sent, and seq 0 that no seq is known.
            reply({ type: 'ack', rid, channel, id, seq: 0 });
          else refuse(rid, ErrorCode.MethodNotAllowed, 'this source cannot publish');
          break;
        }
        case 'ping':
          reply(message.ts === undefined ? { type: 'pong' } : { type: 'pong', ts: message.ts });
          break;
      }
      return 0;
    },
    close() {
      if (!done) end();
    },
  };
}
