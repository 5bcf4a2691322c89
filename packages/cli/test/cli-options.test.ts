import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '@herald/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/demo.js';
import { cliVersion, runCli } from '../src/main.js';
import { resolveServeSettings } from '../src/serve-settings.js';
import { capture, spawnCli, spawnServe, track } from './helpers/cli.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-opts-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('herald --version and --help', () => {
  it('prints the package version and exits 0', async () => {
    const { io, sink } = capture();
    expect(await runCli(['--version'], sink)).toBe(0);
    expect(io.outLines).toEqual([cliVersion()]);
    expect(cliVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers --help on every command with exit 0 and its usage', async () => {
    for (const [command, re] of [
      ['serve', /^usage: herald serve \[options\][\s\S]*--retention-max-events N/],
      ['publish', /^usage: herald publish CHANNEL TYPE JSON/],
      ['tail', /^usage: herald tail CHANNEL/],
    ] as const) {
      for (const flag of ['--help', '-h']) {
        const { io, sink } = capture();
        expect(await runCli([command, flag], sink), `${command} ${flag}`).toBe(0);
        expect(io.outLines.join('\n')).toMatch(re);
        expect(io.errLines).toEqual([]);
      }
    }
  });

  it('an unknown flag prints the error and the usage with exit 2', async () => {
    for (const command of ['serve', 'publish', 'tail']) {
      const { io, sink } = capture();
      expect(await runCli([command, '--frobnicate'], sink)).toBe(2);
      expect(io.errLines.join('\n')).toMatch(new RegExp(`--frobnicate[\\s\\S]*\\nusage: herald ${command}`));
    }
  });

  it('`serve --help` lists every limit and timing, each with its env variable and config key', async () => {
    const { io, sink } = capture();
    await runCli(['serve', '--help'], sink);
    const help = io.outLines.join('\n');
    const rows: [string, string, string][] = [
      ['--port', 'PORT', 'port'],
      ['--max-frame-bytes', 'HERALD_MAX_FRAME_BYTES', 'limits.maxFrameBytes'],
      ['--publish-rate', 'HERALD_PUBLISH_RATE', 'limits.publishRatePerSec'],
      ['--retention-max-age-ms', 'HERALD_RETENTION_MAX_AGE_MS', 'retention.maxAgeMs'],
      ['--retention-bytes', 'HERALD_RETENTION_BYTES', 'retention.maxBytes'],
      ['--max-event-bytes', 'HERALD_MAX_EVENT_BYTES', 'limits.maxEventBytes'],
      ['--max-page-bytes', 'HERALD_MAX_PAGE_BYTES', 'limits.maxPageBytes'],
      ['--heartbeat-ms', 'HERALD_HEARTBEAT_MS', 'heartbeatMs'],
      ['--headers-timeout-ms', 'HERALD_HEADERS_TIMEOUT_MS', 'headersTimeoutMs'],
      ['--request-timeout-ms', 'HERALD_REQUEST_TIMEOUT_MS', 'requestTimeoutMs'],
      ['--log-format', 'HERALD_LOG_FORMAT', 'logFormat'],
      ['--postgres', 'HERALD_POSTGRES_URL', 'postgres'],
      ['--postgres-schema', 'HERALD_POSTGRES_SCHEMA', 'postgresSchema'],
      ['--postgres-pool-size', 'HERALD_POSTGRES_POOL_SIZE', 'postgresPoolSize'],
      ['--nats', 'HERALD_NATS_URL', 'nats'],
      ['--nats-stream-prefix', 'HERALD_NATS_STREAM_PREFIX', 'natsStreamPrefix'],
      ['--nats-subject-prefix', 'HERALD_NATS_SUBJECT_PREFIX', 'natsSubjectPrefix'],
      ['--nats-replicas', 'HERALD_NATS_REPLICAS', 'natsReplicas'],
    ];
    for (const [flag, env, key] of rows) {
      expect(help).toMatch(
        new RegExp(`${flag} [\\s\\S]*?\\(${env}[^)]*config ${key.replace('.', '\\.')}\\)`),
      );
    }
  });
});

