import { http } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServeSettings } from '../src/serve-settings.js';
import { spawnCli, spawnServe, track } from './helpers/cli.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('herald serve byte limits', () => {
  it('reads --retention-bytes, --max-event-bytes and --max-page-bytes from flag, env and file keys', () => {
    const s = resolveServeSettings({ 'retention-bytes': '5000000', 'max-event-bytes': '1000' }, {});
    expect(s.get('retention-bytes')).toBe(5_000_000);
    expect(s.get('max-event-bytes')).toBe(1000);
    const env = { HERALD_RETENTION_BYTES: '7000', HERALD_MAX_PAGE_BYTES: '4096' };
    expect(resolveServeSettings({}, env).get('retention-bytes')).toBe(7000);
    expect(resolveServeSettings({}, env).get('max-page-bytes')).toBe(4096);
  });

  it('applies them to the hub: events over the limit refused, history kept within its bytes', async () => {
    const { cli, url } = await spawnServe([
      '--memory',
      '--retention-bytes',
      '250000',
      '--max-event-bytes',
      '120000',
    ]);
    track(cleanups, cli);
    const events = `${url}/v1/channels/c/events`;
    const over = await http(events, { body: { type: 't', data: 'x'.repeat(130_000) } });
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ error: { code: 'ERR_EVENT_TOO_LARGE' } });
    for (let i = 0; i < 4; i++) {
      expect((await http(events, { body: { type: 't', data: 'y'.repeat(100_000) } })).status).toBe(201);
    }
    // 250,000 bytes hold two of the 100,000-byte payloads.
    expect((await http(`${events}?after=0`)).body).toMatchObject({ lastSeq: 4, firstSeq: 3 });
  });

  it('refuses to start with an event limit the send buffer cannot hold, saying why', async () => {
    const cli = track(
      cleanups,
      spawnCli(['serve', '--memory', '--port', '0', '--max-event-bytes', '900000']),
    );
    expect(await cli.exited).not.toBe(0);
    expect(cli.stderr()).toMatch(
      /limits\.maxEventBytes \(900000\) must be at most half of limits\.maxBufferedBytes/,
    );
  });
});
