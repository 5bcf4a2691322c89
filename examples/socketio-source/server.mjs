#!/usr/bin/env node
// A delicious-lotus-style video generation backend (seed 003) with no Herald hub: a socket.io server.
// Clients emit `subscribe` / `unsubscribe` with a generation id and get its room's events: `progress`,
// `clip_completed`, `status_change`, `completed`, each carrying `generation_id` and a unique `event_id`.
// REST beside it: PUT /api/v1/generations/:id (queues one), GET /api/v1/generations/:id (the polling
// endpoint, what a client refetches after a gap), POST /api/v1/generations/:id/simulate (runs a queued
// generation, as the workers would), GET /healthz.
// Each generation's state and event count are kept in a JSON file (--data), so a restarted server still
// answers the REST read and goes on numbering event ids.
//   node server.mjs [--port 3001] [--data generations.json] [--allow-origin http://127.0.0.1:4173 ...]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3001' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: 'generations.json' },
    'allow-origin': { type: 'string', multiple: true },
  },
});
const origins = values['allow-origin'] ?? ['5173', '4173'].flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]);
const ID = /^[A-Za-z0-9_.-]{1,100}$/;
const CLIPS = 3;

const generations = existsSync(values.data) ? JSON.parse(readFileSync(values.data, 'utf8')) : {};
const save = () => writeFileSync(values.data, JSON.stringify(generations, null, 2));

function stateOf(id) {
  generations[id] ??= { generation_id: id, status: 'queued', percentage: 0, clips: [], video_url: null, events: 0 };
  return generations[id];
}

/** Applies one event to the generation's stored state and emits it to the generation's room. */
function publish(id, event, fields) {
  const state = stateOf(id);
  state.events += 1;
  const data = { generation_id: id, event_id: `${id}:${state.events}`, ...fields };
  if (event === 'progress') state.percentage = fields.percentage;
  if (event === 'status_change') state.status = fields.new_status;
  if (event === 'clip_completed') state.clips.push(fields.clip_id);
  if (event === 'completed') Object.assign(state, { status: 'completed', percentage: 100, video_url: fields.video_url });
  save();
  io.to(`generation:${id}`).emit(event, data);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** One generation from queued to completed: the steps seed 003's backend reports. */
async function simulate(id, delayMs) {
  const steps = [['status_change', { old_status: stateOf(id).status, new_status: 'processing', message: 'Started' }]];
  for (let clip = 1; clip <= CLIPS; clip++) {
    const percentage = Math.round((clip / CLIPS) * 90);
    steps.push(['progress', { step: 'generating_clips', clip_number: clip, total_clips: CLIPS, percentage, message: `Clip ${clip} of ${CLIPS}` }]);
    steps.push(['clip_completed', { clip_id: `${id}_clip${clip}`, thumbnail_url: `https://cdn.example.invalid/${id}/clip${clip}.jpg`, duration: 4 }]);
  }
  steps.push(['progress', { step: 'encoding', clip_number: CLIPS, total_clips: CLIPS, percentage: 95, message: 'Encoding' }]);
  steps.push(['completed', { video_url: `https://cdn.example.invalid/${id}/final.mp4`, thumbnail_url: `https://cdn.example.invalid/${id}/final.jpg`, duration: 12 }]);
  for (const [event, fields] of steps) {
    publish(id, event, fields);
    await sleep(delayMs);
  }
  return steps.length;
}

function cors(req, res) {
  const origin = req.headers.origin;
  if (origin && origins.includes(origin)) res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'origin');
}

const json = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const http = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  cors(req, res);
  if (url.pathname === '/healthz') return json(res, 200, { ok: true });
  const match = /^\/api\/v1\/generations\/([^/]+)(\/simulate)?$/.exec(url.pathname);
  if (!match || !ID.test(match[1])) return json(res, 404, { error: 'not found' });
  const [, id, simulating] = match;
  if (!simulating && req.method === 'PUT') {
    const created = !generations[id];
    stateOf(id);
    save();
    return json(res, created ? 201 : 200, generations[id]);
  }
  if (!generations[id]) return json(res, 404, { error: `no generation ${id}` });
  if (!simulating && req.method === 'GET') return json(res, 200, generations[id]);
  if (simulating && req.method === 'POST') {
    const delayMs = Math.min(Number(url.searchParams.get('delay_ms') ?? 300) || 0, 5000);
    return json(res, 200, { generation_id: id, events: await simulate(id, delayMs) });
  }
  json(res, 405, { error: 'method not allowed' });
});

const io = new Server(http, {
  cors: { origin: origins },
  // A network blip within 2 minutes restores the session (rooms and missed events): Herald's source then
  // reports a resume. A server restart loses it, and the client gets a gap to refetch on.
  connectionStateRecovery: { maxDisconnectionDuration: 120_000 },
});

io.on('connection', (socket) => {
  const room = (body) => (body && ID.test(body.generation_id) ? `generation:${body.generation_id}` : null);
  socket.on('subscribe', (body) => {
    const name = room(body);
    if (name) socket.join(name);
  });
  socket.on('unsubscribe', (body) => {
    const name = room(body);
    if (name) socket.leave(name);
  });
});

const stop = () => io.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

http.listen(Number(values.port), values.host, () => {
  const { address, port } = http.address();
  console.log(`listening on http://${address}:${port} (${Object.keys(generations).length} generations stored)`);
});
