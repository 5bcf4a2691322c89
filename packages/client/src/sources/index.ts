/**
 * `@herald/client/sources`: Herald clients for backends that have no hub (a plain JSON WebSocket, any SSE
 * endpoint, a socket.io server). Each returns a {@link HeraldClient}, so `<HeraldProvider client>` and
 * every hook work unchanged, with the client's status, backoff, dedupe and gap signal. What each can
 * promise (resume only where the backend supports it) is in docs/sources.md.
 * @packageDocumentation
 */

export type { HeraldClient } from '../types.js';
export { type PlainWebSocketSourceOptions, plainWebSocketSource } from './plain-websocket.js';
export {
  type SocketIoConnectOptions,
  type SocketIoEmit,
  type SocketIoLike,
  type SocketIoMessage,
  type SocketIoSourceOptions,
  socketIoSource,
} from './socket-io.js';
export { type SseMessage, type SseSourceOptions, sseSource } from './sse.js';
export type {
  SourceClientOptions,
  SourceMapping,
  SourceOptions,
  SourcePublish,
  SourceResume,
} from './types.js';
