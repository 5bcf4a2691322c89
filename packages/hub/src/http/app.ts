import {
  DEFAULT_HISTORY_LIMIT,
  ErrorCode,
  HeraldError,
  type HistoryPageBody,
  historyPage,
  MAX_HISTORY_LIMIT,
  type PublishResponseBody,
  publishResult,
} from '@herald/protocol';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { bearer } from '../auth/authenticator.js';
import { canSubscribe, type Principal } from '../auth/principal.js';
import { assertChannel } from '../channel-name.js';
import type { HubContext } from '../context.js';
import { type Gauges, renderMetrics } from '../metrics.js';
import { parseSeqParam, readJsonBody } from './body.js';
import { errorResponse, toErrorResponse } from './errors.js';
import { SseStream } from './sse.js';
import { serveSpa } from './static.js';

type Env = { Bindings: HttpBindings };

const SSE_CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Retry-After',
};

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

function channelParam(c: Context<Env>): string {
  const channel = c.req.param('channel') ?? '';
  assertChannel(channel);
  return channel;
}

async function reader(ctx: HubContext, c: Context<Env>, channel: string): Promise<Principal> {
  const principal = await ctx.auth.authenticate(
    bearer(c.req.header('authorization')) ?? c.req.query('token'),
  );
  if (!canSubscribe(principal, channel))
    throw new HeraldError(ErrorCode.Forbidden, `not allowed to read ${channel}`);
  return principal;
}

function methodNotAllowed(allow: string): (c: Context<Env>) => Response {
  return () => errorResponse(ErrorCode.MethodNotAllowed, 'method not allowed', { allow });
}

/** Builds the Hono app: publish, history/poll, SSE, health, metrics and (optionally) static files. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { ctx, sseStreams } = deps;
  const { limits } = ctx.config;
  const app = new Hono<Env>();

  app.use(async (_c, next) => {
    ctx.metrics.httpRequests++;
    await next();
  });
  // Credentials are bearer tokens, never cookies, so any origin may call the API (dashboards on another port).
  app.use(
    '/v1/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
      exposeHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );

  app.get('/healthz', (c) =>
    ctx.isDraining() ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ok' }, 200),
  );
  app.all('/healthz', methodNotAllowed('GET, HEAD'));

  app.get('/metrics', (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(renderMetrics(ctx.metrics, deps.gauges()));
  });
  app.all('/metrics', methodNotAllowed('GET, HEAD'));

  app.post('/v1/channels/:channel/events', async (c) => {
    const { results } = await ctx.publisher.publish({
      channel: c.req.param('channel') ?? '',
      authenticate: () => ctx.auth.authenticate(bearer(c.req.header('authorization'))),
      events: async () => {
        const body = await readJsonBody(c.req.raw, limits.maxBodyBytes);
        return Array.isArray(body) ? body : [body];
      },
    });
    const answer: PublishResponseBody = {
      events: results.map((r) => publishResult(r.id, r.seq, r.duplicate)),
    };
    return c.json(answer, 201);
  });

  app.get('/v1/channels/:channel/events', async (c) => {
    const channel = channelParam(c);
    await reader(ctx, c, channel);
    const after = parseSeqParam('after', c.req.query('after'), 0);
    const limit = parseSeqParam('limit', c.req.query('limit'), DEFAULT_HISTORY_LIMIT);
    if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
      throw new HeraldError(ErrorCode.BadPosition, `limit must be 1-${MAX_HISTORY_LIMIT}`);
    }
    const { info, events } = await ctx.store.read(channel, after, limit);
    c.header('cache-control', 'no-store');
    const page: HistoryPageBody = historyPage(channel, info, events);
    return c.json(page);
  });
  app.all('/v1/channels/:channel/events', methodNotAllowed('GET, HEAD, POST'));

  app.get('/v1/channels/:channel/stream', async (c) => {
    if (ctx.isDraining()) throw new HeraldError(ErrorCode.ShuttingDown, 'hub is draining');
    const channel = channelParam(c);
    await reader(ctx, c, channel);
    const lastEventId = c.req.header('last-event-id');
    const raw = lastEventId !== undefined && lastEventId !== '' ? lastEventId : c.req.query('after');
    const after = raw === undefined || raw === '' ? undefined : parseSeqParam('Last-Event-ID', raw, 0);
    const res = c.env.outgoing;
    const stream = new SseStream(ctx, channel, res, (s) => sseStreams.delete(s));
    sseStreams.add(stream);
    // Written straight to the node response (its buffer is the stream's backpressure), so the CORS
    // headers the middleware would add to a returned Response are sent here.
    stream.start(after, SSE_CORS_HEADERS);
    return RESPONSE_ALREADY_SENT;
  });
  app.all('/v1/channels/:channel/stream', methodNotAllowed('GET, HEAD'));

  app.get('/v1/ws', () =>
    errorResponse(ErrorCode.BadMessage, 'WebSocket upgrade with subprotocol herald.v1 required'),
  );
  app.all('/v1/ws', methodNotAllowed('GET'));

  if (deps.staticDir !== undefined) serveSpa(app, deps.staticDir);

  app.notFound(() => errorResponse(ErrorCode.NotFound, 'no such route'));
  app.onError((err) => toErrorResponse(err, (e) => ctx.logger.error({ err: e }, 'http request failed')));
  return app;
}
