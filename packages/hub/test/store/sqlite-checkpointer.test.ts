import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/sqlite-checkpointer.js';
import { openDatabase, SQLITE_FILE } from '../../src/store/sqlite-schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

describe('WAL checkpoints on a worker thread', () => {
  it('folds the WAL into the database while the main connection never checkpoints, then reuses the WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-ckpt-'));
    dirs.push(dir);
    const file = join(dir, SQLITE_FILE);
    const db = openDatabase(dir);
    const errors: unknown[] = [];
    const stop = startCheckpointer(db, 'NORMAL', {
      intervalMs: 20,
      restartFrames: 16,
      onError: (e) => errors.push(e),
    });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = db.prepare(
      "INSERT INTO events (channel, seq, id, ts, type, data) VALUES ('run:1', ?, ?, 't', 'node.end', ?)",
    );
    const data = JSON.stringify({ node: 'LYRICS', phase: 'end', pad: 'x'.repeat(250) });
    let commits = 0;
    const burst = (n: number): void => {
      // One commit per event, as a publish on a quiet hub makes.
      for (let i = 0; i < n; i++) {
        commits++;
        insert.run(commits, `id-${commits}`, data);
      }
    };
    burst(2_000);
    const walAfterBurst = sizeOf(`${file}-wal`);
    expect(walAfterBurst).toBeGreaterThan(2_000 * data.length);
    // The rows reach the database file, which only a checkpoint writes (the main connection makes none).
    await waitFor(() => sizeOf(file) > commits * data.length, {
      timeoutMs: 10_000,
      message: 'the worker checkpointed the burst',
    });
    // A few more rounds for the worker to restart the WAL, then a smaller burst: it is written from the
    // start of the WAL file again, which therefore does not grow.
    await new Promise((resolve) => setTimeout(resolve, 200));
    burst(400);
    expect(sizeOf(`${file}-wal`)).toBeLessThanOrEqual(walAfterBurst);
    await stop();
    expect(errors).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(commits);
    db.close();
    const reopened = openDatabase(dir);
    expect(reopened.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(commits);
    reopened.close();
  });
});
