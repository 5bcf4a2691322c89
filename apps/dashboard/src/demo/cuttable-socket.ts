import type { WebSocketConstructorLike, WebSocketLike } from '@herald/client';

/** Close code the demo reports for a cut socket: 1006, what a real network drop looks like. */
const ABNORMAL_CLOSURE = 1006;

/** A WebSocket implementation with a demo "cut the cable" switch. */
export interface CuttableSocket {
  /** Pass as the client's `WebSocket` option. */
  readonly WebSocket: WebSocketConstructorLike;
  /** Drops every open socket and fails new ones until `ms` from now. */
  cut(ms: number): void;
  /** Epoch ms until which new sockets fail, or null when not cut. */
  cutUntil(): number | null;
  /** Called whenever the cut starts or ends; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}

/**
 * Wraps the browser WebSocket so the dashboard can demonstrate resume: `cut(5000)` kills the live socket
 * the way a network drop would (close 1006, no close handshake seen by the app) and refuses reconnects
 * for five seconds. Demo-only; it uses the client's injectable WebSocket option and nothing else.
 */
export function createCuttableSocket(Base: WebSocketConstructorLike = globalThis.WebSocket): CuttableSocket {
  const open = new Set<DemoSocket>();
  const listeners = new Set<() => void>();
  let blockedUntil = 0;
  let endTimer: ReturnType<typeof setTimeout> | undefined;
  const notify = (): void => {
    for (const l of [...listeners]) l();
  };

  class DemoSocket implements WebSocketLike {
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    private inner: WebSocketLike | null = null;
    private dead = false;

    constructor(url: string, protocols?: string | string[]) {
      if (Date.now() < blockedUntil) {
        setTimeout(() => this.fail('demo: network cut'), 50);
        return;
      }
      const ws = new Base(url, protocols);
      this.inner = ws;
      open.add(this);
      ws.onopen = (e) => this.onopen?.(e);
      ws.onmessage = (e) => this.onmessage?.(e);
      ws.onerror = (e) => this.onerror?.(e);
      ws.onclose = (e) => {
        open.delete(this);
        if (!this.dead) this.onclose?.(e);
        this.dead = true;
      };
    }

    get readyState(): number {
      return this.dead ? 3 : (this.inner?.readyState ?? 0);
    }

    send(data: string): void {
      if (!this.dead) this.inner?.send(data);
    }

    close(code?: number, reason?: string): void {
      this.inner?.close(code, reason);
    }

    /** Reports an abnormal close to the client and abandons the real socket. */
    fail(reason: string): void {
      if (this.dead) return;
      this.dead = true;
      open.delete(this);
      const inner = this.inner;
      if (inner !== null) {
        inner.onopen = inner.onmessage = inner.onclose = null;
        inner.onerror = () => {};
        try {
          inner.close(1000, reason);
        } catch {
          // a socket still connecting may refuse close(); it is abandoned either way
        }
      }
      this.onerror?.({ type: 'error' });
      this.onclose?.({ code: ABNORMAL_CLOSURE, reason });
    }
  }

  return {
    WebSocket: DemoSocket,
    cut(ms) {
      blockedUntil = Date.now() + ms;
      for (const socket of [...open]) socket.fail('demo: network cut');
      clearTimeout(endTimer);
      endTimer = setTimeout(() => {
        blockedUntil = 0;
        notify();
      }, ms);
      notify();
    },
    cutUntil: () => (Date.now() < blockedUntil ? blockedUntil : null),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
