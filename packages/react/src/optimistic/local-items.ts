import type { HeraldClient, OutboxEvent, PublishAck, StorageLike } from '@herald/client';
import type { JsonValue } from '@herald/protocol';

/** An item shown before the hub's event for it arrived: inserted by the app, or restored from the outbox. */
export interface LocalItem {
  /** The id of the publish that carries it (the hub's event will have this id). */
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  /** Epoch ms when it was inserted (or restored). */
  readonly insertedAt: number;
  /**
   * The newest seq the channel held when it was inserted: an event with the same key (`keyOf`) and a higher
   * seq is newer than this item and replaces it. 0 for restored items, whose insertion seq is unknown.
   */
  readonly afterSeq: number;
  /** Set by the hub's ack; null until then (and always for writes that go elsewhere). */
  readonly seq: number | null;
  /** True when it came from the persisted outbox of an earlier page (a reload). */
  readonly restored: boolean;
}

/** A local item whose write finally failed, and why: it was removed from the feed. */
export interface LocalFailure {
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  /** The publish's error (`ERR_FORBIDDEN`, `ERR_OUTBOX_EXPIRED`, …) or the app's write's rejection. */
  readonly error: Error;
}

/** The local items and failures of one channel, as one immutable snapshot. */
export interface LocalSnapshot {
  readonly items: readonly LocalItem[];
  readonly failures: readonly LocalFailure[];
}

/** What the persisted outbox holds per message (the client's `outbox.ts` writes it). */
interface PersistedMessage {
  readonly id: string;
  readonly channel: string;
  readonly type: string;
  readonly data: JsonValue;
}

/** Acknowledged items kept while their event has not arrived (a `since: 'now'` feed may never see it). */
const MAX_ACKED = 200;
/** Failures kept for the app to show; the oldest go first. */
const MAX_FAILURES = 50;

/**
 * The local (optimistic) items of one channel of one client, shared by every hook reading that channel,
 * so a pending item shows once however many components list the channel. It follows the client's
 * `outbox` events, which also report messages restored from storage (whose promises are gone): an ack
 * records the seq, a drop removes the item and records the failure.
 */
export class LocalItems {
  private snapshot: LocalSnapshot = { items: [], failures: [] };
  private readonly listeners = new Set<() => void>();
  private stopOutbox: (() => void) | null = null;

  constructor(
    readonly client: HeraldClient,
    readonly channel: string,
  ) {}

  /** The current snapshot (a new object after each change). */
  readonly getSnapshot = (): LocalSnapshot => this.snapshot;

  /** Calls `listener` after each change; the first listener starts following the outbox. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    this.stopOutbox ??= this.client.on('outbox', this.onOutbox);
    adopt(this); // back in the registry if its last listener had left (a StrictMode remount)
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0) return;
      this.stopOutbox?.();
      this.stopOutbox = null;
      // Forgotten when nothing is left to show; a pending write keeps it (its promise settles here).
      if (this.snapshot.items.length === 0 && this.snapshot.failures.length === 0)
        registry.get(this.client)?.delete(this.channel);
    };
  };

  /** Adds a pending item (ignored when one with the same id is already there). */
  add(item: LocalItem): void {
    if (this.find(item.id) !== undefined) return;
    this.set({ ...this.snapshot, items: [...this.snapshot.items, item] });
  }

  /**
   * Adds the channel's messages still waiting in the persisted outbox (`storage` under `key`, as the
   * client wrote them), as pending items marked `restored`. Messages already shown are skipped. Returns
   * whether it added any.
   */
  restore(storage: StorageLike, key: string): boolean {
    const restored = readOutbox(storage, key)
      .filter((m) => m.channel === this.channel && this.find(m.id) === undefined)
      .map(
        (m): LocalItem => ({
          id: m.id,
          type: m.type,
          data: m.data,
          insertedAt: Date.now(),
          afterSeq: 0,
          seq: null,
          restored: true,
        }),
      );
    if (restored.length === 0) return false;
    this.set({ ...this.snapshot, items: [...this.snapshot.items, ...restored] });
    return true;
  }

  /** Records the hub's ack of `id` (its seq); the item stays until its event is in the feed. */
  acked(id: string, ack: PublishAck): void {
    const item = this.find(id);
    if (item === undefined || item.seq !== null) return;
    let items = this.snapshot.items.map((i) => (i === item ? { ...i, seq: ack.seq } : i));
    const acked = items.filter((i) => i.seq !== null);
    if (acked.length > MAX_ACKED) {
      const drop = new Set(acked.slice(0, acked.length - MAX_ACKED));
      items = items.filter((i) => !drop.has(i));
    }
    this.set({ ...this.snapshot, items });
  }

  /** Rolls `id` back: removes the item and records why its write failed. */
  failed(id: string, error: Error): void {
    const item = this.find(id);
    if (item === undefined) return;
    const failure: LocalFailure = { id, type: item.type, data: item.data, error };
    this.set({
      items: this.snapshot.items.filter((i) => i !== item),
      failures: [...this.snapshot.failures, failure].slice(-MAX_FAILURES),
    });
  }

  /** Removes items whose hub event is in the feed now (they are shown from the event). */
  forget(ids: ReadonlySet<string>): void {
    const items = this.snapshot.items.filter((i) => !ids.has(i.id));
    if (items.length !== this.snapshot.items.length) this.set({ ...this.snapshot, items });
  }

  /** Removes a failure once the app has shown it. */
  dismiss(id: string): void {
    const failures = this.snapshot.failures.filter((f) => f.id !== id);
    if (failures.length !== this.snapshot.failures.length) this.set({ ...this.snapshot, failures });
  }

  private readonly onOutbox = (event: OutboxEvent): void => {
    if (event.channel !== this.channel) return;
    if (event.status === 'acked' && event.ack !== undefined) this.acked(event.id, event.ack);
    else if (event.status === 'dropped' && event.error !== undefined) this.failed(event.id, event.error);
  };

  private find(id: string): LocalItem | undefined {
    return this.snapshot.items.find((i) => i.id === id);
  }

  private set(next: LocalSnapshot): void {
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}

const registry = new WeakMap<HeraldClient, Map<string, LocalItems>>();

function channelsOf(client: HeraldClient): Map<string, LocalItems> {
  let channels = registry.get(client);
  if (channels === undefined) {
    channels = new Map();
    registry.set(client, channels);
  }
  return channels;
}

function adopt(items: LocalItems): void {
  const channels = channelsOf(items.client);
  if (!channels.has(items.channel)) channels.set(items.channel, items);
}

/** The shared {@link LocalItems} of `channel` on `client`, created on first use. */
export function getLocalItems(client: HeraldClient, channel: string): LocalItems {
  const channels = channelsOf(client);
  let items = channels.get(channel);
  if (items === undefined) {
    items = new LocalItems(client, channel);
    channels.set(channel, items);
  }
  return items;
}

/** The messages of a persisted outbox; nothing when it is missing or not what the client writes. */
function readOutbox(storage: StorageLike, key: string): PersistedMessage[] {
  try {
    const saved: unknown = JSON.parse(storage.getItem(key) ?? '[]');
    if (!Array.isArray(saved)) return [];
    return saved.filter(
      (m): m is PersistedMessage =>
        typeof m === 'object' &&
        m !== null &&
        typeof m.id === 'string' &&
        typeof m.channel === 'string' &&
        typeof m.type === 'string' &&
        'data' in m,
    );
  } catch {
    return []; // corrupt storage shows nothing rather than breaking the feed (the client ignores it too)
  }
}
