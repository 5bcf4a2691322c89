import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '@herald/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED_NATS, testStreams } from '../../hub/test/engines/nats.js';
import { createTestDatabase } from '../../hub/test/engines/postgres.js';
import { runCli } from '../src/main.js';
import { type CliProcess, capture, spawnCli, spawnServe, track } from './helpers/cli.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Publishes two events over HTTP and checks the ack and the history page the hub serves back. */
async function publishAndRead(url: string): Promise<void> {
  const ack = await http(`${url}/v1/channels/run:cli/events`, {
    body: [
      { type: 'step', data: { n: 1 }, id: 'a' },
      { type: 'step', data: { n: 2 }, id: 'b' },
    ],
  });
  expect(ack.status).toBe(201);
  expect(ack.body).toEqual({
    events: [
      { id: 'a', seq: 1 },
      { id: 'b', seq: 2 },
    ],
  });
  const page = await http(`${url}/v1/channels/run:cli/events?after=0`);
  expect(page.status).toBe(200);
  expect(page.body).toMatchObject({
    channel: 'run:cli',
    last_seq: 2,
    events: [
      { seq: 1, id: 'a', data: { n: 1 } },
      { seq: 2, id: 'b', data: { n: 2 } },
    ],
  });
}

/** The `msg` of every JSON log line `cli` wrote to stderr. */
function logMessages(cli: CliProcess): string[] {
  return cli
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

async function stop(cli: CliProcess): Promise<void> {
  cli.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
}

describe('herald serve --postgres', () => {
  it('serves publishes and history from a fresh database, in the schema it was given', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const { cli, url } = await spawnServe(
      ['--postgres', db.url, '--log-level', 'info', '--log-format', 'json'],
      { HERALD_POSTGRES_SCHEMA: 'herald_cli', HERALD_POSTGRES_POOL_SIZE: '2' },
    );
    track(cleanups, cli);
    await publishAndRead(url);
    expect(logMessages(cli)).toContain(`store: PostgreSQL at ${db.url}`);
    await stop(cli);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM herald_cli.events WHERE channel = $1',
        ['run:cli'],
      );
      expect(Number(rows[0]?.n)).toBe(2);
    } finally {
      await client.end();
    }
  }, 30_000);
});

describe('herald serve --nats', () => {
  it('serves publishes and history on its own stream prefix', async () => {
    const streams = testStreams();
    cleanups.push(() => streams.remove());
    const { cli, url } = await spawnServe(
      ['--nats', SHARED_NATS, '--nats-subject-prefix', streams.subjectPrefix, '--log-level', 'info'],
      { HERALD_NATS_STREAM_PREFIX: streams.streamPrefix, HERALD_LOG_FORMAT: 'json' },
    );
    track(cleanups, cli);
    await publishAndRead(url);
    expect(logMessages(cli)).toContain(`store: NATS at ${SHARED_NATS}`);
    await stop(cli);
    const nc = await connect({ servers: SHARED_NATS });
    try {
      const info = await (await jetstreamManager(nc)).streams.info(`${streams.streamPrefix}run_ccli`);
      expect(info.state.messages).toBe(2);
      expect(info.config.subjects).toEqual([`${streams.subjectPrefix}.run_ccli.*`]);
    } finally {
      await nc.close();
    }
  }, 30_000);
});

describe('herald serve store choice', () => {
  it('two stores from any sources are a usage error naming both and where they came from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-stores-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'h.json');
    await writeFile(file, JSON.stringify({ postgres: 'postgres://127.0.0.1/x' }));
    const cli = track(
      cleanups,
      spawnCli(['serve', '--config', file, '--port', '0'], { HERALD_NATS_URL: 'nats://127.0.0.1:4222' }),
    );
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(
      `herald: --postgres (config ${file}: postgres) and --nats (env HERALD_NATS_URL) each choose a store: ` +
        'keep one of --data, --memory, --redis, --postgres or --nats\n',
    );
    const cases: [string[], string][] = [
      [
        ['serve', '--redis', 'redis://127.0.0.1', '--postgres', 'postgres://127.0.0.1/x'],
        'herald: --redis (flag) and --postgres (flag) each choose a store: keep one of --data, --memory, --redis, --postgres or --nats',
      ],
      [
        ['serve', '--memory', '--nats', 'nats://127.0.0.1:4222'],
        'herald: --memory (flag) and --nats (flag) each choose a store: keep one of --data, --memory, --redis, --postgres or --nats',
      ],
      [['serve', '--postgres-schema', 's'], 'herald: --postgres-schema needs --postgres'],
      [['serve', '--memory', '--postgres-pool-size', '3'], 'herald: --postgres-pool-size needs --postgres'],
      [
        ['serve', '--postgres', 'postgres://127.0.0.1/x', '--nats-stream-prefix', 'P_'],
        'herald: --nats-stream-prefix needs --nats',
      ],
      [['serve', '--nats-replicas', '3'], 'herald: --nats-replicas needs --nats'],
      [['serve', '--postgres', 'not a url'], 'herald: --postgres must be a URL'],
      [
        ['serve', '--postgres', 'postgres://127.0.0.1/x', '--postgres-pool-size', '0'],
        'herald: --postgres-pool-size must be a positive integer',
      ],
    ];
    for (const [args, line] of cases) {
      const { io, sink } = capture();
      expect(await runCli(args, sink), args.join(' ')).toBe(2);
      expect(io.errLines, args.join(' ')).toEqual([line]);
    }
  });

  it('an unreachable engine is one line naming the store and its URL without the password, exit 1', async () => {
    const cases: [string[], string][] = [
      [
        ['--postgres', 'postgres://herald:s3cret@127.0.0.1:1/x'],
        'herald: cannot use PostgreSQL at postgres://herald:***@127.0.0.1:1/x: connect ECONNREFUSED 127.0.0.1:1\n',
      ],
      [
        ['--nats', 'nats://127.0.0.1:1'],
        'herald: cannot use NATS at nats://127.0.0.1:1: connection refused\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const cli = track(cleanups, spawnCli(['serve', '--port', '0', '--log-level', 'warn', ...args]));
      expect(await cli.exited, args.join(' ')).toBe(1);
      expect(cli.stderr(), args.join(' ')).toBe(stderr);
      expect(cli.stdout()).toBe('');
    }
  }, 30_000);
});
