import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The machine's NATS with JetStream: the bench only ever touches streams with its own prefix. */
const SERVERS = 'nats://127.0.0.1:4222';

/** Stream and subject prefixes of the bench's own; `remove()` deletes every stream made under them. */
export async function benchStreams(): Promise<{
  servers: string;
  streamPrefix: string;
  subjectPrefix: string;
  remove(): Promise<void>;
}> {
  const tag = randomBytes(5).toString('hex');
  const streamPrefix = `HB_${tag}_`;
  // Checked now, so that an engine that is down makes a failed row before the hub is started.
  await (await open()).close();
  return {
    servers: SERVERS,
    streamPrefix,
    subjectPrefix: `hb${tag}`,
    async remove() {
      const nc = await open();
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

function open() {
  return connect({ servers: SERVERS, timeout: 3_000, maxReconnectAttempts: 0 });
}
