import type { Envelope, JsonValue } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { EncodedBatch } from '../../src/encoded-batch.js';
import { attachDataJson, encodeEnvelope, storedEnvelope } from '../../src/envelope-json.js';

const tricky = [
  '',
  'plain',
  'quote " and backslash \\ and slash /',
  'unicode: é ü 中文 😀 \u2028 \u2029',
  'lone surrogates: \ud800 \udfff',
  `control chars: ${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}\u007f`,
  '{"channel":"x"}',
];

function envelope(text: string, data: JsonValue): Envelope {
  return { channel: `ch:${text}`, seq: 42, id: `id-${text}`, ts: `ts ${text}`, type: `t.${text}`, data };
}

describe('envelope encoding', () => {
  it('equals JSON.stringify of the envelope for tricky strings', () => {
    for (const text of tricky) {
      const datas: JsonValue[] = [text, null, 0, -1.5, true, [text, 1, null], { [text]: { k: text } }];
      for (const data of datas) {
        const e = envelope(text, data);
        expect(encodeEnvelope(e)).toBe(JSON.stringify(e));
      }
    }
  });

  it('reuses the data JSON a store attached, keeping the field order', () => {
    const e = attachDataJson(envelope('a', { b: 1 }), '{"b":1}');
    expect(encodeEnvelope(e)).toBe(JSON.stringify(e));
    expect(Object.keys(JSON.parse(encodeEnvelope(e)) as object)).toEqual([
      'channel',
      'seq',
      'id',
      'ts',
      'type',
      'data',
    ]);
    // The attached text is what is sent, which is how the store's encoding is shared.
    const marked = attachDataJson(envelope('a', { b: 1 }), '{ "b": 1 }');
    expect(encodeEnvelope(marked)).toContain('"data":{ "b": 1 }}');
  });

  it('is what an encoded batch carries', () => {
    const es = tricky.map((text, i) => ({ ...envelope(text, { text }), seq: i + 1 }));
    expect(new EncodedBatch('c', es).encoded).toEqual(es.map((e) => JSON.stringify(e)));
  });

  it('sends a stored row as is and parses its data only when read', () => {
    // Spacing JSON.stringify would not produce shows the stored text is reused rather than re-encoded.
    const e = storedEnvelope('c', 7, 'i', 't', 'x', '{ "a": [1, "\\u00e9"] }');
    expect(encodeEnvelope(e)).toBe(
      '{"channel":"c","seq":7,"id":"i","ts":"t","type":"x","data":{ "a": [1, "\\u00e9"] }}',
    );
    expect(e.data).toEqual({ a: [1, 'é'] });
    expect(e.data).toBe(e.data);
    expect(e).toEqual({ channel: 'c', seq: 7, id: 'i', ts: 't', type: 'x', data: { a: [1, 'é'] } });
    expect(JSON.parse(encodeEnvelope(e))).toEqual(JSON.parse(JSON.stringify(e)));
  });
});
