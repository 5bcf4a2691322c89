import { ErrorCode, HeraldError, isValidChannel, type JsonValue } from '@herald/protocol';
import { createAuth } from './auth.js';
import { createConnection } from './connection.js';
import { createContext } from './context.js';
import { createOutbox, DEFAULT_OUTBOX } from './outbox.js';
import { createPublisher } from './publisher.js';
import { createSubscriptions, eventsBehind } from './subscriptions.js';
import { loadPolling } from './transports/choice.js';
import type { ClientOptions, HeraldClient } from './types.js';
import { resolveUrls } from './urls.js';

export { resolveUrls };

/**
 * Creates a Herald client: one connection for many channel subscriptions, resume with no loss or
 * duplicates, an outbox for publishes, and a reconnect policy. See {@link ClientOptions}.
 *
 * It composes the parts, each in its own file: the connection (`connection.ts`), the channels
 * (`subscriptions.ts`), the outbox and its publisher (`outbox.ts`, `publisher.ts`) and auth (`auth.ts`);
 * here, replies are routed to the request they answer.
 */
export function createClient(options: ClientOptions): HeraldClient {
  // Silently opening one connection per tab would hide the mistake: the machinery lives in its own entry.
  if (options.shareAcrossTabs)
    throw new TypeError("herald: shareAcrossTabs needs createClient from '@herald/client/tabs'");
  const ctx = createContext(options);
  const { events, requests, store } = ctx;
  const outbox = createOutbox(
    { ...DEFAULT_OUTBOX, ...options.outbox },
    options.persistence ?? null,
    ctx.env.now,
    (e) => events.emit('outbox', e),
  );
  const auth = createAuth(options.getToken, ctx.log);
  const connection = createConnection(ctx, auth, {
    message(m) {
      // Each reply goes to the part that sent its request. `refreshed`, `unsubscribed` and `pong` need
      // nothing (a refresh keeps every subscription), so the channels ignore them.
      const request = requests.take('rid' in m ? m.rid : undefined);
      if (request?.kind === 'publish') publisher.reply(request.item, m);
      else channels.message(m, request?.track);
    },
    up() {
      channels.resubscribe();
      publisher.flush();
      connection.checkIdle();
    },
    down() {
      requests.clear();
      outbox.reset();
      channels.reset();
    },
    unused: () => !tracks.size && !outbox.size(),
  });
  const channels = createSubscriptions(ctx, connection);
  const { tracks } = channels;
  const publisher = createPublisher(ctx, outbox, connection);

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
    async fetchState(channel) {
      const refused = refusal(channel);
      if (refused) throw refused;
      // The HTTP helpers live in the polling chunk, fetched only by apps that ask for state this way.
      const [polling, token] = await Promise.all([loadPolling(), auth.token ?? auth.get()]);
      return polling.fetchState(connection.http(), ctx.env, token, channel);
    },
    on: events.on,
    stats: () => ({
      ...ctx.counters,
      outboxDepth: outbox.size(),
      subscriptions: tracks.size,
      eventsBehind: eventsBehind(tracks),
    }),
    close() {
      if (store.state === 'closed') return;
      connection.close();
      outbox.close();
      tracks.clear();
      events.clear();
    },
  };
  if (!(options.lazy ?? true) || outbox.size()) connection.reconnect(); // a restored outbox has messages to deliver
  return client;
}
