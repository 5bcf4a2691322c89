import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '@herald/protocol';
import type { HubOptions, ResolvedConfig } from './config.js';
import { errorAnswer } from './http/errors.js';
import { rawAnswer } from './http/raw-answer.js';
import { openHub } from './hub.js';
import type { HubControl } from './hub-api.js';

/** A running hub on its own port. Made by {@link startHub}. */
export interface Hub extends HubControl {
  /** Base URL, such as `http://127.0.0.1:8080` (a wildcard bind is reported as loopback). */
  readonly url: string;
  /** WebSocket URL, such as `ws://127.0.0.1:8080/v1/ws`. */
  readonly wsUrl: string;
  /** The bound port. */
  readonly port: number;
  /** The bind host as configured. */
  readonly host: string;
  /**
   * Sends `drain` to every client and closes them with 1012, then stops accepting connections once
   * `drainGraceMs` has passed (at once by default); until then `/healthz` answers 503.
   */
  drain(reason?: string): Promise<void>;
  /** Drains (ending any drain grace now), closes the server and flushes/closes the store the hub created. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Accept-queue length asked of the kernel (capped by `net.core.somaxconn`). Node's default of 511 drops
 * connections when thousands of clients reconnect at once after a restart.
 */
const LISTEN_BACKLOG = 4096;

/**
 * How often node:http looks for requests past `headersTimeoutMs` / `requestTimeoutMs`. Its default, 30 s,
 * would let a stalled request live that much longer than its timeout.
 */
function checkingIntervalMs(config: ResolvedConfig): number {
  const shortest = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  return Math.min(1_000, Math.max(50, Math.floor(shortest / 4)));
}

const REQUEST_TIMEOUT_ANSWER = rawAnswer(
  errorAnswer(ErrorCode.RequestTimeout, 'request headers or body not received in time'),
);
const BAD_REQUEST_ANSWER = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';
/** How long an answered bad socket may take to read its answer before it is destroyed. */
const CLIENT_ERROR_GRACE_MS = 1_000;

/**
 * node:http's `clientError`: a malformed request (`400`), or one past `headersTimeoutMs` /
 * `requestTimeoutMs` (`408 ERR_REQUEST_TIMEOUT`), answered only when no answer has begun on the socket
 * (bytes in the middle of one would corrupt it), then the socket is destroyed: a client dribbling its body
 * cannot keep it.
 */
function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (!socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const answer = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? REQUEST_TIMEOUT_ANSWER : BAD_REQUEST_ANSWER;
  socket.end(answer, () => socket.destroy());
  setTimeout(() => socket.destroy(), CLIENT_ERROR_GRACE_MS).unref();
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts a hub on its own `node:http` server: HTTP API and WebSocket endpoint on one port (a
 * {@link createHub} hub, listening). Rejects with a `HubConfigError` when the configuration is unsafe (no
 * auth off loopback), or with the listen error (`EADDRINUSE`, …).
 */
export async function startHub(options: HubOptions = {}): Promise<Hub> {
  const core = await openHub(options);
  const { config, logger } = core;
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(config),
    },
    (req, res) => core.handleRequest(req, res),
  );
  server.keepAliveTimeout = 65_000;
  server.on('clientError', onClientError);
  server.on('upgrade', (req, socket, head) => core.handleUpgrade(req, socket, head));

  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (err) {
    await core.release();
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'hub internal error'));

  const url = `http://${urlHost(config.host)}:${port}`;
  // info is the CLI's: it prints `listening on` itself, and one line per start is enough.
  logger.debug(
    { url, openDevHub: core.openDevHub },
    core.openDevHub ? 'listening (open dev hub: no auth)' : 'listening',
  );

  let serverClosed: Promise<void> | undefined;
  const stopServer = (): Promise<void> => {
    serverClosed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return serverClosed;
  };
  let drained: Promise<void> | undefined;
  const drain = (reason?: string): Promise<void> => {
    drained ??= (async () => {
      // Without a grace, stop accepting at once; with one, the port stays open (answering 503) until it ends.
      if (config.drainGraceMs === 0) void stopServer();
      await core.drain(reason);
      void stopServer();
    })();
    return drained;
  };
  let closed: Promise<void> | undefined;

  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/v1/ws`,
    port,
    host: config.host,
    openDevHub: core.openDevHub,
    publish: (channel, events) => core.publish(channel, events),
    connectionCount: () => core.connectionCount(),
    stats: () => core.stats(),
    metricsText: () => core.metricsText(),
    drain,
    close: () => {
      closed ??= (async () => {
        core.endDrainGrace();
        await drain('shutdown');
        server.closeAllConnections();
        await stopServer();
        await core.release();
        logger.info('hub closed');
      })();
      return closed;
    },
  };
}
