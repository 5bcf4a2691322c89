import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestHub, type TestHub } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./fixtures/node-entry-probe.ts', import.meta.url));
const HIDE_WS = fileURLToPath(new URL('./fixtures/hide-ws.mjs', import.meta.url));
const NO_GLOBAL = fileURLToPath(new URL('./fixtures/no-global-websocket.mjs', import.meta.url));

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

/** Runs the probe in a fresh Node without a global WebSocket (as Node 20) and returns what it printed. */
async function probe(extraImports: string[]): Promise<{ transport: string; warnings: string[] }> {
  hub = await startTestHub();
  const imports = [NO_GLOBAL, ...extraImports, 'tsx'].flatMap((m) => ['--import', m]);
  const { stdout } = await run(process.execPath, ['--conditions=source', ...imports, PROBE], {
    env: { ...process.env, HUB_URL: hub.url },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('the Node entry picks a WebSocket by itself', () => {
  it('uses the installed `ws` package when Node has no global WebSocket', async () => {
    expect(await probe([])).toEqual({ transport: 'websocket', warnings: [] });
  });

  it('without `ws`, warns once through the logger and connects by polling', async () => {
    const seen = await probe([HIDE_WS]);
    expect(seen.transport).toBe('polling');
    expect(seen.warnings).toHaveLength(1);
    expect(seen.warnings[0]).toMatch(/no WebSocket in this Node .* using HTTP polling\. Install `ws`/);
  });
});
