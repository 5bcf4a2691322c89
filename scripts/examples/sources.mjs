// The checks of scripts/examples.mjs for the examples whose backend has no hub (@herald/client/sources):
// python-sse-source against its Python standard-library SSE server, socketio-source against its socket.io
// server, ws-source against its plain JSON WebSocket server (`ws`). For each: build with the backend's URL inlined, start the backend on a port chosen up front (a
// restart must come back on the same one, the URL is in the bundle), serve the built page, check in
// Chromium that the backend's events reach the DOM, then restart the backend and check that the page
// reconnects and goes on: resumed through Last-Event-ID (SSE) or a subscribe message carrying the last
// position (WebSocket), or a gap that the page refetches on (socket.io, whose session recovery does not
// outlive a restart).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './pages.mjs';
import { freePort, run, startServer } from './processes.mjs';

/** The example apps this file checks, installed by examples.mjs like the others. */
export const SOURCE_APPS = ['python-sse-source', 'socketio-source', 'ws-source'];

const READY = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
// While a backend is down the browser logs each refused request as a console error: expected then.
const REFUSED = /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed/;

/**
 * The backends, each as what differs: how to start it, where its page points, how to drive it, and what
 * the page must show before and after a restart.
 */
const backends = {
  'python-sse-source': {
    start: (port, origin, dir) => [
      'python3',
      [
        'server.py',
        'serve',
        '--port',
        String(port),
        '--data',
        join(dir, 'events.jsonl'),
        '--allow-origin',
        origin,
      ],
    ],
    buildEnv: (api) => ({ VITE_SSE_URL: `${api}/realtime/stream` }),
    path: '/?goal=g1',
  },
  'socketio-source': {
    start: (port, origin, dir) => [
      'node',
      [
        'server.mjs',
        '--port',
        String(port),
        '--data',
        join(dir, 'generations.json'),
        '--allow-origin',
        origin,
      ],
    ],
    buildEnv: (api) => ({ VITE_API_URL: api }),
    path: '/?ids=gen_a,gen_b',
    // The backend queues the generations (and returns their ids) before a page watches them.
    prepare: async (h, s) => {
      for (const id of ['gen_a', 'gen_b']) {
        const res = await h.fetchJson(`${s.api}/api/v1/generations/${id}`, { method: 'PUT' });
        h.assert(res.status === 201, `PUT generation ${id} answered ${res.status} ${res.text}`);
      }
    },
  },
  'ws-source': {
    start: (port, origin, dir) => [
      'node',
      ['server.mjs', '--port', String(port), '--data', join(dir, 'runs.jsonl'), '--allow-origin', origin],
    ],
    buildEnv: (api) => ({ VITE_EVENTS_URL: `${api.replace(/^http/, 'ws')}/events` }),
    path: '/?run=song-1',
  },
};

/** Two distinct free ports: the backend's and the page's (its origin goes in the backend's CORS list). */
async function twoPorts() {
  const api = await freePort();
  let preview = await freePort();
  while (preview === api) preview = await freePort();
  return { api, preview };
}

/**
 * Adds the checks. `h` is examples.mjs's toolkit: `check`, `ctx` (the installed apps' dirs by name),
 * `browser()` (the launched Chromium, or null), `chromium` (the check that launched it), `openPage`,
 * `mustSucceed`, `assert`, `fetchJson`, `cleanEnv`, `bin`.
 */
