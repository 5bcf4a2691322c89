import type { BroadcastChannelConstructorLike } from './types.js';
import type { WireMessage } from './wire.js';

/** The tabs' BroadcastChannel, typed: every listener sees every message other tabs post. */
export interface Bus {
  post(message: WireMessage): void;
  /** Adds a listener; returns its removal. */
  listen(listener: (message: WireMessage) => void): () => void;
  close(): void;
}

/** Opens the channel `name`. */
export function openBus(BC: BroadcastChannelConstructorLike, name: string): Bus {
  const channel = new BC(name);
  const listeners = new Set<(message: WireMessage) => void>();
  let open = true;
  channel.onmessage = (event) => {
    const message = event.data as WireMessage;
    // Copied: a listener may remove itself or add another while this message is handled.
    for (const listener of [...listeners]) listener(message);
  };
  return {
    post(message) {
      if (open) channel.postMessage(message);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      open = false;
      listeners.clear();
      channel.close();
    },
  };
}
