import { type ClientMessage, type ErrorBody, HeraldError, type ServerMessage } from '@herald/protocol';
import type { ConnectionStatus } from '../types.js';

/** A {@link ConnectionStatus} as it crosses the BroadcastChannel: the error as its wire body. */
export interface WireStatus extends Omit<ConnectionStatus, 'lastError'> {
  readonly lastError: ErrorBody | null;
}

/**
 * What tabs tell each other. `beat`: the leader's hub status (on every change and in answer to `probe`);
 * `bye`: the leader is going; `probe`: is anyone leading?; `up`/`down`: one tab's herald.v1 messages to and
 * from the leader, on its link; `close`: either end closes a link; `reconnect`: a tab asks the leader to
 * retry now.
 */
export type WireMessage =
  | { readonly k: 'beat'; readonly leader: string; readonly status: WireStatus }
  | { readonly k: 'bye'; readonly leader: string }
  | { readonly k: 'probe'; readonly from: string }
  | { readonly k: 'up'; readonly leader: string; readonly link: string; readonly m: ClientMessage }
  | { readonly k: 'down'; readonly link: string; readonly m: ServerMessage }
  | { readonly k: 'close'; readonly link: string; readonly code: number; readonly reason: string }
  | { readonly k: 'reconnect'; readonly leader: string };

/** The status to send. */
export const toWire = (status: ConnectionStatus): WireStatus => ({
  ...status,
  lastError: status.lastError?.toJSON() ?? null,
});

/** The status received, as the same object as `previous` when nothing changed (stable identity). */
export function fromWire(wire: WireStatus, previous: ConnectionStatus | null): ConnectionStatus {
  const { lastError, ...rest } = wire;
  const same =
    previous !== null &&
    (Object.keys(rest) as (keyof typeof rest)[]).every((k) => rest[k] === previous[k]) &&
    previous.lastError?.code === lastError?.code &&
    previous.lastError?.message === lastError?.message;
  if (same) return previous;
  const error =
    lastError && new HeraldError(lastError.code, lastError.message, { retryable: lastError.retryable });
  return { ...rest, lastError: error };
}
