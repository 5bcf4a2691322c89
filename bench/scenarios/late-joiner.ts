import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hub } from '@herald/hub';
import {
  applyStateOps,
  EMPTY_STATE,
  type Envelope,
  type JsonValue,
  jobOps,
  type PublishInput,
  type ServerMessage,
  type StateBody,
} from '@herald/protocol';
import WebSocket from 'ws';
import { round } from '../lib/cpu.js';
import { failure, type ScenarioOptions } from './common.js';

/**
 * Scenario: a late joiner on a long run. One `run:late` channel holds a MeatyMusic-like run of N events
 * (LYRICS streamed token by token: each event appends one token to `outputs/lyrics`, every 10th also
 * reports the step's progress, plus the plan's step starts and ends). A viewer that opens the page now
 * needs the run's current state. Four ways to get it, each measured as bytes the viewer receives and time
 * until it holds the state (parsed and, for replays, folded with applyStateOps):
 * - `GET /v1/channels/{c}/state` (one HTTP answer);
 * - WebSocket `subscribe {snapshot: true}` (the `snapshot` message);
 * - full replay over HTTP history pages (`GET …/events?after=N&limit=1000`), folded;
 * - full replay over WebSocket (`subscribe {since: {seq: 0}}`), folded.
 * Each replay's fold is checked against the hub's state, so a row never reports a wrong answer fast.
 */

const STEPS = ['PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE', 'VALIDATE', 'FIX', 'RENDER', 'REVIEW'];
const CHANNEL = 'run:late';
const WORDS = ['neon', 'tide', 'pull', 'me', 'under', 'static', 'hearts', 'and', 'summer', 'thunder'];

/** One late-join method's median over the repetitions. */
export interface LateJoinerRow {
  readonly method: string;
  readonly events: number;
  /** Bytes the viewer received (HTTP bodies, or WebSocket message payloads). */
  readonly bytes: number;
  readonly medianMs: number;
  readonly minMs: number;
  /** Whether the state the viewer ends with equals the hub's. */
  readonly stateEqual: boolean;
}

/** The events of a run of `count` events, with their state operations. */
function runEvents(count: number): PublishInput[] {
  const events: PublishInput[] = [
    {
      type: 'run.started',
      data: { run_id: 'late' },
      state: [...jobOps.create({ plan: STEPS }), ...jobOps.start()],
    },
    { type: 'node.start', data: { node: 'LYRICS' }, state: jobOps.stepStart('LYRICS') },
  ];
  for (let i = 0; events.length < count - 1; i++) {
    const token = `${WORDS[i % WORDS.length]}${i % 8 === 7 ? '\n' : ' '}`;
    const state = jobOps.append('lyrics', token);
    if (i % 10 === 9) state.push(...jobOps.stepProgress('LYRICS', round(i / count, 4)));
    events.push({ type: 'lyrics.token', data: { index: i, text: token }, state });
  }
  events.push({ type: 'node.end', data: { node: 'LYRICS' }, state: jobOps.stepEnd('LYRICS') });
  return events;
}

const fold = (events: readonly Envelope[]): JsonValue => {
  let doc = EMPTY_STATE;
  for (const e of events) {
    if (!e.state) continue;
    const next = applyStateOps(doc, e.state);
    if (!next.ok) throw new Error(`fold failed at seq ${e.seq}: ${next.error.message}`);
    doc = next.state;
  }
  return doc;
};

const same = (a: JsonValue, b: JsonValue): boolean => JSON.stringify(a) === JSON.stringify(b);

async function viaHttpState(url: string): Promise<{ bytes: number; state: JsonValue }> {
  const text = await (await fetch(`${url}/v1/channels/${CHANNEL}/state`)).text();
  return { bytes: Buffer.byteLength(text), state: (JSON.parse(text) as StateBody).state };
}

async function viaHttpReplay(url: string): Promise<{ bytes: number; state: JsonValue }> {
  const events: Envelope[] = [];
  let bytes = 0;
  for (;;) {
    const text = await (
      await fetch(`${url}/v1/channels/${CHANNEL}/events?after=${events.length}&limit=1000`)
    ).text();
    bytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as { events: Envelope[]; lastSeq: number };
    events.push(...page.events);
    if (page.events.length === 0 || events.length >= page.lastSeq) break;
  }
  return { bytes, state: fold(events) };
}

