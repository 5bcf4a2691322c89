#!/usr/bin/env node
// A MeatyMusic-style workflow backend (seed 000) with no Herald hub: a plain JSON WebSocket at /events,
// the shape of its FastAPI endpoint. Each message is a run event { ts, run_id, node, phase, n, ... } with
// `n` counting the run's events 1, 2, 3... A client sends { action: 'subscribe', run_id, after } and gets
// the run's events with `n` above `after` (none missed across a reconnect), then the live ones;
// { action: 'unsubscribe', run_id } stops them. POST /runs/:id/simulate runs one workflow, as the
// orchestrator would (?nodes=PLAN,STYLE for only some); GET /healthz. Events are kept in a JSON-lines file (--data), so a restarted server
// can still replay.
//   node server.mjs [--port 8001] [--data runs.jsonl] [--allow-origin http://127.0.0.1:4173 ...]
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8001' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: 'runs.jsonl' },
    'allow-origin': { type: 'string', multiple: true },
  },
});
const origins =
  values['allow-origin'] ?? ['5173', '4173'].flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]);
const ID = /^[A-Za-z0-9_.-]{1,100}$/;
const NODES = ['PLAN', 'STYLE', 'LYRICS', 'COMPOSE', 'VALIDATE', 'RENDER'];

const events = existsSync(values.data)
  ? readFileSync(values.data, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
  : [];
/** Open sockets and the runs each one subscribed. */
const subscribers = new Map();

function publish(runId, node, phase, extra = {}) {
  const n = events.filter((e) => e.run_id === runId).length + 1;
  const event = { ts: new Date().toISOString(), run_id: runId, node, phase, n, ...extra };
  events.push(event);
  appendFileSync(values.data, `${JSON.stringify(event)}\n`);
  for (const [ws, runs] of subscribers) if (runs.has(runId)) ws.send(JSON.stringify(event));
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function simulate(runId, nodes, delayMs) {
  let count = 0;
  for (const node of nodes) {
    publish(runId, node, 'start');
    await sleep(delayMs);
    publish(runId, node, 'end', { duration_ms: 100 + node.length * 10 });
    count += 2;
  }
  return count;
}

const json = (res, status, body) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const http = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return json(res, 200, { ok: true, events: events.length });
  const match = /^\/runs\/([^/]+)\/simulate$/.exec(url.pathname);
  if (!match || !ID.test(match[1]) || req.method !== 'POST') return json(res, 404, { error: 'not found' });
  const delayMs = Math.min(Number(url.searchParams.get('delay_ms') ?? 300) || 0, 5000);
  // ?nodes=PLAN,STYLE runs only those (a run that goes on later); default: the whole workflow.
  const nodes = url.searchParams.get('nodes')?.split(',').filter((n) => NODES.includes(n)) ?? NODES;
  json(res, 200, { run_id: match[1], events: await simulate(match[1], nodes, delayMs) });
});

// A browser sends its page's Origin with the upgrade, and WebSockets have no CORS: the server checks it.
const wss = new WebSocketServer({
  server: http,
  path: '/events',
  verifyClient: ({ origin }) => !origin || origins.includes(origin),
});
wss.on('connection', (ws) => {
  const runs = new Set();
  subscribers.set(ws, runs);
  ws.on('close', () => subscribers.delete(ws));
  ws.on('message', (raw) => {
    let message;
    try {
      message = JSON.parse(String(raw));
    } catch {
      return; // not JSON: ignored, as a FastAPI handler would
    }
    if (!ID.test(message?.run_id ?? '')) return;
    if (message.action === 'unsubscribe') runs.delete(message.run_id);
    if (message.action !== 'subscribe') return;
    const after = Number.isInteger(message.after) ? message.after : 0;
    for (const e of events) if (e.run_id === message.run_id && e.n > after) ws.send(JSON.stringify(e));
    runs.add(message.run_id);
    console.log(`subscribe ${message.run_id} after ${after}`);
  });
});

const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  http.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

http.listen(Number(values.port), values.host, () => {
  const { address, port } = http.address();
  console.log(`listening on http://${address}:${port} (${events.length} events stored)`);
});
