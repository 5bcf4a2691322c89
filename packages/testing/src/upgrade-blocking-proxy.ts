import { Agent, createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { Socket } from 'node:net';
import { listenLocal } from './ports.js';

/** Options for {@link startUpgradeBlockingProxy}. */
export interface UpgradeBlockingProxyOptions {
  /** Port of the HTTP server to forward to (a test hub's `port`, or a fault proxy's). */
  targetPort: number;
  /**
   * Host of the server to forward to.
   * @default '127.0.0.1'
   */
  targetHost?: string;
  /**
   * Whether upgrades are refused from the start; {@link UpgradeBlockingProxy.blockUpgrades} changes it.
   * @default true
   */
  blocking?: boolean;
}

/**
 * An HTTP proxy on `127.0.0.1` that passes plain HTTP requests on (streamed both ways, so SSE and long
 * answers work) and refuses `Upgrade: websocket` requests with `403 Forbidden`, as a corporate proxy that
 * does not speak WebSockets does. Point a client at {@link UpgradeBlockingProxy.url} to test that it falls
 * back to SSE or polling, and lift the block to test that it upgrades back to the WebSocket.
 */
export interface UpgradeBlockingProxy {
  /** The port the proxy listens on (chosen by the OS). */
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/v1/ws`: the hub's WebSocket path through the proxy (refused while blocking). */
  readonly wsUrl: string;
  /** Refuses upgrades from now on (`true`) or passes them on (`false`). Open connections are left alone. */
  blockUpgrades(on: boolean): void;
  /** Upgrade requests refused so far. */
  refusedUpgrades(): number;
  /** HTTP requests passed on so far. */
  forwardedRequests(): number;
  /** Stops listening and destroys every connection. Safe to call twice. */
  close(): Promise<void>;
}

// Hop-by-hop headers describe one connection, not the message: each side of the proxy sets its own.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/**
 * Starts an HTTP proxy that refuses WebSocket upgrades, on a port chosen by the OS. An upgrade that is let
 * through (after `blockUpgrades(false)`) is joined to the target byte for byte.
 *
 * @example
 * ```ts
 * const hub = await startTestHub();
 * const proxy = await startUpgradeBlockingProxy({ targetPort: hub.port });
 * const client = createClient({ url: proxy.url, transports: ['websocket', 'sse', 'polling'] });
 * // the WebSocket is refused, so after `fallbackAfter` tries the client streams over SSE
 * ```
 */
export async function startUpgradeBlockingProxy(
  options: UpgradeBlockingProxyOptions,
): Promise<UpgradeBlockingProxy> {
  const host = options.targetHost ?? '127.0.0.1';
  const port = options.targetPort;
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  let blocking = options.blocking ?? true;
  let refused = 0;
  let forwarded = 0;

  const server = createServer((req, res) => {
    forwarded += 1;
    const upstream = request(
      { host, port, agent, method: req.method, path: req.url, headers: endToEnd(req.headers) },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        res.flushHeaders(); // an SSE stream's headers must not wait for its first event
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        answer.on('aborted', () => res.destroy());
      },
    );
    // A cut upstream (hub restart, fault proxy) ends the client's side too, as a real proxy would.
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    if (blocking) {
      refused += 1;
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = request({ host, port, method: req.method, path: req.url, headers: req.headers });
    upstream.on('upgrade', (answer, upSocket: Socket, upHead: Buffer) => {
      const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`];
      for (let i = 0; i < answer.rawHeaders.length; i += 2)
        lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.on('error', () => socket.destroy());
      socket.on('close', () => upSocket.destroy());
      upSocket.on('close', () => socket.destroy());
      upSocket.pipe(socket).pipe(upSocket);
    });
    upstream.on('response', (answer) => {
      socket.end(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\nconnection: close\r\n\r\n`);
      answer.resume();
    });
    upstream.on('error', () => socket.destroy());
    upstream.end();
  });
  server.on('error', () => {}); // accept errors must not crash the test run

  const listening = await listenLocal(server);
  let closing: Promise<void> | undefined;
  return {
    port: listening,
    url: `http://127.0.0.1:${listening}`,
    wsUrl: `ws://127.0.0.1:${listening}/v1/ws`,
    blockUpgrades(on) {
      blocking = on;
    },
    refusedUpgrades: () => refused,
    forwardedRequests: () => forwarded,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
      return closing;
    },
  };
}
