import type { ClientMessage, ServerMessage } from '@herald/protocol';
import { vi } from 'vitest';
import { createClient } from '../../src/index.js';
import { loadPolling } from '../../src/transports/choice.js';
import type { ClientOptions, Environment, HeraldClient, WebSocketLike } from '../../src/types.js';

/** An in-memory WebSocket: the test plays the hub by calling `accept`, `deliver` and `drop`. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: ClientMessage[] = [];
  closedWith: { code?: number | undefined; reason?: string | undefined } | null = null;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeWebSocket.instances.push(this);
  }

  static last(): FakeWebSocket {
    const ws = FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    if (!ws) throw new Error('no socket opened');
    return ws;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** Messages of one type the client sent. */
  sentOf<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  deliver(message: ServerMessage | string): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  /** Opens and answers hello with welcome. */
  accept(heartbeatMs = 25_000): void {
    this.open();
    this.deliver({
      type: 'welcome',
      connectionId: 'c1',
      heartbeatMs,
      maxFrameBytes: 65_536,
      tokenExpiresAt: null,
    });
  }

  /** The hub side closes (or the network drops). */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Answers every pending subscribe as the hub would. */
  answerSubscribes(epoch = 'e1', lastSeq = 0, recovered = true): void {
    for (const m of this.sentOf('subscribe')) {
      if (!this.answered.has(m.rid)) {
        this.answered.add(m.rid);
        this.deliver({ type: 'subscribed', rid: m.rid, channel: m.channel, epoch, lastSeq, recovered });
      }
    }
  }
  private readonly answered = new Set<string>();
}

/** Fake online/visibility sources the test can fire. */
export function fakeSources() {
  const online = new Set<(online: boolean) => void>();
  const visible = new Set<() => void>();
  let isOnline = true;
  const env: Partial<Environment> = {
    isOnline: () => isOnline,
    onOnlineChange: (fn) => {
      online.add(fn);
      return () => online.delete(fn);
    },
    onVisible: (fn) => {
      visible.add(fn);
      return () => visible.delete(fn);
    },
    random: () => 0.5,
  };
  return {
    env,
    listeners: () => online.size + visible.size,
    setOnline(value: boolean) {
      isOnline = value;
      for (const fn of [...online]) fn(value);
    },
    becomeVisible() {
      for (const fn of [...visible]) fn();
    },
  };
}

/** A client wired to fake sockets, fake sources and vitest's fake timers. */
export function fakeClient(options: Partial<ClientOptions> = {}): {
  client: HeraldClient;
  sources: ReturnType<typeof fakeSources>;
} {
  const sources = fakeSources();
  const client = createClient({
    url: 'http://hub.test',
    WebSocket: FakeWebSocket,
    transports: ['websocket'], // polling fallback is tested on its own
    ...options,
    environment: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
      ...sources.env,
      ...options.environment,
    },
  });
  return { client, sources };
}

/** Lets pending promise callbacks (token fetches) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Lets zero-delay timers and promise callbacks run, a few rounds deep. */
export async function run(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await vi.advanceTimersByTimeAsync(1);
    await settle();
  }
}

/** Fake timers with a fixed clock start. */
export async function useFakeTime(): Promise<void> {
  // The polling fallback is a dynamic import; load it with real time, so fake timers never wait on it.
  await loadPolling();
  vi.useFakeTimers({ now: 1_000_000 });
  FakeWebSocket.instances = [];
}

/** Builds an `events` frame. */
export function eventsFrame(channel: string, ...seqs: number[]): ServerMessage {
  return {
    type: 'events',
    events: seqs.map((seq) => ({
      channel,
      seq,
      id: `id${seq}`,
      ts: '2026-01-01T00:00:00.000Z',
      type: 't',
      data: seq,
    })),
  };
}
