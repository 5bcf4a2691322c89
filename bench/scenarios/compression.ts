import WebSocket from 'ws';
import { nowUs } from '../lib/clock.js';
import { type CpuSample, round, startCpuMeter } from '../lib/cpu.js';
import { MARK_N } from '../lib/payload.js';
import { type Child, spawnChild } from '../lib/rpc.js';
import { markdownTable, num } from '../lib/table.js';
import { failure, type ScenarioOptions } from './common.js';

/**
 * Scenario: what permessage-deflate (`HubOptions.compression`) costs and saves. The same hub (in its own
 * server process, memory store) runs twice, compression off and on with its defaults, each with the same
 * subscribers: raw `ws` sockets, which offer permessage-deflate as browsers do, in this (orchestrator)
 * process. Two phases per run:
 * - **live**: one channel, the bench's workflow event (~330 bytes of data) at a steady rate, so each frame
 *   carries one event (the seeds' usual traffic);
 * - **catch-up**: the same subscribers join a channel of stored events from seq 0 (replay: large frames of
 *   many events).
 * Measured per delivered event: bytes on the wire (TCP bytes the subscribers read: frame headers and
 * compression included), the hub process's CPU and this process's CPU (which inflates and scans the frames),
 * and, after the live phase, the hub process's memory with every subscriber connected.
 */

/** One measured phase of one run. */
export interface CompressionRow {
  readonly compression: 'off' | 'on';
  readonly phase: 'live' | 'catch-up';
  readonly subscribers: number;
  readonly deliveries: number;
  readonly wireBytesPerDelivery: number;
  readonly serverCpuUsPerDelivery: number;
  readonly clientCpuUsPerDelivery: number;
  readonly ms: number;
  /** Hub process memory with the subscribers connected (live phase only), MiB. */
  readonly serverRssMiB?: number;
  readonly serverExternalMiB?: number;
  /** Whether the first subscriber negotiated permessage-deflate. */
  readonly negotiated: boolean;
}

/** A subscriber that counts the bench events it receives (by their marker, without parsing). */
interface Subscriber {
  readonly ws: WebSocket;
  count: number;
  bytesRead(): number;
}

function countMarks(text: string): number {
  let n = 0;
  for (let at = text.indexOf(MARK_N); at !== -1; at = text.indexOf(MARK_N, at + MARK_N.length)) n++;
  return n;
}

