import {
  type ClientMessage,
  CloseCode,
  closeCodeFor,
  ErrorCode,
  HeraldError,
  isRetryableError,
  parseClientMessage,
  type ServerMessage,
} from '@herald/protocol';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import { ErrorBudget } from '../limits/error-budget.js';
import type { TokenBucket } from '../limits/token-bucket.js';
import { Peer } from '../peer/peer.js';
import type { HubSocket, PeerFraming } from '../peer/socket.js';

type State = 'handshake' | 'authenticating' | 'open' | 'closed';

/** Frames a client may pipeline after `hello` before `welcome`. */
const MAX_EARLY_FRAMES = 32;

/** Codes that mean the peer sent garbage; they spend the error budget (rate or permission refusals do not). */
const GARBAGE: ReadonlySet<string> = new Set([
  ErrorCode.BadJson,
  ErrorCode.BadMessage,
  ErrorCode.UnknownType,
  ErrorCode.FrameTooLarge,
  ErrorCode.BadChannel,
  ErrorCode.BadPosition,
  ErrorCode.TooDeep,
]);

/** `events` frames: one batch is its shared frame; a backlog is packed once per flush round. */
const WS_FRAMING: PeerFraming = {
  batch: (batch) => batch.frame(),
  pack: (batches, packs) => packs.pack(batches),
};

/** Dispatches a parsed message on a connection (implemented in `handlers.ts`). */
export type MessageHandler = (conn: Connection, message: ClientMessage) => void;

/**
 * One WebSocket session of the `herald.v1` protocol: handshake, principal (and its refresh and expiry),
 * heartbeat, the invalid-frame budget and error answers. What it sends and subscribes goes through its
 * {@link Peer}, which the SSE adapter shares.
 */
/** Serial numbers of connections, for their heartbeat slot. */
let serials = 0;

export class Connection {
  /** This connection's serial number in the process; its heartbeat slot is `serial % slots` (ticker.ts). */
  readonly serial = serials++;
  /** The transport-neutral side: subscriptions, send queue, backpressure. */
  readonly peer: Peer;
  /** When the socket opened (ms since epoch). */
  readonly openedAt = Date.now();
  private state: State = 'handshake';
  private who: Principal = OPEN_PRINCIPAL;
  /** Set when a hub ping is unanswered; any inbound frame clears it. */
  private pongPending = false;
  private early: Buffer[] | null = null;
  private refreshAsked = false;
  private bucket: TokenBucket | undefined;
  private budget: ErrorBudget | undefined;

  constructor(
    readonly ctx: HubContext,
    socket: HubSocket,
    private readonly handle: MessageHandler,
    onGone: (conn: Connection) => void,
    /** The session cookie's token from the upgrade request; `hello` uses it when it carries no token. */
    private cookieToken?: string | undefined,
  ) {
    this.peer = new Peer(ctx, socket, WS_FRAMING, () => {
      this.state = 'closed';
      this.early = null;
      onGone(this);
    });
  }

  /** The session cookie's token, handed out once (to `hello`) so the connection does not keep holding it. */
  takeCookieToken(): string | undefined {
    const token = this.cookieToken;
    this.cookieToken = undefined;
    return token;
  }

  /** Hub-assigned id (sent in `welcome`, used in logs). */
  get id(): string {
    return this.peer.id;
  }

  /** The authenticated caller; replaced only by {@link Connection.refreshed}. */
  get principal(): Principal {
    return this.who;
  }

  /** Whether the handshake finished and the connection is not closed. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Whether the connection is closed (or being closed). */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  // ---- input ------------------------------------------------------------------------------------

  /** Handles one inbound frame. Never throws. */
  receive(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const m = this.ctx.metrics;
    m.framesReceived++;
    m.bytesReceived += data.length;
    this.pongPending = false;
    if (isBinary) {
      this.sendError(undefined, ErrorCode.BadMessage, 'binary frames are not supported');
      return;
    }
    const { maxFrameBytes } = this.ctx.config.limits;
    if (data.length > maxFrameBytes) {
      this.sendError(undefined, ErrorCode.FrameTooLarge, `frame over ${maxFrameBytes} bytes`);
      return;
    }
    if (this.state === 'authenticating') {
      if (this.early !== null && this.early.length < MAX_EARLY_FRAMES) this.early.push(data);
      else this.sendError(undefined, ErrorCode.BadMessage, 'too many frames before welcome');
      return;
    }
    this.handleText(data.toString('utf8'));
  }

  private handleText(text: string): void {
    const parsed = parseClientMessage(text);
    if (this.state === 'handshake') {
      if (parsed.ok && parsed.message.type === 'hello') {
        this.state = 'authenticating';
        this.early = [];
      } else {
        const code = parsed.ok ? ErrorCode.HelloRequired : parsed.error.code;
        this.sendError(undefined, code, parsed.ok ? 'send hello first' : parsed.error.message);
        this.closeWith(CloseCode.ProtocolError, 'hello required');
        return;
      }
    }
    if (parsed.ok) this.handle(this, parsed.message);
    else this.sendError(parsed.error.rid, parsed.error.code, parsed.error.message);
  }

