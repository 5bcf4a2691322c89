import type { EncodedBatch, PackCache } from '../encoded-batch.js';

/**
 * The minimal socket a {@link Peer} writes to: encoded bytes out, a send buffer to watch, a close with a
 * code. The `ws` adapter (WebSocket) and the SSE adapter (a `node:http` response) implement it; tests and
 * other transports can too, so the hub core is tied to no library.
 */
export interface HubSocket {
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Sends one frame (a Buffer is sent as text, already UTF-8). */
  send(data: string | Buffer): void;
  /** Runs `fn` with writes batched into as few syscalls as possible. */
  cork(fn: () => void): void;
  /** Ends the stream: the closing handshake on WebSocket, the end of the response on SSE. */
  close(code: number, reason: string): void;
  /**
   * Calls `fn` once, when the send buffer has drained or the socket closed; a transport that cannot tell
   * may call it after a short delay instead. Optional: without it the hub polls `bufferedAmount`.
   */
  onceDrained?(fn: () => void): void;
  /** Destroys the socket at once. */
  terminate(): void;
  /**
   * Stops reading frames from the client (TCP backpressure then holds the rest on its side); a few already
   * read may still arrive. Optional: a transport without input (SSE) has nothing to pause.
   */
  pauseInput?(): void;
  /** Reads frames again after {@link HubSocket.pauseInput}. */
  resumeInput?(): void;
}

/** How a transport encodes event batches into frames (control frames arrive already encoded). */
export interface PeerFraming {
  /** One batch as one frame. */
  batch(batch: EncodedBatch): string | Buffer;
  /** Several batches, in order, as one frame; `packs` shares the encoding between peers of one flush round. */
  pack(batches: readonly EncodedBatch[], packs: PackCache): string | Buffer;
  /**
   * The frame telling the subscriber in band that `channel`'s history was reset and that the events of
   * `epoch` after `fromSeq` follow. A transport without it is closed instead (1011), so its client resumes
   * and sees `recovered: false`; one whose reconnect position carries no epoch (SSE) needs it.
   */
  reset?(channel: string, epoch: string, fromSeq: number): string;
}
