import { describe, expect, it } from 'vitest';
import { createIsoClock } from '../../src/store/clock.js';
import { createGroupCommit } from '../../src/store/group-commit.js';

describe('createGroupCommit', () => {
  it('runs jobs submitted in one turn as one group and settles each separately', async () => {
    const groups: number[][] = [];
    const commit = createGroupCommit<number, number>((jobs) => {
      groups.push([...jobs]);
      return jobs.map((j) =>
        j < 0 ? { ok: false, error: new Error(`bad ${j}`) } : { ok: true, value: j * 10 },
      );
    });
    const settled = await Promise.allSettled([commit.submit(1), commit.submit(-2), commit.submit(3)]);
    expect(groups).toEqual([[1, -2, 3]]);
    expect(settled).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('bad -2') },
      { status: 'fulfilled', value: 30 },
    ]);
    await commit.submit(4);
    expect(groups).toEqual([[1, -2, 3], [4]]);
  });

  it('rejects every job of a group whose run throws', async () => {
    const commit = createGroupCommit<number, number>(() => {
      throw new Error('disk full');
    });
    const settled = await Promise.allSettled([commit.submit(1), commit.submit(2)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });

  it('runs queued jobs at once on flush', async () => {
    const ran: number[] = [];
    const commit = createGroupCommit<number, number>((jobs) => {
      ran.push(...jobs);
      return jobs.map((value) => ({ ok: true, value }));
    });
    const pending = commit.submit(7);
    commit.flush();
    expect(ran).toEqual([7]);
    await expect(pending).resolves.toBe(7);
    commit.flush();
    expect(ran).toEqual([7]);
  });
});

describe('createIsoClock', () => {
  it('formats the injected clock as ISO 8601 and follows it', () => {
    let t = Date.UTC(2026, 4, 6, 7, 8, 9, 10);
    const iso = createIsoClock(() => t);
    expect(iso()).toBe('2026-05-06T07:08:09.010Z');
    expect(iso()).toBe('2026-05-06T07:08:09.010Z');
    t += 1;
    expect(iso()).toBe('2026-05-06T07:08:09.011Z');
  });
});
