import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, startTestHub } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { openDatabase } from '../src/store/sqlite-schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-durability-'));
  dirs.push(dir);
  return dir;
}

// PRAGMA synchronous reads back 1 for NORMAL and 2 for FULL.
describe('durability', () => {
  it('maps normal to WAL + synchronous=NORMAL and full to synchronous=FULL on the SQLite connection', () => {
    const cases = [
      [undefined, 1],
      ['normal', 1],
      ['full', 2],
    ] as const;
    for (const [level, expected] of cases) {
      const db = openDatabase(tempDir(), level);
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(db.pragma('synchronous', { simple: true }), String(level)).toBe(expected);
      } finally {
        db.close();
      }
    }
  });

  it('defaults to normal and refuses an unknown level by name', () => {
    expect(resolveConfig({}).durability).toBe('normal');
    expect(resolveConfig({ durability: 'full' }).durability).toBe('full');
    expect(() => resolveConfig({ durability: 'fsync' as 'full' })).toThrow(
      /durability must be 'normal' or 'full'/,
    );
  });

  it('a hub with durability full on SQLite stores, answers and keeps its events across a restart', async () => {
    const hub = await startTestHub({ sqlite: true, durability: 'full' });
    try {
      const url = `${hub.url}/v1/channels/run:durable/events`;
      const posted = await http(url, { body: [1, 2, 3].map((n) => ({ type: 't', data: n })) });
      expect(posted.status).toBe(201);
      await hub.restart();
      const page = await http(`${url}?after=0`);
      expect((page.body as { events: { data: number }[] }).events.map((e) => e.data)).toEqual([1, 2, 3]);
    } finally {
      await hub.close();
    }
  });
});
