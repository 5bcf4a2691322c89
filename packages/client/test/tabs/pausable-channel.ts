import type { BroadcastChannelConstructorLike, BroadcastChannelLike } from '../../src/tabs/types.js';

/** A BroadcastChannel constructor whose channels can all be frozen at once, as a frozen tab's are. */
export interface PausableChannels {
  readonly BroadcastChannel: BroadcastChannelConstructorLike;
  /** From now on nothing goes out or comes in, as when a tab's page is frozen. */
  freeze(): void;
}

/** Node's real BroadcastChannel, with a freeze switch for one tab. */
export function pausableChannels(): PausableChannels {
  let frozen = false;
  class Channel implements BroadcastChannelLike {
    readonly #inner: BroadcastChannel;
    onmessage: BroadcastChannelLike['onmessage'] = null;
    constructor(name: string) {
      this.#inner = new BroadcastChannel(name);
      this.#inner.onmessage = (event) => {
        if (!frozen) this.onmessage?.(event);
      };
    }
    postMessage(message: unknown): void {
      if (!frozen) this.#inner.postMessage(message);
    }
    close(): void {
      this.#inner.close();
    }
  }
  return {
    BroadcastChannel: Channel,
    freeze() {
      frozen = true;
    },
  };
}
