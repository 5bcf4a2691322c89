import type { PerRunRow } from '../scenarios/per-run.js';
import type { RunResults } from './results.js';
import { ratio } from './stats.js';
import { describeRun, markdownTable, num, scenario, times } from './table.js';

type Row = Partial<PerRunRow> & { readonly label: string; readonly error?: string };

interface PerRunResult {
  readonly runs: number;
  readonly connections: number;
  readonly phases: readonly { readonly name: string; readonly ratePerSec: number }[];
  readonly durationS: number;
  readonly rows: Row[];
}

/** Herald's CPU per delivered event on one-subscriber channels may be at most this multiple of raw ws's. */
const CPU_TARGET = 1.2;

/** Section 8 of bench/README.md and its "where we stand" row. */
export function perRunSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<PerRunResult>(results, 'per-run');
  if (!s) return '';
  const r = s.result;
  const find = (system: string, phase: string, store?: string) =>
    r.rows.find((row) => row.system === system && row.phase === phase && row.store === store);
  const body: unknown[][] = [];
  for (const { name } of r.phases) {
    const ws = find('ws', name)?.serverCpuUsPerDelivered ?? undefined;
    for (const row of r.rows) {
      if (row.error) {
        if (name === r.phases[0]?.name) body.push(['', row.label, `failed: ${row.error}`]);
        continue;
      }
      if (row.phase !== name) continue;
      body.push([
        `${row.phase} (${num(row.offeredPerSec)}/s)`,
        row.label,
        num(row.publishedPerSec),
        `${num(row.delivered)} / ${num(row.missing)}`,
        row.latency?.p50,
        row.latency?.p99,
        row.httpLatencyMs?.p99,
        row.serverCpuUsPerDelivered,
        times(ratio(row.serverCpuUsPerDelivered ?? undefined, ws)),
        `${row.serverCpu?.percent ?? '–'} %`,
        row.serverLoop ? `${row.serverLoop.utilization} / ${row.serverLoop.delayMaxMs} ms` : '–',
        `${num(row.non2xx)} / ${num(row.errors)}`,
      ]);
    }
  }
  const steady = r.phases[0]?.name ?? 'steady';
  const calm = r.phases[1]?.name ?? 'latency';
  const cpuH = find('herald', steady, 'sqlite')?.serverCpuUsPerDelivered ?? undefined;
  const cpuW = find('ws', steady)?.serverCpuUsPerDelivered ?? undefined;
  const p99H = find('herald', calm, 'sqlite')?.latency?.p99;
  const p99S = find('socketio', calm)?.latency?.p99;
  const share = cpuH !== undefined && cpuW ? cpuH / cpuW : null;
  verdicts.push([
    `One-subscriber channels (per-run, SQLite): hub CPU per delivered event ≤ ${CPU_TARGET}× raw ws, p99 ≤ socket.io's`,
    `${cpuH ?? '–'} µs vs raw ws ${cpuW ?? '–'} µs (${share?.toFixed(2) ?? '–'}×); p99 ${p99H ?? '–'} ms vs socket.io ${p99S ?? '–'} ms`,
    share === null || p99H === undefined || p99S === undefined
      ? '–'
      : share <= CPU_TARGET && p99H <= p99S
        ? 'yes'
        : 'no',
  ]);
  return `### 8. Per-run channels (the seeds' workload: one browser per run, events over HTTP)

${describeRun(s.info)}

${num(r.runs)} channels \`run:0\` … with one watching client each (one load process); \`autocannon\` in its own
process posts one event per request over ${r.connections} connections at a fixed offered rate, rotating over the
channels, each body stamped with its send time. "steady" gives the server CPU per delivered event under a
busy load, "latency" a calm one where publish → receipt (send time in the load process to arrival in the
watcher, one system-wide monotonic clock) measures the path rather than queueing. ${r.durationS} s per phase after a
warm-up. socket.io and raw ws sit behind the same \`node:http\` endpoint (parse the body, emit to the room /
send to the channel's sockets); Herald is an open dev hub, the row names its store. "× raw ws" is CPU per
delivered event against raw ws in the same phase; "server loop" is the server process's event-loop utilisation
and its longest stall over the phase (a stall delays every event behind it, so it is what a p99 hides).

${markdownTable(
  [
    'phase',
    'target',
    'published/s',
    'delivered / missing',
    'p50 ms',
    'p99 ms',
    'HTTP p99 ms',
    'server CPU µs / delivered',
    '× raw ws',
    'server CPU',
    'server loop use / max delay',
    'non-2xx / errors',
  ],
  body,
)}
`;
}
