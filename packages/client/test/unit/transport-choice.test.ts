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

  it('falls back to SSE before polling when both are allowed, in the order given', () => {
    expect(pickTransport(['websocket', 'sse', 'polling'], FakeWebSocket, false)).toBe('websocket');
    expect(pickTransport(['websocket', 'sse', 'polling'], FakeWebSocket, true)).toBe('sse');
    expect(pickTransport(['websocket', 'polling', 'sse'], FakeWebSocket, true)).toBe('polling');
    expect(pickTransport(['websocket', 'sse'], FakeWebSocket, true)).toBe('sse');
  });

  it('uses SSE without a WebSocket, or when it is the only transport', () => {
    expect(pickTransport(['websocket', 'sse', 'polling'], undefined, false)).toBe('sse');
    expect(pickTransport(['sse'], undefined, false)).toBe('sse');
    expect(pickTransport(['sse', 'polling'], undefined, true)).toBe('sse');
  });
});
