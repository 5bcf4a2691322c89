import { expectTypeOf, test } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { ClientOptions, WebSocketConstructorLike } from '../../src/index.js';

test('the ws package and the DOM WebSocket fit the WebSocket option without a cast', () => {
  expectTypeOf(NodeWebSocket).toExtend<WebSocketConstructorLike>();
  expectTypeOf(globalThis.WebSocket).toExtend<WebSocketConstructorLike>();
  const options: ClientOptions = { url: 'http://127.0.0.1:1', WebSocket: NodeWebSocket };
  expectTypeOf(options.WebSocket).not.toBeUndefined();
});
