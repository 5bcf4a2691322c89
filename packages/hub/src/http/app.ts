import { ErrorCode, HeraldError } from '@herald/protocol';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import type { HubContext } from '../context.js';
import { type Gauges, renderMetrics } from '../metrics.js';
import { CORS_HEADERS } from './cors.js';
import { answerResponse, errorResponse, toErrorAnswer } from './errors.js';
import { parseStreamQuery } from './query.js';
import { authorizeRouteRead } from './read-access.js';
import { SseStream } from './sse.js';
import { registerStateRoute } from './state-route.js';
import { serveSpa } from './static.js';

type Env = { Bindings: HttpBindings };

/** What the HTTP routes need besides the shared context. */
export interface AppDeps {
  readonly ctx: HubContext;
  /** Live gauges for /metrics. */
  readonly gauges: () => Gauges;
  /** Open SSE streams (closed on drain, pinged on heartbeat). */
  readonly sseStreams: Set<SseStream>;
  /** Folder served at `/`, if any. */
  readonly staticDir?: string | undefined;
}

/** An error answer of the Hono routes, counted in `herald_errors_total` as every transport's are. */
function refusal(
  ctx: HubContext,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  ctx.metrics.error(code);
  return errorResponse(code, message, headers);
}

/**
 * Builds the Hono app: SSE, health, metrics, the WebSocket hint and (optionally) static files. Publish and
 * history (`/v1/channels/{channel}/events`) are served before it on Node's own request (events-route.ts).
 */
export function createApp(deps: AppDeps): Hono<Env> {
  const { ctx, sseStreams } = deps;
  const app = new Hono<Env>();
  const methodNotAllowed = (allow: string) => () =>
    refusal(ctx, ErrorCode.MethodNotAllowed, 'method not allowed', { allow });

  // CORS and the Origin allow-list of /v1/* are applied before this app, on Node's response (origin-check.ts).
  app.get('/healthz', (c) =>
    ctx.isDraining() ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ok' }, 200),
  );
  app.all('/healthz', methodNotAllowed('GET, HEAD'));

  app.get('/metrics', (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(renderMetrics(ctx.metrics, deps.gauges()));
  });
  app.all('/metrics', methodNotAllowed('GET, HEAD'));

  app.get('/v1/channels/:channel/stream', async (c) => {
    if (ctx.isDraining()) throw new HeraldError(ErrorCode.ShuttingDown, 'hub is draining');
    const channel = await authorizeRouteRead(ctx, c.req);
    const query = parseStreamQuery(new URL(c.req.url).searchParams, c.req.header('last-event-id'));
    const res = c.env.outgoing;
    const stream = new SseStream(ctx, channel, res, (s) => sseStreams.delete(s));
    sseStreams.add(stream);
    // Written straight to the node response (its buffer is the stream's backpressure); the origin check
    // already set the per-origin CORS headers on it, and writeHead adds these to them.
    stream.start(query, CORS_HEADERS);
    return RESPONSE_ALREADY_SENT;
  });
  app.all('/v1/channels/:channel/stream', methodNotAllowed('GET, HEAD'));

  registerStateRoute(app, ctx);

  app.get('/v1/ws', () =>
    refusal(ctx, ErrorCode.BadMessage, 'WebSocket upgrade with subprotocol herald.v1 required'),
  );
  app.all('/v1/ws', methodNotAllowed('GET'));

  if (deps.staticDir !== undefined) serveSpa(app, deps.staticDir);

  app.notFound(() => refusal(ctx, ErrorCode.NotFound, 'no such route'));
  app.onError((err) => {
    const answer = toErrorAnswer(err, (e) => ctx.logger.error({ err: e }, 'http request failed'));
    ctx.metrics.error(answer.code);
    return answerResponse(answer);
  });
  return app;
}
