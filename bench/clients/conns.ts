import { io as ioClient, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { nowUs } from '../lib/clock.js';
import { EVENT_TYPE, type WorkflowEvent } from '../lib/payload.js';
import type { SystemName } from '../servers/types.js';
import { hasEvents, maxSeq, type Sink, type Track } from './sink.js';

/** What every load connection shares. */
export interface ConnContext {
  readonly port: number;
  readonly sink: Sink;
  /** Reconnect (and, for Herald, resume) when the socket closes. */
  readonly reconnect: boolean;
  /** Called each time the connection is subscribed and ready for events. */
  readonly onReady: (conn: LoadConn) => void;
}

/** One load connection subscribed to one channel. */
export interface LoadConn {
  readonly channel: string;
  readonly track: Track | null;
  ready: boolean;
  close(): void;
}

/** Same policy for every raw client and socket.io-client: 500 ms × 2^attempt, ±50 %, capped at 5 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(5_000, 500 * 2 ** attempt) * (0.5 + Math.random());
}

/** Base for the raw-`ws` clients: one socket at a time, reconnecting with the shared policy. */
abstract class RawConn implements LoadConn {
  ready = false;
  protected socket: WebSocket | null = null;
  private attempt = 0;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly ctx: ConnContext,
    readonly channel: string,
    readonly track: Track | null,
  ) {}

  protected abstract url(): string;
  protected abstract protocol(): string | undefined;
  protected abstract onOpen(): void;
  protected abstract onMessage(frame: Buffer): void;

  open(): void {
    const socket = new WebSocket(this.url(), this.protocol(), { perMessageDeflate: false });
    this.socket = socket;
    socket.on('open', () => this.onOpen());
    socket.on('message', (data: Buffer) => this.onMessage(data));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.ready = false;
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed || !this.ctx.reconnect) return;
      this.timer = setTimeout(
        () => {
          if (this.track) this.track.attempts++;
          this.open();
        },
        reconnectDelayMs(this.attempt++),
      );
    });
  }

  protected markReady(): void {
    this.ready = true;
    this.attempt = 0;
    this.track?.readyAt.push(nowUs());
    this.ctx.onReady(this);
  }

  protected send(text: string): void {
    this.socket?.send(text);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.terminate();
  }
}

/** herald.v1 spoken minimally: hello, subscribe (with `since` on resume), pong; events are only scanned. */
class HeraldConn extends RawConn {
  private lastSeq = 0;
  private epoch: string | null = null;

  protected url(): string {
    return `ws://127.0.0.1:${this.ctx.port}/v1/ws`;
  }
  protected protocol(): string {
    return 'herald.v1';
  }
  protected onOpen(): void {
    this.send('{"type":"hello","client":"herald-bench"}');
  }
  protected onMessage(frame: Buffer): void {
    if (hasEvents(frame)) {
      this.ctx.sink.onFrame(frame, this.track);
      if (this.ctx.reconnect) this.lastSeq = Math.max(this.lastSeq, maxSeq(frame));
      return;
    }
    const message = JSON.parse(frame.toString()) as {
      type: string;
      epoch?: string;
      ts?: number;
      code?: string;
    };
    if (message.type === 'welcome') {
      const since = this.epoch ? { seq: this.lastSeq, epoch: this.epoch } : undefined;
      this.send(
        JSON.stringify({ type: 'subscribe', rid: '1', channel: this.channel, ...(since ? { since } : {}) }),
      );
    } else if (message.type === 'subscribed') {
      this.epoch = message.epoch ?? null;
      this.markReady();
    } else if (message.type === 'ping') {
      this.send(JSON.stringify({ type: 'pong', ts: message.ts }));
    } else if (message.type === 'error') {
      console.error(`[herald load client] ${frame.toString()}`);
    }
  }
}

/** socket.io's wire protocol spoken minimally over engine.io v4 websocket: open, connect, pong, events. */
class SocketIoRawConn extends RawConn {
  protected url(): string {
    return `ws://127.0.0.1:${this.ctx.port}/socket.io/?EIO=4&transport=websocket`;
  }
  protected protocol(): undefined {
    return undefined;
  }
  protected onOpen(): void {}
  protected onMessage(frame: Buffer): void {
    const kind = frame[0];
    if (kind === 0x34 /* '4' message */) {
      if (frame[1] === 0x32 /* '2' event */ && hasEvents(frame)) this.ctx.sink.onFrame(frame, this.track);
      else if (frame[1] === 0x32 && frame.includes('"ready"')) this.markReady();
    } else if (kind === 0x30 /* '0' open */) {
      this.send(`40${JSON.stringify({ room: this.channel })}`);
    } else if (kind === 0x32 /* '2' ping */) {
      this.send('3');
    }
  }
}

/** The raw ws baseline: the channel in the URL, every message is one event. */
class WsConn extends RawConn {
  protected url(): string {
    return `ws://127.0.0.1:${this.ctx.port}/?channel=${encodeURIComponent(this.channel)}`;
  }
  protected protocol(): undefined {
    return undefined;
  }
  protected onOpen(): void {}
  protected onMessage(frame: Buffer): void {
    if (hasEvents(frame)) this.ctx.sink.onFrame(frame, this.track);
    else if (frame.includes('"ready"')) this.markReady();
  }
}

/** The real socket.io-client (websocket only, one Manager per client), with its own reconnection. */
class SocketIoLibConn implements LoadConn {
  ready = false;
  private readonly socket: Socket;

  constructor(
    ctx: ConnContext,
    readonly channel: string,
    readonly track: Track | null,
  ) {
    this.socket = ioClient(`http://127.0.0.1:${ctx.port}`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { room: channel },
      reconnection: ctx.reconnect,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      randomizationFactor: 0.5,
    });
    this.socket.on('ready', () => {
      this.ready = true;
      track?.readyAt.push(nowUs());
      ctx.onReady(this);
    });
    this.socket.on('disconnect', () => {
      this.ready = false;
    });
    this.socket.io.on('reconnect_attempt', () => {
      if (track) track.attempts++;
    });
    this.socket.on(EVENT_TYPE, (event: WorkflowEvent) =>
      ctx.sink.onEvent(event.bench_t, event.bench_n, track),
    );
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Which client implementation speaks for socket.io: the minimal raw one or the real library. */
export type SocketIoClientKind = 'raw' | 'lib';

/** Opens one load connection of `system` on `channel`. */
export function openConn(
  system: SystemName,
  ctx: ConnContext,
  channel: string,
  track: Track | null,
  sioClient: SocketIoClientKind,
): LoadConn {
  if (system === 'socketio' || system === 'socketio-csr') {
    if (sioClient === 'lib') return new SocketIoLibConn(ctx, channel, track);
    const conn = new SocketIoRawConn(ctx, channel, track);
    conn.open();
    return conn;
  }
  const conn = system === 'herald' ? new HeraldConn(ctx, channel, track) : new WsConn(ctx, channel, track);
  conn.open();
  return conn;
}
