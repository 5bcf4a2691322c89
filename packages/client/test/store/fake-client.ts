import type { Envelope, JsonValue, Position, StateBody } from '@herald/protocol';
import type { HeraldClient, SubscribeOptions } from '../../src/types.js';

/** One `client.subscribe` call the store made, with the handlers it passed. */
export interface FakeSubscription {
  readonly channel: string;
  readonly options: SubscribeOptions<JsonValue>;
  unsubscribed: boolean;
  /** What `position()` answers (the client's track position). */
  position: Position | null;
}

/** One `client.fetchState` call, settled by the test. */
export interface FakeFetch {
  readonly channel: string;
  resolve(body: StateBody): void;
  reject(error: unknown): void;
}

/** A client whose only working method is `subscribe`: the test plays the hub through the handlers. */
export interface FakeClient {
  readonly client: HeraldClient;
  readonly subscriptions: FakeSubscription[];
  /** Every `fetchState` call, in order. */
  readonly fetches: FakeFetch[];
  /** The latest subscription (throws when there is none). */
  last(): FakeSubscription;
  /** Makes the next `subscribe` throw `error`. */
  failNextSubscribe(error: unknown): void;
}

export function fakeClient(): FakeClient {
  const subscriptions: FakeSubscription[] = [];
  const fetches: FakeFetch[] = [];
  let failure: { error: unknown } | null = null;
  const unsupported = (): never => {
    throw new Error('not used by the store');
  };
  const client: HeraldClient = {
    state: 'connected',
    getStatus: unsupported,
    connect: unsupported,
    reconnect: unsupported,
    publish: unsupported,
    on: unsupported,
    stats: unsupported,
    close: unsupported,
    fetchState: (channel) =>
      new Promise<StateBody>((resolve, reject) => {
        fetches.push({ channel, resolve, reject });
      }),
    subscribe<T>(channel: string, options: SubscribeOptions<T>) {
      if (failure !== null) {
        const { error } = failure;
        failure = null;
        throw error;
      }
      const sub: FakeSubscription = {
        channel,
        options: options as unknown as SubscribeOptions<JsonValue>,
        unsubscribed: false,
        position: null,
      };
      subscriptions.push(sub);
      return {
        channel,
        position: () => sub.position,
        unsubscribe: () => {
          sub.unsubscribed = true;
        },
      };
    },
  };
  return {
    client,
    subscriptions,
    fetches,
    last() {
      const sub = subscriptions.at(-1);
      if (sub === undefined) throw new Error('no subscription yet');
      return sub;
    },
    failNextSubscribe(error) {
      failure = { error };
    },
  };
}

/** An envelope of `channel` at `seq`. */
export function envelope(seq: number, type = 'tick', channel = 'run:1'): Envelope {
  return { channel, seq, id: `e${seq}`, ts: new Date(0).toISOString(), type, data: { n: seq } };
}

/** A scheduler the test runs by hand, counting the frames requested. */
export function manualFrames(): { scheduler: (cb: () => void) => void; run(): void; pending(): number } {
  let callbacks: (() => void)[] = [];
  return {
    scheduler: (cb) => {
      callbacks.push(cb);
    },
    run: () => {
      const current = callbacks;
      callbacks = [];
      for (const cb of current) cb();
    },
    pending: () => callbacks.length,
  };
}
