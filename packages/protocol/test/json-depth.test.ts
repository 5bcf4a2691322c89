import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, exceedsJsonDepth, MAX_JSON_DEPTH, parseClientMessage } from '../src/index.js';

/** The nesting depth of a decoded value, for checking the scan against (recursive: test inputs only). */
function depthOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + Math.max(0, ...children.map(depthOf));
}

const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('exceedsJsonDepth', () => {
  it('counts arrays and objects, the outer one as level 1, and only past the limit', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(exceedsJsonDepth('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
    expect(exceedsJsonDepth('1', 0)).toBe(false);
    expect(exceedsJsonDepth('[]', 0)).toBe(true);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(JSON.stringify({ s: '['.repeat(1000) }))).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ s: `\\"${'{'.repeat(1000)}\\` }))).toBe(false);
    expect(exceedsJsonDepth(`["\\\\",${nested(MAX_JSON_DEPTH)}]`)).toBe(true);
  });

  it('scans 1,000,000 levels without recursion', () => {
    expect(exceedsJsonDepth(nested(1_000_000))).toBe(true);
    expect(exceedsJsonDepth('['.repeat(1_000_000))).toBe(true);
  });

  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, max) => {
        expect(exceedsJsonDepth(JSON.stringify(value), max)).toBe(depthOf(value) > max);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseClientMessage and depth', () => {
  it('refuses a frame deeper than MAX_JSON_DEPTH with ERR_TOO_DEEP and its rid', () => {
    const frame = `{"type":"publish","rid":"p1","channel":"c","event":{"type":"t","data":${nested(30_000)}}}`;
    expect(parseClientMessage(frame)).toEqual({
      ok: false,
      error: { code: ErrorCode.TooDeep, message: expect.any(String), rid: 'p1' },
    });
    const noRid = parseClientMessage(`{"type":"ping","x":${nested(MAX_JSON_DEPTH)}}`);
    expect(noRid).toEqual({ ok: false, error: { code: ErrorCode.TooDeep, message: expect.any(String) } });
  });

  it('accepts a frame at the limit', () => {
    const data = JSON.parse(nested(MAX_JSON_DEPTH - 2)) as unknown;
    const frame = JSON.stringify({ type: 'publish', rid: 'p', channel: 'c', event: { type: 't', data } });
    expect(parseClientMessage(frame).ok).toBe(true);
  });
});
