#!/usr/bin/env node
// herald-example-publisher: publish a MeatyMusic run or video jobs to a Herald hub, mint a token, or serve
// the token endpoint. Configuration comes from the environment, as a deployed backend's would:
//   HERALD_URL            the hub, default http://127.0.0.1:8080
//   HERALD_PUBLISHER_KEY  a key the hub was started with (--publisher-key); omit for an open dev hub
//   HERALD_JWT_SECRET     the hub's --jwt-secret, to mint connection tokens
import { parseArgs } from 'node:util';
import { mintConnectionToken } from './herald.mjs';
import { publishJobs } from './jobs.mjs';
import { startTokenServer } from './token-server.mjs';
import { publishRun } from './workflow.mjs';

const USAGE = `usage:
  node cli.mjs run RUN_ID [--delay-ms N]          publish a MeatyMusic workflow run on run:RUN_ID
  node cli.mjs jobs JOB_ID... [--delay-ms N]      publish video generation jobs on generation:JOB_ID
                                                  (a JOB_ID containing "fail" ends with an error)
  node cli.mjs token [--sub S] [--channel P]...   print a connection token (default channels run:* generation:*)
  node cli.mjs serve-token [--port N]             serve GET /token for browsers (CORS), default port 8787`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'delay-ms': { type: 'string', default: '250' },
    sub: { type: 'string', default: 'demo-viewer' },
    channel: { type: 'string', multiple: true },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command, ...args] = positionals;
const env = {
  url: process.env.HERALD_URL ?? 'http://127.0.0.1:8080',
  key: process.env.HERALD_PUBLISHER_KEY,
  secret: process.env.HERALD_JWT_SECRET ?? '',
};
const delayMs = Number(values['delay-ms']);

function fail(message, code = 2) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

if (values.help || !command) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const hub = { url: env.url, key: env.key };
try {
  if (command === 'run') {
    const [runId] = args;
    if (!runId) fail(USAGE);
    const acks = await publishRun({
      ...hub,
      runId,
      delayMs,
      onEvent: (type, ack) => process.stdout.write(`#${ack.seq} ${type}${ack.duplicate ? ' (duplicate)' : ''}\n`),
    });
    const duplicates = acks.filter((a) => a.duplicate).length;
    process.stdout.write(`published run:${runId}: ${acks.length} events, ${duplicates} already stored\n`);
  } else if (command === 'jobs') {
    if (args.length === 0) fail(USAGE);
    const count = await publishJobs(hub, args, { delayMs });
    process.stdout.write(`published ${args.length} jobs: ${count} events\n`);
  } else if (command === 'token') {
    const token = await mintConnectionToken({
      secret: env.secret,
      sub: values.sub,
      subChannels: values.channel ?? ['run:*', 'generation:*'],
    });
    process.stdout.write(`${token}\n`);
  } else if (command === 'serve-token') {
    if (!env.secret) fail('serve-token: set HERALD_JWT_SECRET to the hub secret');
    const server = await startTokenServer({ secret: env.secret, port: Number(values.port) });
    process.stdout.write(`token server on ${server.url}/token\n`);
    const stop = () => server.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } else {
    fail(USAGE);
  }
} catch (err) {
  const cause = err instanceof Error && err.cause ? ` (${err.cause.code ?? err.cause.message ?? err.cause})` : '';
  fail(`herald-example-publisher: ${err instanceof Error ? err.message : String(err)}${cause}`, 1);
}
