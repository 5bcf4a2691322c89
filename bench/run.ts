/**
 * `npm run bench [-- --quick] [-- --only <scenario>] [-- --profile] [-- --engines]`: Herald against
 * socket.io 4 and raw `ws` on this machine. Writes bench/results/*.json (quick runs: bench/results/quick/) and, for full runs,
 * the tables in bench/README.md.
 */
import { parseArgs } from 'node:util';
import { buildHub } from './lib/build-hub.js';
import { renderReport, updateReadme } from './lib/report.js';
import { BENCH_DIR, runInfo, type ScenarioRecord, writeResults } from './lib/results.js';
import { bundle } from './scenarios/bundle.js';
import { channels } from './scenarios/channels.js';
import { clientCost } from './scenarios/client-cost.js';
import type { ScenarioOptions } from './scenarios/common.js';
import { compression } from './scenarios/compression.js';
import { fanout } from './scenarios/fanout.js';
import { httpPublish } from './scenarios/http-publish.js';
import { idle } from './scenarios/idle.js';
import { lateJoiner } from './scenarios/late-joiner.js';
import { perRun } from './scenarios/per-run.js';
import { reconnect } from './scenarios/reconnect.js';
import type { SystemName } from './servers/types.js';

const SCENARIOS: Record<string, (o: ScenarioOptions) => Promise<unknown>> = {
  fanout,
  channels,
  idle,
  reconnect,
  'client-cost': clientCost,
  'http-publish': httpPublish,
  'per-run': perRun,
  'late-joiner': lateJoiner,
  compression,
  bundle,
};

/** Scenarios that start Herald's hub. */
const HUB_SCENARIOS = new Set([
  'fanout',
  'channels',
  'idle',
  'reconnect',
  'client-cost',
  'http-publish',
  'per-run',
  'late-joiner',
  'compression',
]);

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    profile: { type: 'boolean', default: false },
    'hub-source': { type: 'boolean', default: false },
    system: { type: 'string', multiple: true },
    engines: { type: 'boolean', default: false },
  },
});

const names = values.only?.length ? values.only : Object.keys(SCENARIOS);
for (const name of names)
  if (!SCENARIOS[name]) throw new Error(`unknown scenario "${name}" (${Object.keys(SCENARIOS).join(', ')})`);

const started = performance.now();
const log = (line: string): void =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);
const options: ScenarioOptions = {
  quick: values.quick ?? false,
  profile: values.profile ?? false,
  log,
  systems: (values.system ?? []) as SystemName[],
  engines: values.engines ?? false,
};
if (!values['hub-source'] && names.some((n) => HUB_SCENARIOS.has(n))) {
  // Server processes load this plain-JS build of the hub instead of its TypeScript through tsx.
  process.env.HERALD_BENCH_HUB = await buildHub();
}
const records: Record<string, ScenarioRecord> = {};
for (const name of names) {
  const run = SCENARIOS[name];
  // Taken per scenario, so each result carries the load average it ran under.
  const info = runInfo(options.quick);
  if (run) records[name] = { info, result: await run(options) };
}
const kind = options.quick ? 'quick' : options.systems.length > 0 ? 'partial' : 'full';
const report = renderReport(writeResults(kind, records));
// Quick runs are a smoke test: they show where things stand but never fail on numbers. Only full runs
// rewrite the README tables.
if (kind === 'full') updateReadme(`${BENCH_DIR}README.md`, report);
console.log(report.slice(0, report.indexOf('## Results')));
log('done');
process.exit(0);
