import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, HeraldError, type PublishResponseBody, publishResult } from '@herald/protocol';
import { bearer } from '../auth/authenticator.js';
import { assertChannel } from '../channel-name.js';
import type { HubContext } from '../context.js';
import { readHistory } from '../replay.js';
import { createAnswerQueue } from './answer-queue.js';
import { readJsonBody } from './body.js';
import { type ErrorAnswer, errorAnswer, toErrorAnswer } from './errors.js';
import { encodeHistoryBody } from './history-body.js';
import { sendError, sendJson, sendPreflight } from './node-reply.js';
import { parseHistoryQuery } from './query.js';
import { authorizeRead } from './read-access.js';

const PREFIX = '/v1/channels/';
const SUFFIX = '/events';
const ALLOW = { allow: 'GET, HEAD, POST' };

/** A publish body's events: an array of them, or one event on its own. */
const eventList = (body: unknown): unknown[] => (Array.isArray(body) ? body : [body]);

/** The channel segment of `/v1/channels/{channel}/events`, percent-decoded, or `null` for another path. */
function channelOf(path: string): string | null {
  if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) return null;
  const raw = path.slice(PREFIX.length, path.length - SUFFIX.length);
  if (raw.length === 0 || raw.includes('/')) return null;
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // not a channel name either way: assertChannel names it ERR_BAD_CHANNEL
  }
}

/**
 * `/v1/channels/{channel}/events` straight on Node's request and response: the hot route of a backend
 * publishing over HTTP and of the polling fallback, kept off the web-standard Request/Response/stream
 * layer, whose per-request cost was most of the hub's. `POST` publishes through the one publish path,
 * `GET`/`HEAD` read history, `OPTIONS` is the CORS preflight, anything else `405`. Returns a handler that
 * answers `true` when it took the request (other paths go to the Hono app).
 */
export function createEventsRoute(ctx: HubContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  const onUnexpected = (err: unknown): void => ctx.logger.error({ err }, 'http request failed');
  const later = createAnswerQueue(onUnexpected);
  /** Sends an error answer and counts its code. */
  const refuse = (res: ServerResponse, answer: ErrorAnswer, closeConnection = false): void => {
    ctx.metrics.error(answer.code);
    sendError(res, answer, closeConnection);
  };
  const fail = (res: ServerResponse, err: unknown): void => {
    refuse(
      res,
      toErrorAnswer(err, onUnexpected),
      err instanceof HeraldError && err.code === ErrorCode.PayloadTooLarge,
    );
  };

  async function publish(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    const { results } = await ctx.publisher.publish({
      channel,
      authenticate: () => ctx.auth.authenticate(bearer(req.headers.authorization)),
      events: () => readJsonBody(req, ctx.config.limits.maxBodyBytes).then(eventList),
    });
    const answer: PublishResponseBody = {
      events: results.map((r) => publishResult(r.id, r.seq, r.duplicate)),
    };
    later(() => sendJson(res, 201, JSON.stringify(answer)));
  }

  async function history(
    req: IncomingMessage,
    res: ServerResponse,
    channel: string,
    query: URLSearchParams,
  ): Promise<void> {
    assertChannel(channel);
    await authorizeRead(ctx, channel, req.headers.authorization, query.get('token'), req.headers.cookie);
    const { after, limit } = parseHistoryQuery(query);
    // A page of at most maxPageBytes of payload (and `limit` events), shared with other readers of it.
    const { info, batch } = await readHistory(
      ctx.store,
      channel,
      after,
      limit,
      ctx.config.limits.maxPageBytes,
    );
    later(() => sendJson(res, 200, encodeHistoryBody(channel, info, batch)));
  }

  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const channel = channelOf(q === -1 ? url : url.slice(0, q));
    if (channel === null) return false;
    let done: Promise<void>;
    switch (req.method) {
      case 'POST':
        done = publish(req, res, channel);
        break;
      case 'GET':
      case 'HEAD':
        done = history(req, res, channel, new URLSearchParams(q === -1 ? '' : url.slice(q + 1)));
        break;
      case 'OPTIONS':
        sendPreflight(res);
        return true;
      default:
        refuse(res, errorAnswer(ErrorCode.MethodNotAllowed, 'method not allowed', ALLOW));
        return true;
    }
    done.catch((err: unknown) => fail(res, err));
    return true;
  };
}
