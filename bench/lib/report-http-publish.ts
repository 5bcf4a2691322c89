import type { HttpPublishRow } from '../scenarios/http-publish.js';
import type { RunResults } from './results.js';
import { ratio } from './stats.js';
import { describeRun, markdownTable, num, scenario, times } from './table.js';

type Row = Partial<HttpPublishRow> & {
  readonly label: string;
  readonly error?: string;
  readonly skipped?: string;
};

interface HttpPublishResult {
  readonly channels: number;
  readonly connections: number;
  readonly batch: number;
  readonly watched: number;
  readonly durationS: number;
  readonly eventBytes: number;
  readonly rows: Row[];
}

/** Herald on SQLite (the default store) must reach this share of the node:http ceiling's requests/s. */
const CEILING_TARGET = 0.5;

/** Section 7 of bench/README.md and its "where we stand" row. */
export function httpPublishSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<HttpPublishResult>(results, 'http-publish');
  if (!s) return '';
  const r = s.result;
  const measured = r.rows.filter((row) => row.batch !== undefined);
  const find = (system: string, batch: number, store?: string) =>
    measured.find(
      (row) =>
        row.system === system &&
        row.batch === batch &&
        row.store === store &&
        (row.durability ?? 'normal') === 'normal',
    );
  const body: unknown[][] = [];
  for (const batch of [1, r.batch]) {
    const ceiling = find('node-http', batch)?.eventsPerSec;
    for (const row of r.rows) {
      if (row.batch === undefined && batch !== 1) continue;
      if (row.batch !== undefined && row.batch !== batch) continue;
      const why = row.error ? `failed: ${row.error}` : row.skipped;
      if (why) {
        body.push(['', row.label, why, '', '', '', '', '', '', '', '']);
        continue;
      }
      body.push([
        batch,
        row.label,
        num(row.requestsPerSec),
        num(row.eventsPerSec),
        times(ratio(row.eventsPerSec, ceiling)),
        row.latencyMs?.p50,
        row.latencyMs?.p99,
        row.serverCpuUsPerEvent,
        `${row.serverCpu?.percent ?? '–'} % / ${row.loadCpuPercent ?? '–'} %`,
        `${num(row.non2xx)} / ${num(row.errors)}`,
        row.delivered === null ? '' : num(row.delivered),
      ]);
    }
  }
  const sqlite = find('herald', 1, 'sqlite')?.requestsPerSec;
  const ceiling = find('node-http', 1)?.requestsPerSec;
  const sio = find('socketio', 1)?.requestsPerSec;
  // Unrounded: a ratio just under the target must not round up to "met".
  const share = sqlite !== undefined && ceiling ? sqlite / ceiling : null;
  verdicts.push([
    `HTTP publish, single events, on SQLite: ≥ ${CEILING_TARGET}× the node:http ceiling and ahead of socket.io's HTTP-to-room endpoint`,
    `${num(sqlite)} req/s: ${share?.toFixed(3) ?? '–'}× node:http (${num(ceiling)}), ${times(ratio(sqlite, sio))} socket.io (${num(sio)})`,
    share === null || sio === undefined || sqlite === undefined
      ? '–'
      : share >= CEILING_TARGET && sqlite > sio
        ? 'yes'
        : 'no',
  ]);
  return `### 7. HTTP publish (a backend posting events into per-run channels)

${describeRun(s.info)}

\`autocannon\` in its own process, ${r.connections} connections, ${r.durationS} s per phase after a warm-up, POSTs
\`/v1/channels/run:<n>/events\` with n rotating over ${num(r.channels)} channels: one ${r.eventBytes}-byte
\`{type, data}\` event per request, then arrays of ${r.batch}. Each target runs in a server process of its own;
its CPU (\`process.cpuUsage\`, the hub process only: Redis, PostgreSQL and NATS spend their own on top) is
divided by the events it accepted. \`node:http\` parses each body and answers 201, the ceiling; socket.io is
a \`node:http\` endpoint on its server that parses the body and emits each event to the room, what a
socket.io app fed by a Python backend would do. Herald and socket.io have one subscribed client on each of
${r.watched} channels, so their deliveries are real ("delivered"). Herald is an open dev hub (no
publisher key, so no rate limit); SQLite runs at \`durability: 'normal'\` (WAL, \`synchronous=NORMAL\`: an
acknowledged event survives a hub crash) and \`'full'\` (\`synchronous=FULL\`: an fsync per group commit, it
also survives a power loss), the row pair giving what the stronger promise costs; Redis is a private \`redis-server\` in memory, PostgreSQL a fresh database,
NATS streams under a prefix of the run's own, each with the hub's default broker on the same engine.

${markdownTable(
  [
    'events / request',
    'target',
    'requests/s',
    'events/s',
    '× node:http',
    'p50 ms',
    'p99 ms',
    'hub CPU µs / event',
    'CPU server / load',
    'non-2xx / errors',
    'delivered',
  ],
  body,
)}
`;
}