describe('herald serve settings: flag, then env, then config file', () => {
  it('a flag wins over the env, which wins over the file', async () => {
    const file = await tempFile(
      'h.json',
      JSON.stringify({ port: 1111, limits: { maxBatch: 7 }, host: '::1' }),
    );
    const s = resolveServeSettings({ port: '3333', config: file }, { PORT: '2222', HERALD_MAX_BATCH: '9' });
    expect(s.get('port')).toBe(3333);
    expect(s.get('max-batch')).toBe(9);
    expect(s.get('host')).toBe('::1');
    const fromEnv = resolveServeSettings({}, { HERALD_CONFIG: file, PORT: '2222' });
    expect(fromEnv.get('port')).toBe(2222);
    expect(fromEnv.get('max-batch')).toBe(7);
    expect(resolveServeSettings({ durability: 'full' }, {}).get('durability')).toBe('full');
    expect(resolveServeSettings({}, { HERALD_DURABILITY: 'normal' }).get('durability')).toBe('normal');
    expect(resolveServeSettings({ 'max-state-bytes': '2048' }, {}).get('max-state-bytes')).toBe(2048);
    expect(resolveServeSettings({}, { HERALD_MAX_STATE_BYTES: '4096' }).get('max-state-bytes')).toBe(4096);
  });

  it('reads lists and booleans from env and file alike', async () => {
    const file = await tempFile(
      'h.json',
      JSON.stringify({ auth: { publisherKeys: ['a', 'b'] }, memory: true }),
    );
    expect(resolveServeSettings({ config: file }, {}).get('publisher-key')).toEqual(['a', 'b']);
    expect(resolveServeSettings({ config: file }, {}).get('memory')).toBe(true);
    const env = { HERALD_PUBLISHER_KEYS: ' k1 , k2 ', HERALD_MEMORY: 'false' };
    expect(resolveServeSettings({}, env).get('publisher-key')).toEqual(['k1', 'k2']);
    expect(resolveServeSettings({}, env).get('memory')).toBe(false);
  });

  it('a bad value names where it came from, with exit 2', async () => {
    const bad = await tempFile('bad.json', JSON.stringify({ limits: { maxBatch: -1 } }));
    const unknown = await tempFile('unknown.json', JSON.stringify({ limits: { maxBatchez: 5 } }));
    const notJson = await tempFile('not.json', '{ port: 1');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['serve', '--config', bad], {}, /^herald: .*bad\.json: limits\.maxBatch must be a positive integer$/],
      [['serve', '--config', unknown], {}, /^herald: config file .*: unknown key "limits\.maxBatchez"$/],
      [['serve', '--config', notJson], {}, /^herald: config file .* is not valid JSON/],
      [['serve', '--heartbeat-ms', '0'], {}, /^herald: --heartbeat-ms must be a positive integer$/],
      [['serve', '--log-format', 'xml'], {}, /^herald: --log-format must be pretty or json$/],
      [['serve', '--durability', 'fsync'], {}, /^herald: --durability must be normal or full$/],
      [['serve'], { HERALD_DURABILITY: 'off' }, /^herald: HERALD_DURABILITY must be normal or full$/],
    ];
    for (const [args, env, re] of cases) {
      const { io, sink } = capture();
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        expect(await runCli(args, sink), args.join(' ')).toBe(2);
      } finally {
        process.env = saved;
      }
      expect(io.errLines[0], args.join(' ')).toMatch(re);
    }
    const missing = capture();
    expect(await runCli(['serve', '--config', '/nonexistent/h.json'], missing.sink)).toBe(1);
    expect(missing.io.errLines[0]).toMatch(
      /^herald: cannot read config file \/nonexistent\/h\.json: ENOENT$/,
    );
  });

  it('limits from the env and retention from the config file reach a real hub', async () => {
    const file = await tempFile('h.json', JSON.stringify({ memory: true, retention: { maxCount: 5 } }));
    const { cli, url } = await spawnServe(['--config', file], { HERALD_MAX_BATCH: '2' });
    track(cleanups, cli);
    const batch = await http(`${url}/v1/channels/run:1/events`, {
      body: [1, 2, 3].map((i) => ({ type: 't', data: i })),
    });
    expect(batch.status).toBe(400);
    expect((batch.body as { error: { code: string } }).error.code).toBe('ERR_BATCH_TOO_LARGE');
    for (let i = 1; i <= 10; i++) {
      expect((await http(`${url}/v1/channels/run:1/events`, { body: { type: 't', data: i } })).status).toBe(
        201,
      );
    }
    const history = await http(`${url}/v1/channels/run:1/events?after=0`);
    const seqs = (history.body as { events: { seq: number }[] }).events.map((e) => e.seq);
    expect(seqs).toEqual([6, 7, 8, 9, 10]);
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('PORT and HOST choose where the hub listens', async () => {
    const cli = track(
      cleanups,
      spawnCli(['serve', '--memory', '--log-level', 'warn'], { PORT: '0', HOST: '127.0.0.1' }),
    );
    const [, url] = await cli.waitForOutput(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect((await http(`${url}/healthz`)).status).toBe(200);
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});

describe('herald serve --demo', () => {
  it('outside the Herald repository refuses in one line, before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-nodemo-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await expect(loadDemo(undefined, dir)).rejects.toThrow(
      /^--demo runs the dashboard and simulator of the Herald repository: run `npm start` in a clone of it/,
    );
  });
});

describe('herald serve --redis-key-prefix', () => {
  it('two hubs with the same prefix share channels; another prefix does not see them', async () => {
    const prefix = `herald-cli-${randomUUID()}:`;
    const env = { HERALD_REDIS_URL: 'redis://127.0.0.1:6379' };
    const a = await spawnServe(['--redis-key-prefix', prefix], env);
    track(cleanups, a.cli);
    const b = await spawnServe([], { ...env, HERALD_REDIS_KEY_PREFIX: prefix });
    track(cleanups, b.cli);
    const other = await spawnServe(['--redis-key-prefix', `${prefix}other:`], env);
    track(cleanups, other.cli);
    expect((await http(`${a.url}/v1/channels/run:1/events`, { body: { type: 't', data: 1 } })).status).toBe(
      201,
    );
    const onB = await http(`${b.url}/v1/channels/run:1/events?after=0`);
    expect((onB.body as { events: unknown[] }).events).toHaveLength(1);
    const onOther = await http(`${other.url}/v1/channels/run:1/events?after=0`);
    expect((onOther.body as { events: unknown[] }).events).toHaveLength(0);
    const redis = new Redis('redis://127.0.0.1:6379');
    cleanups.push(async () => {
      for (const p of [prefix, `${prefix}other:`]) {
        const keys = await redis.keys(`${p}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      redis.disconnect();
    });
  });

  it('without --redis is a usage error', async () => {
    const { io, sink } = capture();
    expect(await runCli(['serve', '--redis-key-prefix', 'x:'], sink)).toBe(2);
    expect(io.errLines[0]).toBe('herald: --redis-key-prefix needs --redis');
  });
});
