/**
 * The minimal socket the hub core writes to. The `ws` adapter implements it; tests and other transports can
 * too, so the core is not tied to one WebSocket library.
 */
export interface HubSocket {
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Sends one text frame (a Buffer is sent as text, already UTF-8). */
  send(data: string | Buffer): void;
  /** Runs `fn` with writes batched into as few syscalls as possible. */
  cork(fn: () => void): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /**
   * Calls `fn` once, when the send buffer has drained or the socket closed; a transport that cannot tell
   * may call it after a short delay instead. Optional: without it the hub polls `bufferedAmount`.
   */
  onceDrained?(fn: () => void): void;
  /** Destroys the socket at once. */
  terminate(): void;
}
