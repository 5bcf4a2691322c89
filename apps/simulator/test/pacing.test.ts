import { createDice, createScenarioContext, seededRandom } from '@herald/simulator';
import { describe, expect, it } from 'vitest';

describe('pacing and randomness', () => {
  it('rejects a speed that is not a positive finite number', () => {
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createScenarioContext({ baseUrl: 'http://127.0.0.1:1', speed })).toThrow(RangeError);
    }
  });

  it('divides demo time by the speed factor and ends early on abort', async () => {
    const abort = new AbortController();
    const { pacer } = createScenarioContext({
      baseUrl: 'http://127.0.0.1:1',
      speed: 1000,
      signal: abort.signal,
    });
    expect(await pacer.sleep(50)).toBe(true); // 50 demo-ms at speed 1000
    const long = pacer.sleep(60_000_000);
    abort.abort();
    expect(await long).toBe(false);
    expect(pacer.stopped).toBe(true);
  });

  it('reproduces the same payload choices from the same seed', () => {
    const a = createDice(seededRandom(42));
    const b = createDice(seededRandom(42));
    const draw = (d: typeof a) => [d.hex(8), d.int(1, 6), d.score(0, 1), d.pick(['x', 'y', 'z'])];
    expect(draw(a)).toEqual(draw(b));
    expect(() => a.pick([])).toThrow(RangeError);
  });
});
