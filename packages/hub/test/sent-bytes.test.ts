import { startTestHub, type TestHub } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const sentBytes = (h: TestHub): number =>
  Number(/^herald_sent_bytes_total (\d+)$/m.exec(h.metricsText())?.[1] ?? Number.NaN);

describe('herald_sent_bytes_total', () => {
  it('counts UTF-8 bytes of SSE text, not string length, so non-ASCII payloads are counted right', async () => {
    hub = await startTestHub();
    const res = await fetch(`${hub.url}/v1/channels/run:bytes/stream`, {
      headers: { accept: 'text/event-stream' },
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    let text = '';
    const decoder = new TextDecoder();
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        received += value.byteLength;
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('retry:'); // the stream is open
    const before = sentBytes(hub);
    const bytesBefore = received;
    const data = 'é'.repeat(200); // 200 characters, 400 bytes
    await hub.publish('run:bytes', [{ type: 'note', data }]);
    await readUntil(`${data}"}\n\n`);
    const delta = sentBytes(hub) - before;
    expect(received - bytesBefore).toBeGreaterThan(400);
    expect(delta).toBe(received - bytesBefore);
    await reader.cancel();
  });
});
