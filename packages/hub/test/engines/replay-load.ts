/**
 * Hostile readers of one channel of large events, in a process of their own (so their parsing does not
 * slow the test's neighbour): `subscribers` WebSocket clients replaying the whole channel from seq 0 at
 * once, and `readers` HTTP clients walking its history with `limit=1000` pages, `rounds` times each. Every
 * client checks it got seqs 1..lastSeq in order. Prints `RESULT {…}` when all are done.
 */
import { WebSocket } from 'ws';

interface LoadSpec {
  readonly url: string;
  readonly wsUrl: string;
  readonly channel: string;
  readonly lastSeq: number;
  readonly subscribers: number;
  readonly readers: number;
  readonly rounds: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;

interface Outcome {
  readonly events: number;
  readonly inOrder: boolean;
  readonly bytes: number;
  readonly ms: number;
  readonly closeCode?: number;
}

/** One subscriber replaying from seq 0; keeps only seqs, so this process holds no history itself. */
function replay(): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(spec.wsUrl, ['herald.v1']);
    let next = 1;
    let inOrder = true;
    let bytes = 0;
    const finish = (closeCode?: number) => {
      resolve({
        events: next - 1,
        inOrder,
        bytes,
        ms: Date.now() - started,
        ...(closeCode ? { closeCode } : {}),
      });
      ws.close();
    };
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello' }));
      ws.send(JSON.stringify({ type: 'subscribe', rid: 's', channel: spec.channel, since: { seq: 0 } }));
    });
    ws.on('message', (data: Buffer) => {
      bytes += data.length;
      const msg = JSON.parse(data.toString()) as { type: string; ts?: number; events?: { seq: number }[] };
      if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', ts: msg.ts }));
      if (msg.type !== 'events') return;
      for (const e of msg.events ?? []) {
        if (e.seq !== next) inOrder = false;
        next = e.seq + 1;
      }
      if (next > spec.lastSeq) finish();
    });
    ws.on('close', (code) => finish(code));
    ws.on('error', () => undefined);
  });
}

/** One HTTP reader walking the whole history `rounds` times, a `limit=1000` page per request. */
async function walk(): Promise<Outcome> {
  const started = Date.now();
  let events = 0;
  let bytes = 0;
  let inOrder = true;
  for (let round = 0; round < spec.rounds; round++) {
    let after = 0;
    while (after < spec.lastSeq) {
      const res = await fetch(`${spec.url}/v1/channels/${spec.channel}/events?after=${after}&limit=1000`);
      const text = await res.text();
      bytes += text.length;
      const page = JSON.parse(text) as { events: { seq: number }[] };
      if (page.events.length === 0) {
        inOrder = false;
        break;
      }
      for (const e of page.events) {
        if (e.seq !== after + 1) inOrder = false;
        after = e.seq;
        events++;
      }
    }
  }
  return { events, inOrder, bytes, ms: Date.now() - started };
}

const [subscribers, readers] = await Promise.all([
  Promise.all(Array.from({ length: spec.subscribers }, replay)),
  Promise.all(Array.from({ length: spec.readers }, walk)),
]);
process.stdout.write(`RESULT ${JSON.stringify({ subscribers, readers })}\n`);
process.exit(0);
