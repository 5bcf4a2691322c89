import { describe, expect, it } from 'vitest';
import { pickTransport } from '../../src/transports/choice.js';
import { FakeWebSocket } from './fakes.js';

describe('transport choice', () => {
  it('prefers the WebSocket, falls back to polling only when allowed', () => {
    expect(pickTransport(['websocket', 'polling'], FakeWebSocket, false)).toBe('websocket');
    expect(pickTransport(['websocket', 'polling'], FakeWebSocket, true)).toBe('polling');
    expect(pickTransport(['websocket'], FakeWebSocket, true)).toBe('websocket');
  });

  it('polls without a WebSocket, and has nothing when polling is not allowed either', () => {
    expect(pickTransport(['websocket', 'polling'], undefined, false)).toBe('polling');
    expect(pickTransport(['websocket'], undefined, false)).toBeNull();
  });
});
