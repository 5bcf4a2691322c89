import { STATUS_CODES } from 'node:http';
import type { ErrorAnswer } from './errors.js';

/**
 * An error answer as raw HTTP/1.1 bytes, for a socket that has no `ServerResponse` to write it (a refused
 * upgrade, a request node:http gave up on); `connection: close` says the socket ends after it.
 */
export function rawAnswer({ status, headers, body }: ErrorAnswer): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
