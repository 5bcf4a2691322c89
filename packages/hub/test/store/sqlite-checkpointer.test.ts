import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const PAGE = 4096;

describe('WAL checkpoints on a worker thread', () => {
  it('folds the WAL into the database while the main connection never checkpoints, reusing the WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-ckpt-'));
    dirs.push(dir);
    const file = join(dir, SQLITE_FILE);
    const db = openDatabase(dir);
    const errors: unknown[] = [];
    const stop = startCheckpointer(db, 'NORMAL', { intervalMs: 20, onError: (e) => errors.push(e) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = db.prepare(
      "INSERT INTO events (channel, seq, id, ts, type, data) VALUES ('run:1', ?, ?, 't', 'node.end', ?)",
    );
    const data = JSON.stringify({ node: 'LYRICS', phase: 'end', pad: 'x'.repeat(250) });
    let commits = 0;
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      // One commit per event, 20 a turn, ~10,000 a second: a hub taking HTTP publishes flat out.
      for (let i = 0; i < 20; i++) {
        commits++;
        insert.run(commits, `id-${commits}`, data);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const walAtEnd = sizeOf(`${file}-wal`);
    // Idle: the worker catches up and copies every page into the database file.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const dbFile = sizeOf(file);
    await stop();
    expect(errors).toEqual([]);
    // Every commit appended at least one page to the WAL; the WAL file is far smaller, so it was restarted.
    expect(walAtEnd).toBeLessThan((commits * PAGE) / 4);
    // The rows reached the database file, which only a checkpoint writes (the main connection does none).
    expect(dbFile).toBeGreaterThan(commits * data.length * 0.8);
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(commits);
    db.close();
    const reopened = openDatabase(dir);
    expect(reopened.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(commits);
    reopened.close();
  });
});