/** Subscribes over a raw WebSocket and resolves once `done` says the viewer holds the state. */
function viaWs(
  wsUrl: string,
  subscribe: Record<string, unknown>,
  total: number,
): Promise<{ bytes: number; state: JsonValue }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, ['herald.v1']);
    let bytes = 0;
    const events: Envelope[] = [];
    const finish = (state: JsonValue) => {
      ws.terminate();
      resolve({ bytes, state });
    };
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })));
    ws.on('message', (raw: Buffer) => {
      bytes += raw.length;
      const m = JSON.parse(String(raw)) as ServerMessage;
      if (m.type === 'welcome')
        ws.send(JSON.stringify({ type: 'subscribe', rid: 's', channel: CHANNEL, ...subscribe }));
      else if (m.type === 'snapshot') finish(m.state);
      else if (m.type === 'events') {
        events.push(...m.events);
        if (events.length >= total) finish(fold(events));
      } else if (m.type === 'error') reject(new Error(`${m.code}: ${m.message}`));
    });
  });
}

async function measure(
  method: string,
  reps: number,
  total: number,
  expected: JsonValue,
  once: () => Promise<{ bytes: number; state: JsonValue }>,
): Promise<LateJoinerRow> {
  const times: number[] = [];
  let last = { bytes: 0, state: null as JsonValue };
  await once(); // warm-up: connection set-up and the hub's first read are not what a viewer repeats
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    last = await once();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    method,
    events: total,
    bytes: last.bytes,
    medianMs: round(times[Math.floor(times.length / 2)] ?? 0, 2),
    minMs: round(times[0] ?? 0, 2),
    stateEqual: same(last.state, expected),
  };
}

/** The late-joiner scenario: bytes and time to the current state, snapshot against full replay. */
export async function lateJoiner(o: ScenarioOptions) {
  const total = o.quick ? 10_000 : 50_000;
  const reps = o.quick ? 3 : 7;
  const built = process.env.HERALD_BENCH_HUB;
  const { startHub }: typeof import('@herald/hub') = built
    ? await import(pathToFileURL(built).href)
    : await import('@herald/hub');
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-late-'));
  let hub: Hub | undefined;
  try {
    // Retention keeps the whole run, so the replay rows can be measured against the same history.
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      logger: false,
      store: { kind: 'sqlite', dir },
      retention: { maxCount: total + 1_000 },
      limits: { maxBufferedBytes: 64 * 1024 * 1024 },
    });
    o.log(`late-joiner: publishing ${total} events with state ops`);
    const events = runEvents(total);
    for (let i = 0; i < events.length; i += 100) await hub.publish(CHANNEL, events.slice(i, i + 100));
    const expected = (await viaHttpState(hub.url)).state;
    const rows: (LateJoinerRow | { method: string; error: string })[] = [];
    const methods: [string, () => Promise<{ bytes: number; state: JsonValue }>][] = [
      ['snapshot: GET /state', () => viaHttpState(hub?.url ?? '')],
      [
        'snapshot: WebSocket subscribe {snapshot: true}',
        () => viaWs(hub?.wsUrl ?? '', { snapshot: true }, total),
      ],
      ['full replay: HTTP history pages, folded', () => viaHttpReplay(hub?.url ?? '')],
      [
        'full replay: WebSocket since seq 0, folded',
        () => viaWs(hub?.wsUrl ?? '', { since: { seq: 0 } }, total),
      ],
    ];
    for (const [method, once] of methods) {
      o.log(`late-joiner: ${method}`);
      try {
        const row = await measure(method, reps, total, expected, once);
        o.log(
          `  ${(row.bytes / 1024).toFixed(1)} KiB, median ${row.medianMs} ms, state equal: ${row.stateEqual}`,
        );
        rows.push(row);
      } catch (error) {
        o.log(`  failed: ${failure(error).error}`);
        rows.push({ method, ...failure(error) });
      }
    }
    const stateBytes = Buffer.byteLength(JSON.stringify(expected));
    o.log(renderLateJoiner({ events: total, stateBytes, rows }));
    return { events: total, repetitions: reps, store: 'sqlite', stateBytes, rows };
  } finally {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The scenario's table in markdown, for bench/README.md. */
export function renderLateJoiner(result: {
  readonly events: number;
  readonly stateBytes: number;
  readonly rows: readonly (LateJoinerRow | { method: string; error: string })[];
}): string {
  const lines = [
    `Late joiner on a ${result.events.toLocaleString('en')}-event run (state document ${(result.stateBytes / 1024).toFixed(1)} KiB):`,
    '',
    '| method | bytes received | median ms | min ms | state equal |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of result.rows)
    lines.push(
      'error' in r
        ? `| ${r.method} | – | – | – | failed: ${r.error} |`
        : `| ${r.method} | ${r.bytes.toLocaleString('en')} | ${r.medianMs} | ${r.minMs} | ${r.stateEqual ? 'yes' : 'NO'} |`,
    );
  return lines.join('\n');
}
