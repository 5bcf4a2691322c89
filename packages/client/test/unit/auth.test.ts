import { describe, expect, it, vi } from 'vitest';
import { createAuth, createTokenSource } from '../../src/auth.js';

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

describe('auth', () => {
  it('after a refused token allows one retry, and only with a different token', async () => {
    let n = 0;
    const auth = createAuth(() => `t${++n}`, {});
    expect(auth.use(await auth.get())).toBe(true);
    expect(auth.token).toBe('t1');
    expect(auth.refused()).toBe(true); // one immediate retry with a fresh token
    expect(auth.use('t1')).toBe(false); // the same token again: give up
    expect(auth.use(undefined)).toBe(false);
    expect(auth.use(await auth.get())).toBe(true);
    expect(auth.refused()).toBe(false); // a second auth close in a row is fatal
    auth.accepted();
    expect(auth.refused()).toBe(true); // a connection succeeded: the rule starts over
  });

  it('never retries an auth close without getToken', () => {
    const auth = createAuth(undefined, {});
    expect(auth.use(undefined)).toBe(true);
    expect(auth.refused()).toBe(false);
  });

  it('refreshes in-band only while the connection that asked is current, and logs a failed fetch', async () => {
    let n = 0;
    const warn = vi.fn();
    const auth = createAuth(
      () => {
        if (++n === 3) throw new Error('down');
        return `t${n}`;
      },
      { warn },
    );
    const sent: string[] = [];
    auth.refresh(
      () => true,
      (token) => sent.push(token),
    );
    await vi.waitFor(() => expect(sent).toEqual(['t1']));
    expect(auth.token).toBe('t1');
    auth.refresh(
      () => false,
      (token) => sent.push(token),
    ); // t2 arrives for a connection gone meanwhile
    await vi.waitFor(() => expect(n).toBe(2));
    await Promise.resolve();
    auth.refresh(
      () => true,
      (token) => sent.push(token),
    );
    await vi.waitFor(() =>
      expect(warn).toHaveBeenCalledWith('herald: getToken failed on refresh', expect.any(Error)),
    );
    expect(sent).toEqual(['t1']);
    expect(auth.token).toBe('t1');
  });
});
