import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubMetrics } from '../metrics.js';

/** The route label of a path that is none of the hub's API routes: static files and unknown paths. */
export const OTHER_ROUTE = 'other';

const CHANNEL_ROUTE = /^\/v1\/channels\/[^/]+\/(events|stream|state)$/;
const FIXED_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/metrics', '/v1/ws']);

/**
 * The route template of a request URL, such as `/v1/channels/{channel}/events`: a label with a bounded
 * set of values whatever paths clients ask for (never the raw path, which would make one series per
 * channel).
 */
export function routeTemplate(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (FIXED_ROUTES.has(path)) return path;
  const channel = CHANNEL_ROUTE.exec(path);
  return channel === null ? OTHER_ROUTE : `/v1/channels/{channel}/${channel[1]}`;
}

/**
 * Counts the request in `herald_http_requests_total{route,status}` once its answer is over (an SSE stream
 * when it ends). A request whose client left before any answer was written is not counted: it got none.
 */
export function observeRequest(metrics: HubMetrics, req: IncomingMessage, res: ServerResponse): void {
  res.once('close', () => {
    if (res.headersSent) metrics.httpRequest(routeTemplate(req.url ?? ''), res.statusCode);
  });
}
