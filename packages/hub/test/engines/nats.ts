import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The machine's shared NATS with JetStream: only streams with a test's own prefix are ever touched. */
export const SHARED_NATS = 'nats://127.0.0.1:4222';

/** Stream and subject prefixes of their own for one test, whose streams `remove()` deletes. */
export interface TestStreams {
  readonly streamPrefix: string;
  readonly subjectPrefix: string;
  remove(): Promise<void>;
}

/** Fresh prefixes on the server at `servers` (default: the shared one). */
export function testStreams(servers = SHARED_NATS): TestStreams {
  const tag = randomBytes(5).toString('hex');
  const streamPrefix = `HT_${tag}_`;
  const subjectPrefix = `ht${tag}`;
  return {
    streamPrefix,
    subjectPrefix,
    async remove() {
      const nc = await connect({ servers, timeout: 3_000, maxReconnectAttempts: 0 });
      try {
        const jsm = await jetstreamManager(nc);
        const names: string[] = [];
        for await (const name of jsm.streams.names()) if (name.startsWith(streamPrefix)) names.push(name);
        await Promise.all(names.map((n) => jsm.streams.delete(n)));
      } finally {
        await nc.close();
      }
    },
  };
}