export async function sourceExampleChecks(h) {
  for (const app of SOURCE_APPS) {
    const b = backends[app];
    const s = { dir: h.ctx[app] }; // this app's dir, ports, servers and open page
    const startBackend = async () => {
      const [cmd, args] = b.start(s.ports.api, s.origin, h.ctx[app]);
      return startServer(`${app} backend`, cmd, args, {
        cwd: h.ctx[app],
        env: h.cleanEnv(),
        ready: READY,
        timeoutMs: 15_000,
      });
    };
    const built = `build ${app} (npm run build: tsc -b && vite build)`;
    await h.check(
      built,
      async () => {
        s.ports = await twoPorts();
        s.api = `http://127.0.0.1:${s.ports.api}`;
        s.origin = `http://127.0.0.1:${s.ports.preview}`;
        // The backend's store starts empty (a copy of a hand-run example could bring one along).
        for (const file of ['events.jsonl', 'generations.json', 'runs.jsonl'])
          rmSync(join(s.dir, file), { force: true });
        const env = h.cleanEnv(b.buildEnv(s.api));
        h.mustSucceed(
          'npm run build',
          await run('npm', ['run', 'build'], { cwd: h.ctx[app], env, timeoutMs: 240_000 }),
        );
        return `backend inlined as ${s.api}`;
      },
      { needs: [`typecheck ${app} (tsc -b, stock create-vite tsconfig)`], timeoutMs: 260_000 },
    );
    const served = `serve ${app} and its backend`;
    await h.check(
      served,
      async () => {
        s.backend = await startBackend();
        const health = await h.fetchJson(`${s.api}/healthz`);
        h.assert(health.status === 200, `the backend's /healthz answered ${health.status}`);
        const args = ['preview', '--port', String(s.ports.preview), '--strictPort', '--host', '127.0.0.1'];
        s.preview = await startServer(`vite preview ${app}`, h.bin(h.ctx[app], 'vite'), args, {
          cwd: h.ctx[app],
          ready: /(http:\/\/127\.0\.0\.1:\d+)/,
          timeoutMs: 30_000,
        });
        return `page ${s.preview.match[1]}, backend ${s.api}`;
      },
      { needs: [built] },
    );
    const live = `${app}: the backend's events reach the page live`;
    await h.check(
      live,
      async () => {
        await b.prepare?.(h, s);
        s.tab = await h.openPage(h.browser(), `${s.origin}${b.path}`);
        try {
          const note = await {
            'python-sse-source': sseLive,
            'socketio-source': socketIoLive,
            'ws-source': wsLive,
          }[app](h, s);
          const problems = s.tab.problems();
          h.assert(problems.length === 0, `the page reported problems:\n${problems.join('\n')}`);
          return note;
        } catch (err) {
          await s.tab.close();
          s.tab = null;
          throw err;
        }
      },
      { needs: [...h.chromium, served], timeoutMs: 90_000 },
    );
    await h.check(
      `${app}: after a backend restart the page reconnects and goes on`,
      async () => {
        try {
          const { page } = s.tab;
          await s.backend.stop();
          await waitFor(page, '.herald-connection:not([data-state="connected"])');
          s.backend = await startBackend();
          await waitFor(page, '.herald-connection[data-state="connected"]');
          const note = await {
            'python-sse-source': sseRestarted,
            'socketio-source': socketIoRestarted,
            'ws-source': wsRestarted,
          }[app](h, s);
          const problems = s.tab.problems().filter((p) => !REFUSED.test(p));
          h.assert(problems.length === 0, `the page reported problems:\n${problems.join('\n')}`);
          return note;
        } finally {
          await s.tab.close();
          await s.backend.stop();
          await s.preview.stop();
        }
      },
      { needs: [live], timeoutMs: 90_000 },
    );
  }
}

const feedSeqs = (page, selector) =>
  page.$$eval(`${selector} li[data-seq]`, (els) => els.map((el) => Number(el.getAttribute('data-seq'))));

const isOneToN = (seqs, n) => seqs.length === n && seqs.every((seq, i) => seq === i + 1);

/** python-sse-source: server.py's `run` drives goal g1 through its lifecycle. */
async function sseLive(h, s) {
  const { page } = s.tab;
  await waitFor(page, '.herald-connection[data-state="connected"]');
  await waitFor(page, '[data-testid="feed"][data-status="live"][data-count="0"]');
  const out = h.mustSucceed(
    'server.py run',
    await run('python3', ['server.py', 'run', 'g1', '--url', s.api, '--delay', '0.02'], {
      cwd: s.dir,
      env: h.cleanEnv(),
    }),
  );
  const count = /goal g1: (\d+) events/.exec(out.stdout);
  h.assert(count, `unexpected output of server.py run:\n${out.stdout}`);
  s.count = Number(count[1]);
  await waitFor(page, `[data-testid="feed"][data-count="${s.count}"]`, 'goal.completed');
  await waitFor(page, '[data-testid="goal"][data-status="completed"]', '3 of 3 actions completed');
  for (const action of ['a1', 'a2', 'a3'])
    await waitFor(page, `[data-action="${action}"][data-progress="100"]`);
  const seqs = await feedSeqs(page, '[data-testid="feed"]');
  h.assert(isOneToN(seqs, s.count), `the feed's seqs are ${seqs.join(',')}, want 1..${s.count}`);
  return `${s.count} events over SSE, goal completed, 3 actions at 100%, seq 1..${s.count}`;
}

