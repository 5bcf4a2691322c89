import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** One published event as the HTTP body carries it. */
export interface PostedEvent {
  readonly type: string;
  readonly data: unknown;
}

const PATH = /^\/v1\/channels\/([^/]+)\/events$/;
/** Same body limit as the hub's default `maxBodyBytes`. */
const MAX_BODY_BYTES = 1_048_576;

/**
 * `POST /v1/channels/<channel>/events` with one event or an array of them, the hub's publish API shape:
 * reads the body, parses the JSON, hands the events to `deliver` and answers 201. What a developer would
 * write by hand with `node:http`; the ceiling passes a no-op `deliver`, socket.io emits to a room.
 */
export function httpPublishHandler(
  deliver: (channel: string, events: readonly PostedEvent[]) => void,
): RequestListener {
  return (req, res) => {
    const match = req.method === 'POST' ? PATH.exec(req.url ?? '') : null;
    if (!match?.[1]) {
      res.writeHead(404).end();
      return;
    }
    const channel = decodeURIComponent(match[1]);
    readBody(req, res, (text) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        answer(res, 400, '{"error":"bad json"}');
        return;
      }
      const events = (Array.isArray(body) ? body : [body]) as PostedEvent[];
      deliver(channel, events);
      answer(res, 201, `{"events":${events.length}}`);
    });
  };
}

function readBody(req: IncomingMessage, res: ServerResponse, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) answer(res, 413, '{"error":"too large"}');
    else done(chunks.length === 1 ? (chunks[0]?.toString() ?? '') : Buffer.concat(chunks).toString());
  });
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
