import { readFileSync, writeFileSync } from 'node:fs';
import type { FanoutRow } from '../scenarios/fanout.js';
import { compressionSection } from './report-compression.js';
import { httpPublishSection } from './report-http-publish.js';
import { lateJoinerSection } from './report-late-joiner.js';
import { perRunSection } from './report-per-run.js';
import type { RunResults } from './results.js';
import { ratio } from './stats.js';
import { describeRun, markdownTable, num, scenario, times } from './table.js';

type Failed = { readonly error?: string };
type Row<T> = Partial<T> & Failed & { readonly system?: string };

interface ChannelsRow {
  clients: number;
  published: number;
  delivered: number;
  serverCpu: { percent: number } | null;
  clientCpu: { percent: number } | null;
  latency: { p50: number; p99: number; max: number };
}
interface IdleRow {
  connections: number;
  ready: number;
  heapKiBPerConn: number;
  rssKiBPerConn: number;
}
interface StormRow {
  label: string;
  /** Herald's store (rows before engine rows existed are SQLite). */
  store?: string;
  skipped?: string;
  clients: number;
  /** Events per channel per second (runs before the 10/s rows existed: 4). */
  eventsPerSecPerChannel?: number;
  channels: number;
  downMs: number;
  eventsPerChannel: number;
  lost: number;
  clientsWithLoss: number;
  duplicates: number;
  allResumedMs: number | null;
  notResumed: number;
  allCaughtUpMs: number | null;
  notCaughtUp: number;
  resumedP50Ms: number | null;
  resumedP90Ms: number | null;
  caughtUpP50Ms: number | null;
  caughtUpP90Ms: number | null;
  reconnectAttempts: number;
  serverCpu: { percent: number } | null;
  clientCpu: { percent: number } | null;
  serverLoop: { utilization: number; delayMaxMs: number } | null;
  listenQueueOverflows: number | null;
}
interface CostRow {
  eventsPerFrame: number;
  eventsPerSec: number;
  bareWebSocketEventsPerSec: number;
  cpu?: { percent: number };
}
interface CatchUpRow {
  transport: string;
  events: number;
  ms: number;
  eventsPerSec: number;
  catchUpPolls: number;
  runsEventsPerSec: number[];
  cpu: { percent: number };
}
interface CatchUpResult {
  eventsBehind: number;
  runs: number;
  rows?: CatchUpRow[];
  error?: string;
}
interface BundleRow {
  name: string;
  fullFeatured: boolean;
  minBytes: number;
  gzipBytes: number;
  gzipKB: number;
}

/** A row's system as the tables show it; Herald names its store (rows from before stores were named: memory). */
const systemLabel = (r: { readonly system?: string; readonly store?: string }): string =>
  r.system === 'herald' ? `herald (${r.store ?? 'memory'})` : (r.system ?? '');
const mark = (ok: boolean | null): string => (ok === null ? '–' : ok ? 'yes' : 'no');
const errorRow = (r: Failed): string => (r.error ? `failed: ${r.error}` : '');

function fanoutSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<{ rows: Row<FanoutRow>[] }>(results, 'fanout');
  if (!s) return '';
  const rows = s.result.rows;
  const find = (system: string, n: number | undefined) =>
    rows.find((r) => r.system === system && r.subscribers === n);
  const body = rows.map((r) => {
    const sio = find('socketio', r.subscribers)?.throughput?.deliveriesPerSec;
    const ws = find('ws', r.subscribers)?.throughput?.deliveriesPerSec;
    const corked = find('ws-cork', r.subscribers)?.throughput?.deliveriesPerSec;
    const t = r.throughput;
    if (r.error) return [r.subscribers, systemLabel(r), errorRow(r), '', '', '', '', '', '', '', '', ''];
    return [
      num(r.subscribers),
      systemLabel(r),
      num(t?.deliveriesPerSec),
      times(ratio(t?.deliveriesPerSec, sio)),
      times(ratio(t?.deliveriesPerSec, ws)),
      times(ratio(t?.deliveriesPerSec, corked)),
      `${t?.serverCpu?.percent ?? '–'} % / ${t?.clientCpu?.percent ?? '–'} %`,
      t?.saturated,
      r.latency?.p50,
      r.latency?.p99,
      r.latency?.max,
      `${r.latency?.serverCpu?.percent ?? '–'} % / ${r.latency?.clientCpu?.percent ?? '–'} %`,
    ];
  });
  for (const n of [...new Set(rows.map((r) => r.subscribers))]) {
    const h = find('herald', n);
    const sio = find('socketio', n);
    const ws = find('ws', n);
    const rs = ratio(h?.throughput?.deliveriesPerSec, sio?.throughput?.deliveriesPerSec);
    const rw = ratio(h?.throughput?.deliveriesPerSec, ws?.throughput?.deliveriesPerSec);
    verdicts.push([
      `fan-out ${num(n)} subscribers: deliveries/s ≥ 2× socket.io and ≥ 0.8× raw ws`,
      `${times(rs)} socket.io, ${times(rw)} ws`,
      mark(rs === null || rw === null ? null : rs >= 2 && rw >= 0.8),
    ]);
    const hp = h?.latency?.p99;
    const sp = sio?.latency?.p99;
    verdicts.push([
      `fan-out ${num(n)} subscribers: latency p99 below socket.io's`,
      `${hp ?? '–'} ms vs ${sp ?? '–'} ms`,
      mark(hp === undefined || sp === undefined ? null : hp < sp),
    ]);
  }
  return `### 1. Fan-out (one channel)

${describeRun(s.info)}

Throughput: events published from the server process as fast as a window of 100,000 deliveries in flight
allows. Latency: publish to receipt (shared monotonic clock) at the same offered load for every system
(50,000 deliveries/s). CPU is the share of one core over the measured interval; "saturated" means ≥ 90 %. The publisher
sends up to 20 events per event-loop turn. \`ws\` sends one frame per event per socket; \`ws-cork\` (full runs
only) also corks each socket for the turn, the ceiling for a one-frame-per-event server; Herald may pack the
events of one turn into one frame per subscriber, as its protocol allows.

${markdownTable(
  [
    'subscribers',
    'system',
    'deliveries/s',
    '× socket.io',
    '× ws',
    '× ws-cork',
    'CPU server / client',
    'saturated',
    'p50 ms',
    'p99 ms',
    'max ms',
    'CPU at 50k/s server / client',
  ],
  body,
)}
`;
}

function channelsSection(results: RunResults): string {
  const s = scenario<{ clients: number; rows: Row<ChannelsRow>[] }>(results, 'channels');
  if (!s) return '';
  const body = s.result.rows.map((r) =>
    r.error
      ? [systemLabel(r), errorRow(r), '', '', '', '', '']
      : [
          systemLabel(r),
          `${r.serverCpu?.percent ?? '–'} %`,
          `${r.clientCpu?.percent ?? '–'} %`,
          r.latency?.p50,
          r.latency?.p99,
          r.latency?.max,
          `${num(r.delivered)} / ${num(r.published)}`,
        ],
  );
  return `### 2. Many channels

${describeRun(s.info)}

${num(s.result.clients)} clients, each on its own channel; one event per channel per second.

${markdownTable(['system', 'server CPU', 'client CPU', 'p50 ms', 'p99 ms', 'max ms', 'delivered / published'], body)}
`;
}

function idleSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<{ fdLimit: { soft: number; hard: number }; rows: Row<IdleRow>[] }>(results, 'idle');
  if (!s) return '';
  const rows = s.result.rows;
  const body = rows.map((r) =>
    r.error
      ? [num(r.connections), systemLabel(r), errorRow(r), '', '']
      : [num(r.connections), systemLabel(r), r.heapKiBPerConn, r.rssKiBPerConn, num(r.ready)],
  );
  for (const n of [...new Set(rows.map((r) => r.connections))]) {
    const h = rows.find((r) => r.system === 'herald' && r.connections === n)?.heapKiBPerConn;
    const sio = rows.find((r) => r.system === 'socketio' && r.connections === n)?.heapKiBPerConn;
    verdicts.push([
      `memory per idle connection (${num(n)}) below socket.io's (heap)`,
      `${h ?? '–'} KiB vs ${sio ?? '–'} KiB`,
      mark(h === undefined || sio === undefined ? null : h < sio),
    ]);
  }
  return `### 3. Idle connections

${describeRun(s.info)}

Server heap and RSS growth per connection, after GC; each connection is subscribed to its own channel.
File-descriptor limit: ${s.result.fdLimit.soft} soft / ${s.result.fdLimit.hard} hard.

${markdownTable(['connections', 'system', 'heap KiB/conn', 'RSS KiB/conn', 'ready'], body)}
`;
}

function reconnectSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<{ policy: string; rows: Row<StormRow>[] }>(results, 'reconnect');
  if (!s) return '';
  const rows = s.result.rows;
  const ms = (v: number | null | undefined): string => (typeof v === 'number' ? num(v) : '–');
  const body = rows.map((r) =>
    r.error || r.skipped
      ? [r.label, r.skipped ?? errorRow(r), '', '', '', '', '', '', '', '', '']
      : [
          r.label,
          num(r.clients),
          num(r.downMs),
          `${num(r.lost)} (${num(r.clientsWithLoss)} clients)`,
          num(r.duplicates),
          `${ms(r.resumedP50Ms)} / ${ms(r.resumedP90Ms)} / ${r.allResumedMs === null ? `${r.notResumed} never` : ms(r.allResumedMs)}`,
          `${ms(r.caughtUpP50Ms)} / ${ms(r.caughtUpP90Ms)} / ${r.allCaughtUpMs === null ? `${r.notCaughtUp} never` : ms(r.allCaughtUpMs)}`,
          num(r.reconnectAttempts),
          num(r.listenQueueOverflows),
          `${r.serverCpu?.percent ?? '–'} % / ${r.clientCpu?.percent ?? '–'} %`,
          r.serverLoop ? `${r.serverLoop.utilization} / ${num(r.serverLoop.delayMaxMs)} ms` : '–',
        ],
  );
  for (const rate of [4, 10]) {
    const h = rows.find(
      (r) =>
        r.system === 'herald' &&
        (r.store ?? 'sqlite') === 'sqlite' &&
        (r.eventsPerSecPerChannel ?? 4) === rate,
    );
    verdicts.push([
      `reconnect storm (SQLite, ${rate} events/s per channel): 0 lost, 0 duplicated, every client resumed and caught up within 10 s`,
      h && !h.error
        ? `${num(h.lost)} lost, ${num(h.duplicates)} duplicates, caught up in ${h.allCaughtUpMs ?? '–'} ms (${num(h.clients)} clients)`
        : '–',
      mark(
        h && !h.error
          ? h.lost === 0 && h.duplicates === 0 && h.allCaughtUpMs !== null && (h.allCaughtUpMs ?? 0) <= 10_000
          : null,
      ),
    ]);
  }
  return `### 4. Reconnect storm (server restarted while events keep coming)

${describeRun(s.info)}

Clients spread over channels; 4 events per channel per second (one every 250 ms), then again at 10 (one
every 100 ms, the label's "n/s"); the server is restarted after 2 s (Herald:
in-process close and start on the same port and store; on SQLite the same data dir, on Redis, PostgreSQL and
NATS the same private Redis, database or stream prefix, which keep running). While it is down the publisher queues its
events, as a retrying backend would. Every client uses the same reconnect policy: ${s.result.policy}.
socket.io runs its real client. "Caught up": the client has received an event published after the server was
back (Herald replays first, in order, so it then holds everything before it). "retries": connection attempts
after the first one, summed over clients (failed attempts push clients down the backoff curve). "listen
overflows": connections the kernel dropped because the server's accept queue was full (machine-wide
\`TcpExt:ListenOverflows\` delta); each dropped SYN is retried after 1, 3, 7, 15, 31 s, which makes long tails.

${markdownTable(
  [
    'system',
    'clients',
    'down ms',
    'events lost',
    'duplicates',
    'resumed ms p50 / p90 / all',
    'caught up ms p50 / p90 / all',
    'retries',
    'listen overflows',
    'CPU server / client',
    'server loop use / max delay',
  ],
  body,
)}
`;
}

/** Polling catch-up should stay within this factor of WebSocket's events/s. */
const CATCH_UP_TARGET = 0.5;

function catchUpPart(c: CatchUpResult | undefined, verdicts: unknown[][]): string {
  if (!c) return '';
  const rows = c.rows ?? [];
  const ws = rows.find((r) => r.transport === 'websocket')?.eventsPerSec;
  const poll = rows.find((r) => r.transport === 'polling')?.eventsPerSec;
  // Unrounded: a ratio just under the target must not round up to "met".
  const r = poll !== undefined && ws ? poll / ws : null;
  verdicts.push([
    `catch-up of ${num(c.eventsBehind)} events behind: polling ≥ ${CATCH_UP_TARGET}× WebSocket's events/s`,
    c.error ? `failed: ${c.error}` : `${num(poll)} vs ${num(ws)} events/s (${r?.toFixed(3) ?? '–'}×)`,
    mark(r === null ? null : r >= CATCH_UP_TARGET),
  ]);
  const body = rows.map((row) => [
    row.transport,
    num(row.eventsPerSec),
    times(ratio(row.eventsPerSec, ws)),
    num(row.ms),
    num(row.catchUpPolls),
    `${row.cpu.percent} %`,
    row.runsEventsPerSec.map((v) => num(v)).join(', '),
  ]);
  return `
Catch-up: a real hub (memory store) holds ${num(c.eventsBehind)} events on one channel; a real client in another
process subscribes from seq 0 and the clock runs from \`subscribe\` (connection set-up included) to the last
event in \`onEvent\`, exactly 1..N in order. WebSocket: the hub replays the history itself. Polling: pages of
\`limit=1000\` (the hub's largest), the next one asked at once while a page ends before \`last_seq\`; the
2 s poll interval only applies once caught up. Median of ${c.runs} runs per transport (all runs listed).
${c.error ? `\nfailed: ${c.error}\n` : ''}
${markdownTable(['transport', 'events/s', '× WebSocket', 'ms', 'catch-up polls', 'client CPU', 'runs, events/s'], body)}
`;
}

function costSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<{
    node: Row<CostRow>[];
    browser: { browser?: string; rows?: Row<CostRow>[]; skipped?: string; error?: string };
    catchUp?: CatchUpResult;
    jsonParseOnlyPerSec: number;
  }>(results, 'client-cost');
  if (!s) return '';
  const body = [
    ...s.result.node.map((r) => [
      'Node',
      r.eventsPerFrame,
      num(r.eventsPerSec),
      '',
      r.cpu ? `${r.cpu.percent} %` : errorRow(r),
    ]),
    ...(s.result.browser.rows ?? []).map((r) => [
      s.result.browser.browser,
      r.eventsPerFrame,
      num(r.eventsPerSec),
      num(r.bareWebSocketEventsPerSec),
      '',
    ]),
  ];
  const browserNote = s.result.browser.skipped ?? s.result.browser.error ?? '';
  return `### 5. Client cost

${describeRun(s.info)}

A real \`@herald/client\` subscribed to a local frame pump that answers the handshake and sends \`events\`
frames as fast as they are read; events/s counted in \`onEvent\`. For scale: \`JSON.parse\` alone of the
same one-event frame runs at ${num(s.result.jsonParseOnlyPerSec)} per second in Node. In Chromium, "bare WebSocket"
counts what a plain \`onmessage\` handler receives from the same pump, the browser's own ceiling here. ${browserNote}

${markdownTable(['runtime', 'events per frame', 'events/s', 'bare WebSocket events/s', 'client CPU'], body)}
${catchUpPart(s.result.catchUp, verdicts)}`;
}

function bundleSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<{ method: string; rows: Row<BundleRow>[] }>(results, 'bundle');
  if (!s) return '';
  const rows = s.result.rows;
  const body = rows.map((r) =>
    r.error
      ? [r.name, errorRow(r), '', '']
      : [r.name, r.fullFeatured ? 'yes' : '', ((r.minBytes ?? 0) / 1000).toFixed(2), r.gzipKB?.toFixed(2)],
  );
  const core = rows.find((r) => r.name === '@herald/client');
  const peers = rows.filter((r) => r.fullFeatured && typeof r.gzipBytes === 'number');
  const smallest = peers.reduce<Row<BundleRow> | undefined>(
    (a, b) => (a && (a.gzipBytes ?? 0) <= (b.gzipBytes ?? 0) ? a : b),
    undefined,
  );
  verdicts.push([
    'client core ≤ 8 KB gzip and smaller than every full-featured peer',
    `${core?.gzipKB ?? '–'} KB; smallest full-featured peer ${smallest?.name ?? '–'} ${smallest?.gzipKB ?? '–'} KB`,
    mark(
      core?.gzipBytes === undefined
        ? null
        : core.gzipBytes <= 8_000 && peers.every((p) => (core.gzipBytes ?? 0) < (p.gzipBytes ?? 0)),
    ),
  ]);
  return `### 6. Bundle size

${describeRun(s.info)}

${s.result.method}. Everything each package exports is kept. "Full-featured": reconnection plus channels,
acknowledgements or recovery.

${markdownTable(['library', 'full-featured', 'min KB', 'min+gzip KB'], body)}
`;
}

/** The generated part of bench/README.md: "where we stand", then one table per scenario. */
export function renderReport(results: RunResults): string {
  const verdicts: unknown[][] = [];
  const sections = [
    fanoutSection(results, verdicts),
    channelsSection(results),
    idleSection(results, verdicts),
    reconnectSection(results, verdicts),
    costSection(results, verdicts),
    bundleSection(results, verdicts),
    httpPublishSection(results, verdicts),
    perRunSection(results, verdicts),
    lateJoinerSection(results, verdicts),
    compressionSection(results, verdicts),
  ].filter(Boolean);
  return `## Where we stand

${markdownTable(['target', 'measured', 'met'], verdicts)}

## Results

${sections.join('\n')}`;
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** Replaces the generated part of `readmePath` (between the results markers) with `report`. */
export function updateReadme(readmePath: string, report: string): void {
  const text = readFileSync(readmePath, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from === -1 || to === -1) throw new Error(`${readmePath} lacks ${START} … ${END}`);
  writeFileSync(readmePath, `${text.slice(0, from + START.length)}\n${report}\n${text.slice(to)}`);
}