/** After the restart: two more events; the page sent Last-Event-ID, got them once, and shows no gap. */
async function sseRestarted(h, s) {
  const { page } = s.tab;
  for (const text of ['Kickoff moved to Monday', 'Budget approved']) {
    const posted = await h.fetchJson(`${s.api}/goals/g1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'goal.activity.created', data: { text } }),
    });
    h.assert(posted.status === 201, `POST an event answered ${posted.status} ${posted.text}`);
  }
  const want = s.count + 2;
  await waitFor(page, `[data-testid="feed"][data-count="${want}"]`, 'Budget approved');
  const seqs = await feedSeqs(page, '[data-testid="feed"]');
  h.assert(isOneToN(seqs, want), `the feed's seqs are ${seqs.join(',')}, want 1..${want}`);
  h.assert((await page.$('[data-testid="gap"]')) === null, 'the page shows a gap after a resumable restart');
  const resumed = new RegExp(`Last-Event-ID ${s.count}\\b`).test(s.backend.output());
  h.assert(resumed, `the restarted backend saw no Last-Event-ID ${s.count}:\n${s.backend.output()}`);
  return `reconnected with Last-Event-ID ${s.count}, no gap, ${want} events seq 1..${want}`;
}

const card = (id) => `[data-generation="${id}"]`;

/** Runs one generation on the socket.io backend (POST …/simulate) and returns how many events it emitted. */
async function simulate(h, s, id) {
  const res = await h.fetchJson(`${s.api}/api/v1/generations/${id}/simulate?delay_ms=20`, { method: 'POST' });
  h.assert(
    res.status === 200 && typeof res.body?.events === 'number',
    `simulate ${id}: ${res.status} ${res.text}`,
  );
  return res.body.events;
}

async function generationDone(h, page, id, count) {
  await waitFor(page, `${card(id)}[data-status="completed"]`, '3 clips');
  await waitFor(page, `${card(id)} [data-testid="video-url"]`, `/${id}/final.mp4`);
  await waitFor(page, `${card(id)} [data-testid="feed"][data-count="${count}"]`);
  const seqs = await feedSeqs(page, `${card(id)} [data-testid="feed"]`);
  h.assert(isOneToN(seqs, count), `${id}'s feed seqs are ${seqs.join(',')}, want 1..${count}`);
}

/** socketio-source: gen_a runs while the page watches gen_a and gen_b, each in its own room. */
async function socketIoLive(h, s) {
  const { page } = s.tab;
  await waitFor(page, '.herald-connection[data-state="connected"]');
  for (const id of ['gen_a', 'gen_b'])
    await waitFor(page, `${card(id)}[data-channel-status="live"][data-status="queued"]`);
  s.count = await simulate(h, s, 'gen_a');
  await generationDone(h, page, 'gen_a', s.count);
  await waitFor(page, `${card('gen_b')}[data-status="queued"] [data-testid="feed"][data-count="0"]`);
  return `gen_a: ${s.count} events over socket.io, completed with its video URL; gen_b's room got none`;
}

/** After the restart: socket.io could not recover the session, so gen_a shows the gap and its refetch; gen_b runs live. */
async function socketIoRestarted(h, s) {
  const { page } = s.tab;
  await waitFor(page, `${card('gen_a')} [data-testid="gap"][data-refetched="true"]`, 'refetched, completed');
  const count = await simulate(h, s, 'gen_b');
  await generationDone(h, page, 'gen_b', count);
  await waitFor(
    page,
    `${card('gen_a')}[data-status="completed"] [data-testid="feed"][data-count="${s.count}"]`,
  );
  return `gap shown and gen_a refetched over REST (completed); gen_b's ${count} events arrived after the restart`;
}

/** ws-source: runs part of workflow run song-1 (POST /runs/song-1/simulate?nodes=…). */
async function runNodes(h, s, nodes) {
  const res = await h.fetchJson(`${s.api}/runs/song-1/simulate?delay_ms=20&nodes=${nodes.join(',')}`, {
    method: 'POST',
  });
  h.assert(
    res.status === 200 && res.body?.events === nodes.length * 2,
    `simulate: ${res.status} ${res.text}`,
  );
  return res.body.events;
}

const BEFORE = ['PLAN', 'STYLE', 'LYRICS', 'COMPOSE', 'VALIDATE'];

/** ws-source: the run's first five nodes reach the page over the plain WebSocket. */
async function wsLive(h, s) {
  const { page } = s.tab;
  await waitFor(page, '.herald-connection[data-state="connected"]');
  await waitFor(page, '[data-testid="feed"][data-status="live"][data-count="0"]');
  s.count = await runNodes(h, s, BEFORE);
  await waitFor(page, `[data-testid="feed"][data-count="${s.count}"]`, 'VALIDATE.end');
  for (const node of BEFORE) await waitFor(page, `[data-node="${node}"][data-phase="end"]`);
  const seqs = await feedSeqs(page, '[data-testid="feed"]');
  h.assert(isOneToN(seqs, s.count), `the feed's seqs are ${seqs.join(',')}, want 1..${s.count}`);
  return `${s.count} events over the WebSocket, ${BEFORE.length} nodes done, seq 1..${s.count}`;
}

/** After the restart: the page's subscribe carried n = 10, and RENDER's events arrive once, no gap. */
async function wsRestarted(h, s) {
  const { page } = s.tab;
  const want = s.count + (await runNodes(h, s, ['RENDER']));
  await waitFor(page, `[data-testid="feed"][data-count="${want}"]`, 'RENDER.end');
  await waitFor(page, '[data-node="RENDER"][data-phase="end"]');
  const seqs = await feedSeqs(page, '[data-testid="feed"]');
  h.assert(isOneToN(seqs, want), `the feed's seqs are ${seqs.join(',')}, want 1..${want}`);
  h.assert((await page.$('[data-testid="gap"]')) === null, 'the page shows a gap after a resumable restart');
  const resumed = new RegExp(`subscribe song-1 after ${s.count}\\b`).test(s.backend.output());
  h.assert(resumed, `the restarted backend saw no subscribe after ${s.count}:\n${s.backend.output()}`);
  return `resubscribed after n = ${s.count}, no gap, ${want} events seq 1..${want}`;
}
