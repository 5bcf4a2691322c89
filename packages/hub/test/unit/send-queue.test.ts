import type { Envelope } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { EncodedBatch, PackCache } from '../../src/encoded-batch.js';
import { SendQueue } from '../../src/peer/send-queue.js';
import type { HubSocket, PeerFraming } from '../../src/peer/socket.js';

/** Records what a peer writes: each send, and whether it happened inside a cork. */
function recordingSocket() {
  const writes: { data: string; corked: boolean }[] = [];
  let corked = false;
  let corks = 0;
  const socket: HubSocket = {
    bufferedAmount: 0,
    send: (data) => {
      writes.push({ data: String(data), corked });
    },
    cork: (fn) => {
      corks++;
      corked = true;
      try {
        fn();
      } finally {
        corked = false;
      }
    },
    close: () => {},
    terminate: () => {},
  };
  return { socket, writes, corks: () => corks };
}

const framing: PeerFraming = {
  batch: (b) => `batch[${b.encoded.join(',')}]`,
  pack: (bs) => `pack[${bs.map((b) => b.encoded.join(',')).join('|')}]`,
};

const envelope = (seq: number): Envelope => ({
  channel: 'run:1',
  seq,
  id: `e${seq}`,
  ts: '2026-01-01T00:00:00.000Z',
  type: 't',
  data: seq,
});
const batch = (...seqs: number[]) => new EncodedBatch('run:1', seqs.map(envelope));

describe('SendQueue.writeTo', () => {
  it('writes a lone batch as one frame, without corking, and empties the queue', () => {
    const queue = new SendQueue(framing);
    const { socket, writes, corks } = recordingSocket();
    const only = batch(1);
    queue.pushEvents(only);
    const sent = queue.writeTo(socket, new PackCache());
    const frame = framing.batch(only) as string;
    expect(writes).toEqual([{ data: frame, corked: false }]);
    expect(sent).toBe(frame.length);
    expect(corks()).toBe(0);
    expect(queue.isEmpty).toBe(true);
    expect(queue.bytes).toBe(0);
  });

  it('writes a lone control frame as is', () => {
    const queue = new SendQueue(framing);
    const { socket, writes } = recordingSocket();
    queue.pushControl('{"type":"pong"}');
    expect(queue.writeTo(socket, new PackCache())).toBe(15);
    expect(writes).toEqual([{ data: '{"type":"pong"}', corked: false }]);
  });

  it('keeps order and packs consecutive batches inside one cork when more is queued', () => {
    const queue = new SendQueue(framing);
    const { socket, writes, corks } = recordingSocket();
    queue.pushEvents(batch(1));
    queue.pushEvents(batch(2, 3));
    queue.pushControl('ctl');
    queue.pushEvents(batch(4));
    queue.writeTo(socket, new PackCache());
    expect(corks()).toBe(1);
    expect(writes.map((w) => w.data)).toEqual([
      framing.pack([batch(1), batch(2, 3)], new PackCache()),
      'ctl',
      framing.batch(batch(4)),
    ]);
    expect(writes.every((w) => w.corked)).toBe(true);
    // After a lone-item flush, the next flush sees only what came since.
    queue.pushEvents(batch(5));
    queue.writeTo(socket, new PackCache());
    expect(writes.at(-1)).toEqual({ data: framing.batch(batch(5)), corked: false });
  });
});