/** Opens a herald.v1 socket, says hello, subscribes to `channel` (from `since` if given). */
function subscribe(port: number, channel: string, since?: number): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/ws`, ['herald.v1']);
    const sub: Subscriber = {
      ws,
      count: 0,
      bytesRead: () => (ws as unknown as { _socket?: { bytesRead: number } })._socket?.bytesRead ?? 0,
    };
    const timer = setTimeout(() => reject(new Error('subscribe timed out')), 20_000);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })));
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString();
      if (text.startsWith('{"type":"welcome"')) {
        const from = since === undefined ? {} : { since: { seq: since } };
        ws.send(JSON.stringify({ type: 'subscribe', rid: 's', channel, ...from }));
      } else if (text.startsWith('{"type":"subscribed"')) {
        clearTimeout(timer);
        resolve(sub);
      } else if (text.startsWith('{"type":"ping"')) {
        ws.send('{"type":"pong"}');
      } else sub.count += countMarks(text);
    });
  });
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const wire = (subs: readonly Subscriber[]): number => subs.reduce((s, x) => s + x.bytesRead(), 0);
const received = (subs: readonly Subscriber[]): number => subs.reduce((s, x) => s + x.count, 0);

/** Measures `run` (which makes `deliveries` happen) as one row. */
async function measure(
  server: Child,
  subs: readonly Subscriber[],
  base: Pick<CompressionRow, 'compression' | 'phase'>,
  run: () => Promise<number>,
): Promise<CompressionRow> {
  const bytes0 = wire(subs);
  const got0 = received(subs);
  await server.call('cpuStart');
  const client = startCpuMeter();
  const t0 = nowUs();
  const deliveries = await run();
  await until(() => received(subs) - got0 >= deliveries, 60_000, `${deliveries} deliveries`);
  const ms = (nowUs() - t0) / 1000;
  const serverCpu = await server.call<CpuSample | null>('cpuStop');
  const clientCpu = client();
  const perDelivery = (v: number) => round(v / deliveries, 2);
  return {
    ...base,
    subscribers: subs.length,
    deliveries,
    wireBytesPerDelivery: perDelivery(wire(subs) - bytes0),
    serverCpuUsPerDelivery: perDelivery((serverCpu?.cpuMs ?? 0) * 1000),
    clientCpuUsPerDelivery: perDelivery(clientCpu.cpuMs * 1000),
    ms: round(ms),
    negotiated: subs[0]?.ws.extensions.startsWith('permessage-deflate') ?? false,
  };
}

async function oneRun(o: ScenarioOptions, compression: 'off' | 'on'): Promise<CompressionRow[]> {
  const subscribers = o.quick ? 20 : 100;
  const rate = o.quick ? 200 : 500; // events/s on the live channel: one event per frame
  const liveMs = o.quick ? 2_000 : 8_000;
  const backlog = o.quick ? 2_000 : 10_000;
  const server = spawnChild('servers/main.ts', [], ['--expose-gc']);
  const subs: Subscriber[] = [];
  try {
    const { port } = await server.call<{ port: number }>(
      'start',
      { system: 'herald', compression: compression === 'on' },
      30_000,
    );
    for (let i = 0; i < subscribers; i++) subs.push(await subscribe(port, 'zip:live'));
    // Warm-up: JIT, and with compression each connection's deflate stream.
    await server.call('rate', { channels: ['zip:live'], eventsPerSec: rate, durationMs: 500 }, 30_000);
    await until(() => subs.every((s) => s.count >= rate / 2 - 1), 20_000, 'warm-up');
    const rows: CompressionRow[] = [];
    const live = await measure(server, subs, { compression, phase: 'live' }, async () => {
      const r = await server.call<{ published: number }>(
        'rate',
        { channels: ['zip:live'], eventsPerSec: rate, durationMs: liveMs },
        liveMs + 30_000,
      );
      return r.published * subs.length;
    });
    const memory = await server.call<NodeJS.MemoryUsage>('memory', undefined, 30_000);
    const mib = (b: number) => round(b / 1024 / 1024, 1);
    rows.push({ ...live, serverRssMiB: mib(memory.rss), serverExternalMiB: mib(memory.external) });
    for (const s of subs.splice(0)) s.ws.terminate();

    o.log(`compression ${compression}: storing ${backlog} events for the catch-up phase`);
    await server.call(
      'rate',
      { channels: ['zip:replay'], eventsPerSec: 10_000, durationMs: backlog / 10 },
      60_000,
    );
    const joined: Subscriber[] = [];
    rows.push(
      await measure(server, joined, { compression, phase: 'catch-up' }, async () => {
        for (let i = 0; i < subscribers; i++) joined.push(await subscribe(port, 'zip:replay', 0));
        return backlog * subscribers;
      }),
    );
    for (const s of joined) s.ws.terminate();
    return rows;
  } finally {
    for (const s of subs) s.ws.terminate();
    await server.call('close', undefined, 15_000).catch(() => {});
    await server.stop();
  }
}

/** The compression scenario: permessage-deflate off and on, live and catch-up. */
export async function compression(o: ScenarioOptions) {
  const rows: (CompressionRow | { compression: string; error: string })[] = [];
  for (const mode of ['off', 'on'] as const) {
    o.log(`compression ${mode}`);
    try {
      const measured = await oneRun(o, mode);
      for (const r of measured)
        o.log(
          `  ${r.phase}: ${r.wireBytesPerDelivery} wire bytes, ${r.serverCpuUsPerDelivery} µs hub CPU, ${r.clientCpuUsPerDelivery} µs client CPU per delivery${r.negotiated ? ' (deflate negotiated)' : ''}`,
        );
      rows.push(...measured);
    } catch (error) {
      o.log(`  failed: ${failure(error).error}`);
      rows.push({ compression: mode, ...failure(error) });
    }
  }
  o.log(renderCompression(rows));
  return { store: 'memory', rows };
}

/** The scenario's table in markdown, for bench/README.md. */
export function renderCompression(
  rows: readonly (CompressionRow | { compression: string; error: string })[],
): string {
  return markdownTable(
    [
      'compression',
      'phase',
      'subscribers',
      'deliveries',
      'wire bytes / delivery',
      'hub CPU µs / delivery',
      'client CPU µs / delivery',
      'hub RSS MiB (external)',
    ],
    rows.map((r) =>
      'error' in r
        ? [r.compression, '–', '–', '–', `failed: ${r.error}`, '–', '–', '–']
        : [
            r.compression === 'on' && !r.negotiated ? 'on (NOT negotiated)' : r.compression,
            r.phase,
            r.subscribers,
            num(r.deliveries),
            r.wireBytesPerDelivery,
            r.serverCpuUsPerDelivery,
            r.clientCpuUsPerDelivery,
            r.serverRssMiB === undefined ? '–' : `${r.serverRssMiB} (${r.serverExternalMiB})`,
          ],
    ),
  );
}
