import { describe, expect, it } from 'vitest';
import { createTokenSource } from '../../src/auth.js';

describe('token source', () => {
  it('shares one in-flight getToken call between concurrent callers', async () => {
    let calls = 0;
    let release: (t: string) => void = () => {};
    const gate = new Promise<string>((r) => {
      release = r;
    });
    const source = createTokenSource(() => {
      calls++;
      return gate;
    });
    const a = source.get();
    const b = source.get();
    expect(a).toBe(b);
    release('t1');
    expect(await Promise.all([a, b])).toEqual(['t1', 't1']);
    expect(calls).toBe(1);
    await source.get();
    expect(calls).toBe(2); // a later call fetches again
  });

  it('maps null to undefined and works without getToken', async () => {
    expect(await createTokenSource(() => null).get()).toBeUndefined();
    expect(await createTokenSource(undefined).get()).toBeUndefined();
  });

  it('propagates failures, also synchronous throws, and recovers afterwards', async () => {
    let n = 0;
    const source = createTokenSource(() => {
      n++;
      if (n === 1) throw new Error('sync');
      if (n === 2) return Promise.reject(new Error('async'));
      return 'ok';
    });
    await expect(source.get()).rejects.toThrow('sync');
    await expect(source.get()).rejects.toThrow('async');
    await expect(source.get()).resolves.toBe('ok');
  });
});
