import type { ClientOptions, HeraldClient } from '../types.js';

/**
 * The part of the Web Locks API tab sharing uses (`navigator.locks` fits). A lock is held for as long as
 * the promise the callback returns is pending; `steal` takes it from a holder that stopped answering.
 */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode?: 'exclusive'; steal?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
}

/** The part of `BroadcastChannel` tab sharing uses (the browser's and Node's fit). */
export interface BroadcastChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

/** A `BroadcastChannel` constructor, such as `globalThis.BroadcastChannel`. */
export type BroadcastChannelConstructorLike = new (name: string) => BroadcastChannelLike;

/** How tabs find and watch their leader. */
export interface TabsOptions {
  /**
   * Name of the lock and of the BroadcastChannel: tabs with the same name share one connection.
   * @default `herald:` followed by the hub URL(s)
   */
  name: string;
  /** @default globalThis.navigator.locks; without it each tab keeps its own connection */
  locks: LockManagerLike | undefined;
  /** @default globalThis.BroadcastChannel; without it each tab keeps its own connection */
  BroadcastChannel: BroadcastChannelConstructorLike | undefined;
  /** How often a follower asks the leader whether it is alive, in ms. @default 1000 */
  heartbeatMs: number;
  /**
   * A leader that answered none of a follower's asks for this long (a closed or frozen tab) is replaced:
   * the follower takes the lock from it. @default 3000
   */
  leaderTimeoutMs: number;
  /**
   * How often the leader asks each tab for its token again (through the tab's `getToken`, as on a hub's
   * `refresh_required`); a tab that gives none within `leaderTimeoutMs` is no longer served. Only tabs
   * that presented a token are asked. @default 15000
   */
  tokenCheckMs: number;
}

/** Options of `createSharedClient`: the client's, plus how tabs share the connection. */
export interface SharedClientOptions extends ClientOptions {
  /** Tab sharing settings; every one has a default. */
  tabs?: Partial<TabsOptions>;
}

/** A client sharing its tab's connection: a {@link HeraldClient}, plus whether this tab holds it. */
export interface SharedClient extends HeraldClient {
  /**
   * True while this tab leads (holds the hub connection for every tab); always true for a client that
   * fell back to a connection of its own (no Web Locks or no BroadcastChannel), until it is closed.
   */
  readonly leading: boolean;
}
