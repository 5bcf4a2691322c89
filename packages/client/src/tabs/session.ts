import {
  type ClientMessage,
  CloseCode,
  ErrorCode,
  type HeraldError,
  type PublishMessage,
  type ServerMessage,
} from '@herald/protocol';
import type { Environment, HeraldClient } from '../types.js';
import type { Feeds } from './feeds.js';

/** The leader's end of one tab's link: what the leader sends the tab, and how it ends the link. */
export interface Port {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** One tab served by the leader, from its `hello` until its link ends. */
export interface Session {
  /** The token the tab's `hello` (or last `refresh`) carried. */
  readonly token: string | undefined;
  readonly ended: boolean;
  /** Sends to the tab (nothing once ended). */
  send(message: ServerMessage): void;
  /** A message from the tab's client. */
  receive(message: ClientMessage): void;
  /** Ends the session; with a code, the tab's link is closed with it (its client then reconnects). */
  end(code?: number, reason?: string): void;
}

/** What a session shares with the leader. */
export interface SessionParts {
  readonly id: string;
  readonly hub: HeraldClient;
  readonly feeds: Feeds;
  readonly env: Environment;
  readonly heartbeatMs: number;
  readonly tokenCheckMs: number;
  /** The session ended (the leader forgets it). */
  onEnd(): void;
}

/**
 * Plays the hub's side of `herald.v1` for one tab: `welcome` at once (the link is up while the leader
 * lives, whatever the hub connection's state, which every tab shows from the leader), subscriptions
 * through the leader's channels, publishes through its hub client's outbox (persisted there alone, so
 * no two tabs ever flush it) answered with the hub's ack, and a periodic token check: the tab is asked
 * for its token as a hub asks on `refresh_required`, and a tab whose `getToken` gives none is no longer
 * served (its link closes with 4401, after which its client gives up as on a refused token).
 */
export function createSession(port: Port, parts: SessionParts): Session {
  const { hub, feeds, env } = parts;
  let token: string | undefined;
  let ended = false;
  let checkTimer: unknown;

  const send = (message: ServerMessage) => {
    if (!ended) port.send(message);
  };

  /** Asks for the token every `tokenCheckMs`; no answer in `heartbeatMs * 3` ends the session. */
  const planCheck = () => {
    env.clearTimeout(checkTimer);
    if (!token || ended) return;
    checkTimer = env.setTimeout(() => {
      const grace = 3 * parts.heartbeatMs;
      send({ type: 'refresh_required', expiresAt: env.now() + grace });
      checkTimer = env.setTimeout(() => session.end(CloseCode.Unauthorized, 'no token from getToken'), grace);
    }, parts.tokenCheckMs);
  };

  const publish = ({ rid, channel, event }: PublishMessage) => {
    hub.publish(channel, event.type, event.data, event.id === undefined ? undefined : { id: event.id }).then(
      ({ id, seq, duplicate }) =>
        send({ type: 'ack', rid, channel, id, seq, ...(duplicate && { duplicate }) }),
      (error: HeraldError) => {
        // A leader that is closing drops its outbox's promises; the tab resends to the next leader.
        if (error.code !== ErrorCode.ClientClosed) {
          const { code, message, retryable } = error;
          send({ type: 'error', rid, code, message, retryable });
        }
      },
    );
  };

  const session: Session = {
    get token() {
      return token;
    },
    get ended() {
      return ended;
    },
    send,
    receive(m) {
      if (ended) return;
      switch (m.type) {
        case 'hello':
          token = m.token;
          send({
            type: 'welcome',
            connectionId: parts.id,
            heartbeatMs: 0, // the link has its own watch on the leader (see watch.ts)
            maxFrameBytes: 65_536,
            tokenExpiresAt: null,
          });
          planCheck();
          break;
        case 'subscribe':
          feeds.join(session, m);
          break;
        case 'unsubscribe':
          feeds.leave(session, m.channel);
          send({ type: 'unsubscribed', rid: m.rid, channel: m.channel });
          break;
        case 'publish':
          publish(m);
          break;
        case 'refresh':
          token = m.token;
          send({ type: 'refreshed', rid: m.rid, tokenExpiresAt: null });
          planCheck();
          break;
        case 'ping':
          send({ ...m, type: 'pong' });
          break;
      }
    },
    end(code, reason = '') {
      if (ended) return;
      if (code !== undefined) port.close(code, reason);
      ended = true;
      env.clearTimeout(checkTimer);
      feeds.drop(session);
      parts.onEnd();
    },
  };
  return session;
}
