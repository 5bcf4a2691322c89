/**
 * `@herald/client/sse`: the SSE transport. A client with `transports: ['websocket', 'sse', 'polling']` loads
 * it by itself (a lazily imported chunk) when the WebSocket keeps failing or is not allowed, so an app
 * need not import this entry; it is here to open the transport directly, or to read another SSE stream
 * with the same small parser.
 * @packageDocumentation
 */

export { readSseBody, type SseEvent, sseParser } from './sse-parser.js';
export { openSse } from './transports/sse.js';
