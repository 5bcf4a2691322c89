import { type CompressionRow, type compression, renderCompression } from '../scenarios/compression.js';
import type { RunResults } from './results.js';
import { describeRun, scenario } from './table.js';

type CompressionResult = Awaited<ReturnType<typeof compression>>;

const measured = (r: CompressionResult): CompressionRow[] =>
  r.rows.filter((row): row is CompressionRow => !('error' in row));

/**
 * Section 10 of bench/README.md and its "where we stand" row: what permessage-deflate saves in bytes and
 * costs in CPU, per delivered event. A measurement, not a target (issue 13 asks for the cost, no threshold).
 */
export function compressionSection(results: RunResults, verdicts: unknown[][]): string {
  const s = scenario<CompressionResult>(results, 'compression');
  if (!s) return '';
  const rows = measured(s.result);
  const pick = (mode: 'off' | 'on', phase: 'live' | 'catch-up') =>
    rows.find((r) => r.compression === mode && r.phase === phase);
  const parts: string[] = [];
  for (const phase of ['live', 'catch-up'] as const) {
    const off = pick('off', phase);
    const on = pick('on', phase);
    if (!off || !on) continue;
    parts.push(
      `${phase}: ${(on.wireBytesPerDelivery / off.wireBytesPerDelivery).toFixed(2)}× the bytes, ${(on.serverCpuUsPerDelivery / off.serverCpuUsPerDelivery).toFixed(1)}× the hub CPU per delivery`,
    );
  }
  verdicts.push([
    'permessage-deflate (`compression: true`): wire bytes and hub CPU per delivery against off (a measurement, no target)',
    parts.length > 0 ? parts.join('; ') : 'failed',
    '–',
  ]);
  return `### 10. permessage-deflate (compression off and on)

${describeRun(s.info)}

The same hub (memory store, its own process) twice, \`compression\` off and on with its defaults (threshold
256 bytes, zlib level 1, a 2 KiB window kept between messages), with the same raw \`ws\` subscribers, which
offer permessage-deflate as browsers do. **live**: the workflow event at a steady rate on one channel, one
event per frame; **catch-up**: the same number of subscribers replaying a channel of stored events from seq 0
(large frames). Wire bytes are the TCP bytes the subscribers read (frame headers included); CPU is each
process's own over the phase, per delivered event (the client column is the subscribers' process, which
inflates and scans frames); memory is the hub process's with every live subscriber connected.

${renderCompression(s.result.rows)}
`;
}
