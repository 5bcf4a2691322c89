import { type Envelope, historyPage } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { EncodedBatch } from '../../src/encoded-batch.js';
import { storedEnvelope } from '../../src/envelope-json.js';
import { encodeHistoryBody } from '../../src/http/history-body.js';

describe('history answer encoding', () => {
  it('is JSON.stringify of the protocol history page, from the encoded envelopes', () => {
    const envelopes: Envelope[] = [
      {
        channel: 'run:"1"',
        seq: 7,
        id: 'a\u2028b',
        ts: '2026-01-01T00:00:00.000Z',
        type: 't',
        data: { x: 'é' },
      },
      storedEnvelope(
        'run:"1"',
        8,
        'b',
        '2026-01-01T00:00:00.001Z',
        'u',
        '[1,"two",null]',
        '[{"op":"add","path":"/k","value":1}]',
      ),
    ];
    const extent = { epoch: 'e"p', firstSeq: 3, lastSeq: 9 };
    const batch = new EncodedBatch('run:"1"', envelopes);
    expect(encodeHistoryBody('run:"1"', extent, batch)).toBe(
      JSON.stringify(historyPage('run:"1"', extent, envelopes)),
    );
    const empty = { epoch: 'e', firstSeq: 10, lastSeq: 9 };
    expect(encodeHistoryBody('c', empty, null)).toBe(JSON.stringify(historyPage('c', empty, [])));
    expect(JSON.parse(encodeHistoryBody('c', empty, null))).toMatchObject({ first_seq: 0, firstSeq: 10 });
  });
});
