import type { HistoryExtent, HistoryPageBody } from '@herald/protocol';
import type { EncodedBatch } from '../encoded-batch.js';

/**
 * The JSON of a `GET …/events` answer (the protocol's `historyPage`, field for field and in its order),
 * built from a page's envelopes as they were encoded once for every reader, not stringified again.
 */
export function encodeHistoryBody(
  channel: string,
  extent: HistoryExtent,
  batch: EncodedBatch | null,
): string {
  const { epoch, firstSeq, lastSeq } = extent;
  const events = batch === null ? '' : batch.encoded.join(',');
  const firstOld: HistoryPageBody['first_seq'] = firstSeq > lastSeq ? 0 : firstSeq;
  return (
    `{"channel":${JSON.stringify(channel)},"epoch":${JSON.stringify(epoch)},"events":[${events}],` +
    `"lastSeq":${lastSeq},"firstSeq":${firstSeq},"last_seq":${lastSeq},"first_seq":${firstOld}}`
  );
}
