import type { WebSocketLike } from '@herald/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCuttableSocket } from '../src/demo/cuttable-socket.js';

/** A stand-in for the browser WebSocket: records what happens and lets the test open it. */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  sent: string[] = [];
  closedWith: number | undefined;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.made.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
}

describe('createCuttableSocket (demo network cut)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.made = [];
  });
  afterEach(() => vi.useRealTimers());

  it('passes traffic through to the real socket while not cut', () => {
    const demo = createCuttableSocket(FakeSocket);
    const ws = new demo.WebSocket('ws://hub/v1/ws', 'herald.v1');
    const onmessage = vi.fn();
    ws.onmessage = onmessage;
    const inner = FakeSocket.made[0];
    inner?.open();
    expect(ws.readyState).toBe(1);
    ws.send('hello');
    inner?.onmessage?.({ data: 'welcome' });
    expect(inner?.sent).toEqual(['hello']);
    expect(inner?.protocols).toBe('herald.v1');
    expect(onmessage).toHaveBeenCalledWith({ data: 'welcome' });
  });

  it('cut() closes open sockets with 1006, refuses new ones until the time is up, then allows them', () => {
    const demo = createCuttableSocket(FakeSocket);
    const changes = vi.fn();
    demo.onChange(changes);
    const ws = new demo.WebSocket('ws://hub/v1/ws');
    FakeSocket.made[0]?.open();
    const onclose = vi.fn();
    ws.onclose = onclose;

    demo.cut(5000);
    expect(onclose).toHaveBeenCalledWith({ code: 1006, reason: 'demo: network cut' });
    expect(ws.readyState).toBe(3);
    expect(demo.cutUntil()).not.toBeNull();

    const retry = new demo.WebSocket('ws://hub/v1/ws');
    const retryClosed = vi.fn();
    retry.onclose = retryClosed;
    vi.advanceTimersByTime(100);
    expect(retryClosed).toHaveBeenCalledWith({ code: 1006, reason: 'demo: network cut' });
    expect(FakeSocket.made).toHaveLength(1); // no real socket was opened while cut

    vi.advanceTimersByTime(5000);
    expect(demo.cutUntil()).toBeNull();
    expect(changes).toHaveBeenCalledTimes(2); // cut started, cut ended
    new demo.WebSocket('ws://hub/v1/ws');
    expect(FakeSocket.made).toHaveLength(2);
  });

  it('reports a socket closed by the client only once, and not after a cut', () => {
    const demo = createCuttableSocket(FakeSocket);
    const ws = new demo.WebSocket('ws://hub/v1/ws');
    const onclose = vi.fn();
    ws.onclose = onclose;
    demo.cut(1000);
    FakeSocket.made[0]?.onclose?.({ code: 1000, reason: '' }); // a late close from the abandoned socket
    expect(onclose).toHaveBeenCalledTimes(1);
  });
});
