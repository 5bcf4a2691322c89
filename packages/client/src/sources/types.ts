import type { JsonValue } from '@herald/protocol';
import type { ClientOptions } from '../types.js';

/**
 * How a backend's messages become Herald events: which channel, id and order each belongs to, and its
 * type and data. `M` is the message as the source reads it (parsed JSON, an SSE event, a socket.io emit).
 * A message whose channel is `undefined` or `null` is not an event (a pong, a control frame) and is skipped.
 */
export interface SourceMapping<M> {
  /** The channel a message belongs to, or a fixed channel for every message. */
  channel: string | ((message: M) => string | null | undefined);
  /**
   * The message's unique id: a repeat of an id already delivered on its channel is dropped.
   * @default the message's `id` field (string or number); else a hash of the message, so identical
   * messages count as one
   */
  id?: (message: M) => string | null | undefined;
  /**
   * The backend's own order of the message in its channel (a sequence number, a timestamp in ms). A
   * message whose order is not above the last one delivered on its channel is dropped as a repeat. Herald
   * still numbers the channel's events itself (`seq` 1, 2, 3...), so the backend's numbers may skip.
   * @default none: messages are taken in arrival order
   */
  order?: (message: M) => number | null | undefined;
  /** The event's type. @default the message's `type` field, else the source's default (see each source) */
  type?: (message: M) => string;
  /** The event's data. @default the message's `data` field, else the whole message */
  data?: (message: M) => JsonValue;
  /** The event's time, ISO 8601. @default the message's `ts` field if it is a string, else the time it arrived */
  ts?: (message: M) => string | null | undefined;
}

/** Where the source's last delivered event on a channel stands, for a backend that can resume from it. */
export interface SourceResume {
  /** Id of the last event delivered on the channel. */
  readonly lastId: string;
  /** Its order, when {@link SourceMapping.order} gave one. */
  readonly lastOrder?: number;
  /** Its Herald seq (counted by the source). */
  readonly seq: number;
}

/** An event published through a source, for the backend's own publish message. */
export interface SourcePublish {
  readonly channel: string;
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
}

/**
 * The client options a source passes on to {@link createClient} (status, backoff, timeouts, environment,
 * lazy connect, outbox, logging). Transport options are the source's own.
 */
export type SourceClientOptions = Omit<
  ClientOptions,
  | 'url'
  | 'openTransport'
  | 'transports'
  | 'WebSocket'
  | 'fallbackAfter'
  | 'pollIntervalMs'
  | 'upgradeIntervalMs'
>;

/** Options every source takes. */
export interface SourceOptions<M> extends SourceMapping<M>, SourceClientOptions {
  /**
   * Ids remembered per channel to drop repeats (the backend resending what it sent before a reconnect).
   * @default 1000
   */
  dedupeWindow?: number;
}
