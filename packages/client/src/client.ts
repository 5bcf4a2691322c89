import { ErrorCode, HeraldError, isValidChannel, type JsonValue } from '@herald/protocol';
import { createAuth } from './auth.js';
import { createConnection } from './connection.js';
import { createContext, type Link } from './context.js';
import { createOutbox, DEFAULT_OUTBOX } from './outbox.js';
import { createPublisher } from './publisher.js';
import { createSubscriptions } from './subscriptions.js';
import type { ClientOptions, HeraldClient } from './types.js';

export { resolveUrls } from './urls.js';

/**
 * Creates a Herald client: one connection for many channel subscriptions, resume with no loss or
 * duplicates, an outbox for publishes, and a reconnect policy. See {@link ClientOptions}.
 *
 * It composes the parts, each in its own file: the connection (`connection.ts`), the channels
 * (`subscriptions.ts`), the outbox and its publisher (`outbox.ts`, `publisher.ts`) and auth (`auth.ts`);
 * here, replies are routed to the request they answer.
 */
export function createClient(options: ClientOptions): HeraldClient {
  const ctx = createContext(options);
  const { events, requests, store } = ctx;
  const outbox = createOutbox(
    { ...DEFAULT_OUTBOX, ...options.outbox },
    options.persistence ?? null,
    ctx.env.now,
    (e) => events.emit('outbox', e),
  );
  const link: Link = {
    send: (message) => connection.send(message),
    wake: () => connection.wake(),
    checkIdle: () => connection.idle(!channels.size() && !outbox.size()),
  };
  const channels = createSubscriptions(ctx, link);
  const publisher = createPublisher(ctx, outbox, link);
  const connection = createConnection(ctx, createAuth(options.getToken, ctx.log), {
    message(m) {
      const request = requests.take('rid' in m ? m.rid : undefined);
      if (m.type === 'subscribed') {
        if (request?.kind === 'subscribe') channels.subscribed(request.track, m);
      } else if (m.type === 'events') channels.deliver(m.events);
      else if (m.type === 'ack') {
        if (request?.kind === 'publish') publisher.acked(request.item, m);
      } else if (m.type === 'error') {
        const error = new HeraldError(m.code, m.message, { retryable: m.retryable });
        if (request?.kind === 'publish') publisher.refused(request.item, error);
        else {
          if (request) channels.refused(request.track, error);
          events.emit('error', error);
        }
      }
      // `refreshed`, `unsubscribed` and `pong` need nothing: a refresh keeps every subscription.
    },
    up() {
      channels.resubscribe();
      publisher.flush();
      link.checkIdle();
    },
    down() {
      requests.clear();
      outbox.reset();
      channels.reset();
    },
  });

  /** Why `channel` cannot be subscribed or published to now, if it cannot. */
  const refusal = (channel: string): HeraldError | undefined =>
    store.state === 'closed'
      ? new HeraldError(ErrorCode.ClientClosed, 'client is closed')
      : isValidChannel(channel)
        ? undefined
        : new HeraldError(ErrorCode.BadChannel, `bad channel name "${channel}"`);

  const client: HeraldClient = {
    get state() {
      return store.state;
    },
    getStatus: () => store.status,
    connect() {
      if (store.state === 'idle' || store.state === 'failed') connection.reconnect();
    },
    reconnect: connection.reconnect,
    subscribe(channel, handlers) {
      const refused = refusal(channel);
      if (refused) throw refused;
      return channels.add(channel, handlers);
    },
    publish(channel, type, data, publishOptions) {
      const refused = refusal(channel);
      return refused
        ? Promise.reject(refused)
        : publisher.publish(channel, type, data as JsonValue, publishOptions?.id);
    },
    on: events.on,
    stats: () => ({
      ...ctx.counters,
      outboxDepth: outbox.size(),
      subscriptions: channels.size(),
      eventsBehind: channels.behind(),
    }),
    close() {
      if (store.state === 'closed') return;
      connection.close();
      outbox.close();
      channels.clear();
      events.clear();
    },
  };
  if (!(options.lazy ?? true) || outbox.size()) connection.open(); // a restored outbox has messages to deliver
  return client;
}
