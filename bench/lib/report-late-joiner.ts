import { type lateJoiner, renderLateJoiner } from '../scenarios/late-joiner.js';
import type { RunResults } from './results.js';
import { describeRun, num, scenario } from './table.js';

type LateJoinerResult = Awaited<ReturnType<typeof lateJoiner>>;

/** Bytes as people read them: KiB below a MiB, MiB above. */
const size = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/**
 * Section 9 of bench/README.md and its "where we stand" row. The row is a measurement, not a target: the
 * issue asks for the bytes and time of a late joiner, snapshot against full replay, with no threshold.
 */
export function lateJoinerSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<LateJoinerResult>(results, 'late-joiner');
  if (!s) return '';
  const r = s.result;
  const measured = r.rows.map((row) =>
    'error' in row
      ? `${row.method}: failed`
      : `${row.method}: ${size(row.bytes)} in ${row.medianMs} ms${row.stateEqual ? '' : ' (state differs)'}`,
  );
  verdicts.push([
    `late joiner on a ${num(r.events)}-event run: bytes and time to the current state, snapshot vs full replay (a measurement, no target)`,
    measured.join('; '),
    '–',
  ]);
  return `### 9. Late joiner (snapshot vs full replay)

${describeRun(s.info)}

One \`run:late\` channel (${r.store}, retention keeping the whole run) holds a MeatyMusic-like run whose events
carry state operations (LYRICS streamed token by token into \`outputs/lyrics\`, step starts, ends and
progress). A viewer that opens the page now needs the run's current state: by a snapshot (\`GET /state\`, or
WebSocket \`subscribe {snapshot: true}\`), or by replaying every event (HTTP history pages of 1,000, or
WebSocket \`since: {seq: 0}\`) and folding them with \`applyStateOps\`. Bytes are what the viewer receives
(HTTP bodies, WebSocket message payloads); time runs from the first request (or opening the socket) until it
holds the state, median and minimum of ${r.repetitions} repetitions after a warm-up. "state equal": the viewer's state is the hub's.

${renderLateJoiner(r)}
`;
}
