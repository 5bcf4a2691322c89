import type { Envelope, ServerMessage } from '@herald/protocol';
import WebSocket from 'ws';
import { waitFor } from './wait-for.js';

/** Options of {@link TestClient.connect}. */
export interface TestClientOptions {
  /** Subprotocols to offer. @default ['herald.v1'] */
  protocols?: string[];
  /** Send `hello` and wait for `welcome`. @default true */
  hello?: boolean;
  token?: string;
  /** Answer hub pings. @default true */
  autoPong?: boolean;
}

let ridCounter = 0;

/** A raw `ws` client that records every hub message, for protocol-level tests. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  closeInfo: { code: number; reason: string } | null = null;
  private autoPong: boolean;

  private constructor(
    readonly ws: WebSocket,
    options: TestClientOptions,
  ) {
    this.autoPong = options.autoPong ?? true;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      this.messages.push(msg);
      if (msg.type === 'ping' && this.autoPong) this.send({ type: 'pong', ts: msg.ts });
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: String(reason) };
    });
    ws.on('error', () => undefined);
  }

  /** Opens a socket (and by default completes the handshake). */
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

  /** Sends an object as JSON, or a string / Buffer as is. */
  send(message: unknown, binary = false): void {
    const data = typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message);
    this.ws.send(data, { binary });
  }

  /** Waits for a message matching `pred` (searching everything received so far). */
  waitFor<T extends ServerMessage = ServerMessage>(
    pred: (m: ServerMessage) => boolean,
    timeoutMs = 10_000,
  ): Promise<T> {
    return waitFor(() => this.messages.find(pred) as T | undefined, {
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

  /** Subscribes and returns the reply (`subscribed` or `error`). */
  subscribe(channel: string, since?: { seq: number; epoch?: string }) {
    return this.request({ type: 'subscribe', channel, ...(since === undefined ? {} : { since }) });
  }

  /** Every event received for `channel`, in arrival order. */
  events(channel?: string): Envelope[] {
    const out: Envelope[] = [];
    for (const m of this.messages) {
      if (m.type === 'events')
        for (const e of m.events) if (channel === undefined || e.channel === channel) out.push(e);
    }
    return out;
  }

  /** Error messages received. */
  errors(): Extract<ServerMessage, { type: 'error' }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error');
  }

  /** Waits until the socket is closed and returns the close code. */
  async closed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closeInfo, { timeoutMs, message: 'socket did not close' });
  }

  /** Closes the socket (idempotent). */
  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.terminate();
  }
}

/** Asserts seqs are exactly `from..to` in order. Returns the list of seqs for messages. */
export function seqs(events: readonly Envelope[]): number[] {
  return events.map((e) => e.seq);
}

/** `[from, from+1, …, to]`. */
export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
