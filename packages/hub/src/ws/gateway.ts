import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, ErrorCode, SUBPROTOCOL } from '@herald/protocol';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { HubContext } from '../context.js';
import { type ErrorAnswer, errorAnswer } from '../http/errors.js';
import { rawAnswer } from '../http/raw-answer.js';
import { onceDrained } from '../peer/drain.js';
import type { HubSocket } from '../peer/socket.js';
import { perMessageDeflateOf } from './compression.js';
import { Connection } from './connection.js';
import { handleMessage } from './handlers.js';

/** Send options: text frames, deflated (when the connection negotiated it) or not. */
const DEFLATE = Object.freeze({ binary: false });
const PLAIN = Object.freeze({ binary: false, compress: false });

/** Adapts a `ws` socket to the hub's {@link HubSocket}. A class, so each connection costs one small object. */
class WsHubSocket implements HubSocket {
  /**
   * `compressFrom`: the length from which a message is deflated, when the connection negotiated
   * permessage-deflate (`Infinity` with compression off). ws applies its own threshold only without
   * context takeover, so the hub applies it here.
   */
  constructor(
    private readonly ws: WebSocket,
    private readonly compressFrom: number,
  ) {}

  /** @inheritdoc */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** @inheritdoc */
  send(data: string | Buffer): void {
    this.ws.send(data, data.length < this.compressFrom ? PLAIN : DEFLATE);
  }

  /** @inheritdoc */
  cork(fn: () => void): void {
    const raw = this.raw();
    if (raw === undefined) {
      fn();
      return;
    }
    raw.cork();
    try {
      fn();
    } finally {
      raw.uncork();
    }
  }

  /** @inheritdoc */
  onceDrained(fn: () => void): void {
    onceDrained(this.raw(), fn);
  }

  /** The TCP socket under `ws` (not part of its typed API, but stable across ws 8). */
  private raw(): Duplex | undefined {
    return (this.ws as unknown as { _socket?: Duplex })._socket;
  }

  /** @inheritdoc */
  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  /** @inheritdoc */
  terminate(): void {
    this.ws.terminate();
  }

  /** @inheritdoc */
  pauseInput(): void {
    this.ws.pause();
  }

  /** @inheritdoc */
  resumeInput(): void {
    this.ws.resume();
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Refuses an upgrade with an HTTP error answer, its code in the JSON body as on every HTTP route. */
function refuseWith(socket: Duplex, answer: ErrorAnswer): void {
  socket.end(rawAnswer(answer));
}

/** The WebSocket side of the hub: upgrade handling and the live connections. */
export class WsGateway {
  /** Live connections (removed as soon as they close). */
  readonly connections = new Set<Connection>();
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly compressFrom: number;

  constructor(private readonly ctx: HubContext) {
    this.compressFrom = ctx.config.compression?.threshold ?? Number.POSITIVE_INFINITY;
    this.wss = new WebSocketServer({
      noServer: true,
      // The gateway tracks its own sockets; ws's extra Set would be a second copy per connection.
      clientTracking: false,
      // Frames up to 4× the limit are answered ERR_FRAME_TOO_LARGE; bigger ones make ws close with 1009.
      maxPayload: ctx.config.limits.maxFrameBytes * 4,
      // Off unless HubOptions.compression: an offer is then answered without the extension.
      perMessageDeflate: perMessageDeflateOf(ctx.config.compression),
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  // Shared listeners: one function for every connection rather than a closure each.
  private readonly onSocketError = (err: Error): void => {
    this.ctx.logger.debug({ err }, 'websocket error');
  };

  private readonly onGone = (conn: Connection): void => {
    this.connections.delete(conn);
  };

  /**
   * Handles an HTTP upgrade request: `/v1/ws` becomes a connection; other paths are answered `404`, an
   * `Origin` outside the allow-list `403 ERR_ORIGIN_NOT_ALLOWED`, and every upgrade `503` while the hub
   * drains. The session cookie's token, if any, is kept for a `hello` without one.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/ws') {
      this.refuse(socket, ErrorCode.NotFound, 'the WebSocket endpoint is /v1/ws');
      return;
    }
    const { origin, cookie } = req.headers;
    if (!this.ctx.auth.origins.allows(origin)) {
      this.refuse(
        socket,
        ErrorCode.OriginNotAllowed,
        `origin ${String(origin).slice(0, 200)} is not allowed`,
      );
      return;
    }
    if (this.ctx.isDraining()) {
      this.refuse(socket, ErrorCode.ShuttingDown, 'hub is draining');
      return;
    }
    try {
      const cookieToken = this.ctx.auth.sessionToken(cookie);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, cookieToken));
    } catch (err) {
      this.ctx.logger.warn({ err }, 'upgrade failed');
      socket.destroy();
    }
  }

  /** Answers a refused upgrade with its code, counted in `herald_errors_total` like every other refusal. */
  private refuse(socket: Duplex, code: ErrorCode, message: string): void {
    this.ctx.metrics.error(code);
    refuseWith(socket, errorAnswer(code, message));
  }

  private accept(ws: WebSocket, cookieToken: string | undefined): void {
    this.sockets.add(ws);
    ws.on('error', this.onSocketError);
    if (ws.protocol !== SUBPROTOCOL) {
      ws.on('close', () => this.sockets.delete(ws));
      this.ctx.metrics.error(ErrorCode.ProtocolVersion);
      ws.close(CloseCode.UnsupportedProtocol, `subprotocol ${SUBPROTOCOL} required`);
      return;
    }
    const conn = new Connection(
      this.ctx,
      new WsHubSocket(ws, this.compressFrom),
      handleMessage,
      this.onGone,
      cookieToken,
    );
    this.connections.add(conn);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        conn.receive(toBuffer(data), isBinary);
      } catch (err) {
        // The boundary: a bug handling one frame answers ERR_INTERNAL and never takes the hub down.
        this.ctx.logger.error({ err, connectionId: conn.id }, 'frame handling failed');
        conn.sendError(undefined, ErrorCode.Internal, 'internal error');
      }
    });
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      conn.closed();
      this.ctx.logger.debug({ connectionId: conn.id, sub: conn.principal.sub, code }, 'connection closed');
    });
    this.ctx.logger.debug({ connectionId: conn.id }, 'connection opened');
  }

  /** Resolves when every socket has closed, destroying the stragglers after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const ws of this.sockets) ws.terminate();
  }

  /** Stops the WebSocket server. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
