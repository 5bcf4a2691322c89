/** A hub's in-process publish, as the neighbour feed needs it. */
interface Publishes {
  publish(channel: string, events: readonly { type: string; data: unknown }[]): Promise<unknown>;
}

/** Live traffic a test keeps running beside what it does to the hub: its neighbours must get all of it. */
export interface NeighbourFeed {
  /** Events published so far (seqs 1..published on a fresh channel). */
  readonly published: number;
  /** Stops publishing and waits for the last publish. */
  stop(): Promise<void>;
}

/** Publishes a `tick` to `channel` every few milliseconds until stopped. */
export function startNeighbourFeed(hub: Publishes, channel: string): NeighbourFeed {
  let published = 0;
  let publishing = true;
  const pump = (async () => {
    while (publishing) {
      await hub.publish(channel, [{ type: 'tick', data: { n: published + 1 } }]);
      published++;
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  })();
  return {
    get published() {
      return published;
    },
    stop() {
      publishing = false;
      return pump;
    },
  };
}
