import type { ServerResponse } from 'node:http';
import { CORS_HEADERS, CORS_PREFLIGHT_HEADERS } from './cors.js';
import { type ErrorAnswer, JSON_HEADERS } from './errors.js';

/** Whether nobody is left to read an answer (the client went away). */
function gone(res: ServerResponse): boolean {
  return res.headersSent || res.destroyed || res.socket?.destroyed === true;
}

/** Writes a JSON answer (text already encoded) with the API's CORS headers; a HEAD answer drops the body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  json: string,
  headers?: Readonly<Record<string, string>>,
): void {
  if (gone(res)) return;
  res.writeHead(status, {
    ...JSON_HEADERS,
    ...CORS_HEADERS,
    'content-length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

/**
 * Writes an error answer. `closeConnection` ends the keep-alive connection after it, for a body the hub
 * stopped reading (oversize), so the client cannot keep streaming into a socket that discards it.
 */
export function sendError(res: ServerResponse, answer: ErrorAnswer, closeConnection = false): void {
  sendJson(
    res,
    answer.status,
    answer.body,
    closeConnection ? { ...answer.headers, connection: 'close' } : answer.headers,
  );
}

/** Answers a CORS preflight: `204` with the policy's headers. */
export function sendPreflight(res: ServerResponse): void {
  if (gone(res)) return;
  res.writeHead(204, CORS_PREFLIGHT_HEADERS);
  res.end();
}
