import { ErrorCode } from '@herald/protocol';
import { http, startTestHub, type TestHub } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { testStreams } from './engines/nats.js';

// A hub on NATS JetStream keeps no channel state (JetStream has no atomic batch to store it with the
// events): state publishes and reads are refused over HTTP with 501 ERR_STATE_UNSUPPORTED, and plain
// events on the same channel are still stored.

let hub: TestHub | undefined;
let names: ReturnType<typeof testStreams> | undefined;
afterEach(async () => {
  await hub?.close();
  await names?.remove();
  hub = names = undefined;
});

describe('channel state on a store without it', () => {
  it('answers 501 ERR_STATE_UNSUPPORTED and stores nothing of the refused publish', async () => {
    names = testStreams();
    hub = await startTestHub({
      store: { kind: 'nats', servers: 'nats://127.0.0.1:4222', ...names },
    });
    const url = `${hub.url}/v1/channels/job:nats/events`;
    const refused = await http(url, {
      method: 'POST',
      body: { type: 'step', data: null, state: [{ op: 'add', path: '/a', value: 1 }] },
    });
    expect(refused.status).toBe(501);
    expect(refused.body).toMatchObject({ error: { code: ErrorCode.StateUnsupported, retryable: false } });

    const read = await http(`${hub.url}/v1/channels/job:nats/state`);
    expect(read.status).toBe(501);
    expect(read.body).toMatchObject({ error: { code: ErrorCode.StateUnsupported } });

    const plain = await http(url, { body: { type: 'log', data: 'ok' } });
    expect(plain.status).toBe(201);
    const page = await http(`${url}?after=0`);
    expect((page.body as { events: { seq: number; type: string }[] }).events).toMatchObject([
      { seq: 1, type: 'log' },
    ]);
  });
});
