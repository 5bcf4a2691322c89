import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveServeSettings } from '../src/serve-settings.js';
import { spawnServe, track } from './helpers/cli.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** The extensions a hub at `url` accepts from a `ws` client, which offers permessage-deflate. */
async function negotiated(url: string): Promise<string> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, 'herald.v1');
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return ws.extensions;
  } finally {
    ws.terminate();
  }
}

describe('herald serve --compression', () => {
  it('is read from the flag, HERALD_COMPRESSION and the config key `compression`', () => {
    expect(resolveServeSettings({ compression: true }, {}).get('compression')).toBe(true);
    expect(resolveServeSettings({}, { HERALD_COMPRESSION: '1' }).get('compression')).toBe(true);
    expect(resolveServeSettings({}, {}).get('compression')).toBeUndefined();
  });

  it('turns permessage-deflate on; without it the hub answers the offer without the extension', async () => {
    const on = await spawnServe(['--memory', '--compression']);
    track(cleanups, on.cli);
    const off = await spawnServe(['--memory']);
    track(cleanups, off.cli);
    expect(await negotiated(on.url)).toMatch(/^permessage-deflate/);
    expect(await negotiated(off.url)).toBe('');
  });
});
