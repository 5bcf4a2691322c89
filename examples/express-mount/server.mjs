// An Express 5 app that serves Herald from its own http.Server: the hub's HTTP API, SSE and WebSocket
// live beside the app's routes, on one port. The app publishes through hub.publish when an order is
// placed; browsers follow the `orders` channel over SSE (the page below) or WebSocket (@herald/client).
import { createServer } from 'node:http';
import { createHub } from '@herald/hub';
import express from 'express';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const publisherKey = process.env.HERALD_PUBLISHER_KEY;

// Without auth a hub runs only on loopback (an open dev hub); give a publisher key (and a JWT secret for
// browsers) to bind anywhere else. `host` is the interface this server binds, for that rule.
const hub = await createHub({
  host,
  ...(publisherKey ? { auth: { publisherKeys: [publisherKey] } } : {}),
});

const app = express();

// Herald's paths go to the hub, before any body parser: the hub reads its own request bodies.
const HERALD = /^\/(v1\/|healthz$|metrics$)/;
app.use((req, res, next) => (HERALD.test(req.path) ? hub.handleRequest(req, res) : next()));

app.use(express.json());

let orders = 0;
app.post('/orders', async (req, res, next) => {
  try {
    const id = `order-${++orders}`;
    const [event] = (
      await hub.publish('orders', [{ type: 'order.created', id, data: { id, item: req.body?.item ?? 'tea' } }])
    ).results;
    res.status(201).json({ id, seq: event?.seq });
  } catch (err) {
    next(err);
  }
});

app.get('/', (_req, res) => {
  res.type('html').send(`<!doctype html>
<title>Orders, live</title>
<button id="order">Place an order</button>
<ul id="log"></ul>
<script>
  const log = document.getElementById('log');
  // SSE resumes by itself after a drop: the browser sends Last-Event-ID, the hub replays what was missed.
  new EventSource('/v1/channels/orders/stream?after=0').addEventListener('order.created', (e) => {
    const envelope = JSON.parse(e.data);
    log.insertAdjacentHTML('beforeend', '<li>#' + envelope.seq + ' ' + envelope.data.item + '</li>');
  });
  document.getElementById('order').onclick = () =>
    fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"coffee"}' });
</script>`);
});

const server = createServer(app);
// WebSocket upgrades to /v1/ws become Herald connections (other paths are answered 404).
server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
server.listen(port, host, () => {
  const { port: bound } = server.address();
  console.log(`listening on http://${host}:${bound}`);
});

// Drain Herald's clients first (they reconnect elsewhere and resume), then stop the server.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await hub.close();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
