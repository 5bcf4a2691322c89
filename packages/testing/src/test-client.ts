import type { Envelope, ServerMessage } from '@herald/protocol';
import WebSocket from 'ws';
import { waitFor } from './wait-for.js';

/** Options of {@link TestClient.connect}. */
export interface TestClientOptions {
  /**
   * Subprotocols to offer.
   * @default ['herald.v1']
   */
  protocols?: string[];
  /**
   * Send `hello` and wait for `welcome` (or `error`) before `connect` resolves.
   * @default true
   */
  hello?: boolean;
  /** Connection token sent in `hello`. @default none (an open dev hub needs none) */
  token?: string;
  /**
   * Answer hub pings with pongs.
   * @default true
   */
  autoPong?: boolean;
}

/** How the socket closed: the WebSocket close code and reason. */
export interface TestClientClose {
  readonly code: number;
  readonly reason: string;
}

/** An `error` message of the hub. */
export type ServerErrorMessage = Extract<ServerMessage, { type: 'error' }>;

let ridCounter = 0;

/**
 * A raw WebSocket client of the Herald protocol that records every message the hub sends, for tests of a
 * hub at the wire level: no reconnect, no dedupe, no queue, frames exactly as sent. (To test an app, use
 * `createClient` from `@herald/client` against {@link startTestHub} instead.)
 *
 * @example
 * ```ts
 * const c = await TestClient.connect(hub.wsUrl);
 * await c.subscribe('run:1', { seq: 0 });
 * await waitFor(() => c.events('run:1').length === 3);
 * expect(seqs(c.events('run:1'))).toEqual(range(1, 3));
 * c.close();
 * ```
 */
export class TestClient {
  /** Every message received, in arrival order. */
  readonly messages: ServerMessage[] = [];
  /** How the socket closed, or `null` while it is open. */
  closeInfo: TestClientClose | null = null;
  readonly #ws: WebSocket;
  readonly #autoPong: boolean;

  private constructor(ws: WebSocket, options: TestClientOptions) {
    this.#ws = ws;
    this.#autoPong = options.autoPong ?? true;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      this.messages.push(msg);
      if (msg.type === 'ping' && this.#autoPong) this.send({ type: 'pong', ts: msg.ts });
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: String(reason) };
    });
    ws.on('error', () => undefined);
  }

  /**
   * Opens a socket to `wsUrl` (a hub's `wsUrl`) and, unless `hello: false`, completes the handshake. A
   * refused handshake still resolves: look at {@link TestClient.errors} and {@link TestClient.closeInfo}.
   */
  static async connect(wsUrl: string, options: TestClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(wsUrl, options.protocols ?? ['herald.v1']);
    const client = new TestClient(ws, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('close', () => resolve());
    });
    if (options.hello ?? true) {
      client.send({ type: 'hello', ...(options.token === undefined ? {} : { token: options.token }) });
      await client.waitFor((m) => m.type === 'welcome' || m.type === 'error');
    }
    return client;
  }

  /**
   * The underlying socket, a `ws` WebSocket (cast it to `import('ws').WebSocket`), for faults the methods
   * here do not cover, such as pausing its TCP socket. Typed `unknown` so the kit's types need no `@types/ws`.
   */
  get ws(): unknown {
    return this.#ws;
  }

  /** Sends an object as JSON, or a string / Buffer as is (`binary` sends a binary frame). */
  send(message: unknown, binary = false): void {
    const data = typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message);
    this.#ws.send(data, { binary });
  }

  /**
   * Waits for a message matching `pred`, searching everything received so far, and returns it. Rejects
   * after `timeoutMs`.
   */
  waitFor<T extends ServerMessage = ServerMessage>(
    pred: (m: ServerMessage) => boolean,
    timeoutMs = 10_000,
  ): Promise<T> {
    return waitFor(() => (this.messages.find(pred) as T | undefined) ?? false, {
      timeoutMs,
      message: 'expected message not received',
    });
  }

  /** Sends a request with a fresh `rid` and waits for the reply carrying that `rid`. */
  async request(
    message: Record<string, unknown>,
    timeoutMs = 10_000,
  ): Promise<ServerMessage & { rid?: string }> {
    const rid = `r${++ridCounter}`;
    this.send({ ...message, rid });
    return this.waitFor((m) => 'rid' in m && m.rid === rid, timeoutMs);
  }

  /** Subscribes to `channel`, from `since` if given, and returns the reply (`subscribed` or `error`). */
  subscribe(
    channel: string,
    since?: { seq: number; epoch?: string },
  ): Promise<ServerMessage & { rid?: string }> {
    return this.request({ type: 'subscribe', channel, ...(since === undefined ? {} : { since }) });
  }

  /** Every event received for `channel` (or for every channel), in arrival order. */
  events(channel?: string): Envelope[] {
    const out: Envelope[] = [];
    for (const m of this.messages) {
      if (m.type === 'events')
        for (const e of m.events) if (channel === undefined || e.channel === channel) out.push(e);
    }
    return out;
  }

  /** The `error` messages received. */
  errors(): ServerErrorMessage[] {
    return this.messages.filter((m): m is ServerErrorMessage => m.type === 'error');
  }

  /** Waits until the socket is closed and returns its close code and reason. Rejects after `timeoutMs`. */
  async closed(timeoutMs = 10_000): Promise<TestClientClose> {
    return waitFor(() => this.closeInfo, { timeoutMs, message: 'socket did not close' });
  }

  /** Drops the connection at once, without a close handshake (idempotent). */
  close(): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING)
      this.#ws.terminate();
  }
}
