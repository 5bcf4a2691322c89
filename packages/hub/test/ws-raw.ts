// Raw `ws` sockets with chosen upgrade headers (Origin, Cookie), for the hub's origin and cookie tests.
import WebSocket from 'ws';

/** A WebSocket upgrade that the hub refused: its HTTP status and body. */
export interface RefusedUpgrade {
  readonly refused: true;
  readonly status: number;
  readonly body: string;
}

/** An open `herald.v1` socket that records what the hub sends. */
export interface OpenSocket {
  readonly refused: false;
  readonly ws: WebSocket;
  readonly messages: Record<string, unknown>[];
  /** How it closed, once it has. */
  readonly closed: Promise<number>;
  /** Sends a message and resolves with the first later message matching `pred`. */
  request(
    message: Record<string, unknown>,
    pred: (m: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>>;
}

let rid = 0;

/** Opens `url` offering `herald.v1` with `headers`; resolves when it is open or refused. */
export function upgrade(url: string, headers: Record<string, string>): Promise<RefusedUpgrade | OpenSocket> {
  const ws = new WebSocket(url, 'herald.v1', { headers });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const request: OpenSocket['request'] = (message, pred) =>
    new Promise((resolve, reject) => {
      const from = messages.length;
      const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(message)}`)), 5000);
      const check = (): void => {
        const found = messages.slice(from).find(pred);
        if (found === undefined) waiters.push(check);
        else {
          clearTimeout(timer);
          resolve(found);
        }
      };
      waiters.push(check);
      ws.send(JSON.stringify(message));
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ refused: false, ws, messages, closed, request }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ refused: true, status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

/** Sends `hello` (with `token` if given) and resolves with the hub's answer, `welcome` or `error`. */
export function hello(socket: OpenSocket, token?: string): Promise<Record<string, unknown>> {
  return socket.request({ type: 'hello', ...(token === undefined ? {} : { token }) }, (m) =>
    ['welcome', 'error'].includes(String(m.type)),
  );
}

/** Sends a request with a fresh `rid` and resolves with the reply carrying it. */
export function ask(socket: OpenSocket, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = `raw${++rid}`;
  return socket.request({ ...message, rid: id }, (m) => m.rid === id);
}