  /** Finishes the handshake with `principal`: sends `welcome`, then processes pipelined frames. */
  accept(principal: Principal, requestId: string | undefined): void {
    if (this.state !== 'authenticating') return;
    this.who = principal;
    this.state = 'open';
    const { heartbeatMs, limits } = this.ctx.config;
    this.sendControl({
      type: 'welcome',
      connectionId: this.id,
      heartbeatMs,
      maxFrameBytes: limits.maxFrameBytes,
      tokenExpiresAt: principal.exp,
      ...(requestId === undefined ? {} : { requestId }),
    });
    const early = this.early ?? [];
    this.early = null;
    for (const frame of early) {
      if (this.state !== 'open') break;
      this.handleText(frame.toString('utf8'));
    }
  }

  /** Replaces the principal after an in-band refresh. */
  refreshed(principal: Principal): void {
    this.who = principal;
    this.refreshAsked = false;
  }

  /** This connection's publish bucket (the rule is {@link PublishLimiter}'s). */
  publishBucket(): TokenBucket {
    this.bucket ??= this.ctx.publisher.limiter.connectionBucket();
    return this.bucket;
  }

  // ---- timers (driven by the hub's shared ticker) -----------------------------------------------

  /** Handshake timeout and token expiry checks. */
  tick(now: number): void {
    const { handshakeTimeoutMs, refreshBeforeMs } = this.ctx.config;
    if (this.state === 'handshake' || this.state === 'authenticating') {
      if (now - this.openedAt >= handshakeTimeoutMs)
        this.fail(ErrorCode.HandshakeTimeout, 'no hello in time', 'handshake timeout');
      return;
    }
    const exp = this.who.exp;
    if (this.state !== 'open' || exp === null) return;
    if (now >= exp) {
      this.fail(ErrorCode.TokenExpired, 'token expired', 'token expired');
    } else if (!this.refreshAsked && now >= exp - refreshBeforeMs) {
      this.refreshAsked = true;
      this.sendControl({ type: 'refresh_required', expiresAt: exp });
    }
  }

  /**
   * One heartbeat round: close if the last ping went unanswered, else send `ping` (`frame` is the round's
   * ping, encoded once for every connection).
   */
  heartbeat(frame: string): void {
    if (this.state !== 'open') return;
    if (this.pongPending) {
      this.ctx.metrics.pingTimeouts++;
      this.ctx.metrics.error(ErrorCode.PingTimeout);
      this.closeWith(closeCodeFor(ErrorCode.PingTimeout), 'ping timeout');
      return;
    }
    this.pongPending = true;
    this.peer.send(frame);
  }

  // ---- output -----------------------------------------------------------------------------------

  /**
   * Queues a control message, in order with event batches. Each one answers a frame of the client's
   * (`subscribed`, `ack`, `error`, `pong`…) or is one of a few per connection (`welcome`,
   * `refresh_required`, `drain`), so all go out as replies: they never count toward the slow-consumer
   * limit, and while too many wait the hub stops reading the socket instead ({@link Peer.sendReply}).
   */
  sendControl(message: ServerMessage): void {
    this.peer.sendReply(JSON.stringify(message));
  }

  /** Answers an error; garbage input spends the error budget and may close the connection with 4029. */
  sendError(rid: string | undefined, code: ErrorCode, message: string): void {
    this.ctx.metrics.error(code);
    this.sendControl({
      type: 'error',
      ...(rid === undefined ? {} : { rid }),
      code,
      message,
      retryable: isRetryableError(code),
    });
    if (GARBAGE.has(code)) {
      this.budget ??= new ErrorBudget();
      if (this.budget.spend()) this.closeWith(CloseCode.TooManyErrors, 'too many invalid frames');
    }
  }

  /** Answers a failed request with the error's code (`ERR_INTERNAL` for anything unexpected). */
  sendFailure(rid: string | undefined, err: unknown): void {
    if (err instanceof HeraldError) {
      this.sendError(rid, err.code, err.message);
      return;
    }
    this.ctx.logger.error({ err, connectionId: this.id }, 'request failed');
    this.sendError(rid, ErrorCode.Internal, 'internal error');
  }

  /** Sends `error { code }` and closes with the close code the protocol's table gives `code`. */
  fail(code: ErrorCode, message: string, reason: string): void {
    this.sendError(undefined, code, message);
    this.closeWith(closeCodeFor(code), reason);
  }

  // ---- closing ----------------------------------------------------------------------------------

  /** Sends what is queued, then closes with `code`. */
  closeWith(code: number, reason: string): void {
    this.peer.close(code, reason);
  }

  /** The socket is gone (closed by either side). */
  closed(): void {
    this.peer.socketClosed();
  }
}
