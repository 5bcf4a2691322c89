import type { JsonValue, PublishInput } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { envelopeBytes, forgetInputJson, surelyFits } from '../../src/envelope-json.js';

/** Strings whose JSON is longer than they are, in UTF-16 units or in UTF-8 bytes. */
const tricky = [
  'plain',
  'quote " and backslash \\',
  'unicode: é ü 中文 😀 \u2028 \u2029',
  'lone surrogates: \ud800 \udfff',
  `control chars: ${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}`,
  '中'.repeat(40),
  '\u0001'.repeat(40),
];

describe('surelyFits', () => {
  it('never says an event fits that envelopeBytes counts over the limit', () => {
    for (const text of tricky) {
      const datas: JsonValue[] = [text, null, [text, text], { [text]: text }];
      for (const data of datas) {
        for (const input of [
          { type: `t.${text}`, data },
          { type: 't', data, id: `id-${text}` },
        ] satisfies PublishInput[]) {
          const channel = `ch:${text.slice(0, 20)}`;
          const exact = envelopeBytes(channel, input, null);
          // The bound only grows with the limit: one byte under the exact size it must not claim a fit.
          expect(surelyFits(channel, input, null, exact - 1)).toBe(false);
          forgetInputJson([input]);
        }
      }
    }
  });

  it('counts state operations too', () => {
    const input: PublishInput = { type: 't', data: null };
    const state = JSON.stringify([{ op: 'set', path: '/中', value: '\u0001'.repeat(30) }]);
    const exact = envelopeBytes('c', input, state);
    expect(surelyFits('c', input, state, exact - 1)).toBe(false);
  });

  it('answers true for a small event far under the limit, so the exact count is skipped', () => {
    expect(surelyFits('run:1', { type: 'progress', data: { pct: 50 } }, null, 65_536)).toBe(true);
  });
});
