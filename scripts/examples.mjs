#!/usr/bin/env node
// npm run examples: installs every example app under examples/ from the packed tarballs, outside the
// repository, as a real app would (never through workspace links), and proves each one works:
//   pack the publishable packages -> copy each example to a temp dir, point its @herald/* dependencies (and,
//   through npm overrides, every transitive one) at the tarballs -> npm install -> type-check and build
//   with the framework's stock settings -> start a hub with the installed @herald/cli tarball -> serve each
//   built app, publish from the Node and Python publishers, and check in Chromium that the events reach
//   the DOM. The examples for backends without a hub (scripts/examples/sources.mjs) run against their
//   own Python SSE and socket.io servers, restarted once.
// One line per check, then `examples: N passed, N failed`. Exits 1 on any failure. Every process it starts
// is killed and its temp dir removed, also on failure or timeout. Only 127.0.0.1 is ever contacted,
// apart from npm's registry for the apps' third-party dependencies.
// Flags: --keep leaves the temp dir in place (its path is printed).
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attributeOf, CHROMIUM_PATH, launchBrowser, openPage, waitFor } from './examples/pages.mjs';
import { cleanEnv, freePort, killAll, killAllNow, run, startServer } from './examples/processes.mjs';
import { SOURCE_APPS, sourceExampleChecks } from './examples/sources.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const EXAMPLES = join(ROOT, 'examples');
const KEEP = process.argv.includes('--keep');
const DEADLINE_MS = 20 * 60_000; // the whole run; CI's budget is 90 minutes for everything
const started = Date.now();

const TMP = mkdtempSync(join(tmpdir(), 'herald-examples-'));
if (!relative(ROOT, TMP).startsWith('..')) throw new Error(`temp dir ${TMP} is inside the repository`);
const TARBALLS = join(TMP, 'tarballs');
const APPS = join(TMP, 'apps');
mkdirSync(TARBALLS);
mkdirSync(APPS);

const SECRET = randomBytes(32).toString('base64url');
const PUBLISHER_KEY = `pk_${randomBytes(18).toString('base64url')}`;

// ---------------------------------------------------------------------------------------------- checks

const results = [];
let browser = null;
let cleaned = false;

function line(status, name, ms, detail) {
  const time = ms === null ? '' : ` (${(ms / 1000).toFixed(1)} s)`;
  process.stdout.write(`${status.padEnd(4)} ${name}${detail ? `: ${detail}` : ''}${time}\n`);
}

/**
 * Runs one check. `needs` names earlier checks that must have passed (otherwise this one is skipped);
 * `fn` resolves to an optional one-line note, or throws. Returns whether it passed.
 */
async function check(name, fn, { needs = [], timeoutMs = 120_000 } = {}) {
  const missing = needs.filter((n) => !results.some((r) => r.name === n && r.status === 'ok'));
  if (missing.length > 0) {
    results.push({ name, status: 'skip' });
    line('skip', name, null, `needs ${missing.join(', ')}`);
    return false;
  }
  const t0 = Date.now();
  let timer;
  try {
    const note = await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    results.push({ name, status: 'ok' });
    line('ok', name, Date.now() - t0, typeof note === 'string' ? note : '');
    return true;
  } catch (err) {
    results.push({ name, status: 'FAIL' });
    const [first, ...rest] = String(err instanceof Error ? err.message : err)
      .trim()
      .split('\n');
    line('FAIL', name, Date.now() - t0, first);
    for (const detail of rest.slice(-25)) process.stdout.write(`     | ${detail}\n`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Throws with the command's last output lines unless it exited 0. */
function mustSucceed(what, r) {
  if (r.code === 0 && !r.timedOut) return r;
  const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-25).join('\n');
  throw new Error(`${what} ${r.timedOut ? 'timed out' : `exited ${r.code}`}\n${tail}`);
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function fetchJson(url, init = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, text };
}

// ------------------------------------------------------------------------------------ packing, installs

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The publishable workspace packages under packages/: name, version, directory. */
function publishablePackages() {
  return readJson(join(ROOT, 'package.json'))
    .workspaces.filter((w) => w.startsWith('packages/'))
    .map((dir) => ({ dir, ...readJson(join(ROOT, dir, 'package.json')) }))
    .filter((p) => !p.private);
}

const tarballs = {};

async function pack() {
  const packages = publishablePackages();
  const args = ['pack', ...packages.flatMap((p) => ['-w', p.name]), '--pack-destination', TARBALLS];
  mustSucceed('npm pack', await run('npm', args, { cwd: ROOT, timeoutMs: 240_000 }));
  for (const p of packages) {
    const file = join(TARBALLS, `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`);
    assert(existsSync(file), `npm pack wrote no ${basename(file)}`);
    tarballs[p.name] = file;
  }
  return `${packages.map((p) => `${p.name}@${p.version}`).join(', ')}`;
}

/** Points every @herald/* dependency at its tarball and adds overrides so transitive ones are too. */
function pointAtTarballs(pkg) {
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (!name.startsWith('@herald/')) continue;
      assert(tarballs[name], `${name} is not a publishable package of this repository`);
      pkg[field][name] = `file:${tarballs[name]}`;
    }
  }
  pkg.overrides = {
    ...pkg.overrides,
    ...Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
  };
  return pkg;
}

/** Copies examples/<name> to the temp dir without build output or installs, rewriting its package.json. */
function copyExample(name) {
  const dest = join(APPS, name);
  const skip = new Set([
    'node_modules',
    '.next',
    'dist',
    '__pycache__',
    'package-lock.json',
    'next-env.d.ts',
  ]);
  cpSync(join(EXAMPLES, name), dest, {
    recursive: true,
    filter: (src) => !skip.has(basename(src)) && !src.endsWith('.tsbuildinfo'),
  });
  const manifest = join(dest, 'package.json');
  if (existsSync(manifest))
    writeFileSync(manifest, `${JSON.stringify(pointAtTarballs(readJson(manifest)), null, 2)}\n`);
  return dest;
}

/** npm install in `dir`, then proves that every @herald/* package came from a tarball, not the registry. */
async function install(dir) {
  mustSucceed(
    'npm install',
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      timeoutMs: 420_000,
    }),
  );
  const lock = readJson(join(dir, 'package-lock.json'));
  const herald = Object.entries(lock.packages ?? {}).filter(([path]) =>
    /(^|\/)node_modules\/@herald\/[^/]+$/.test(path),
  );
  for (const [path, entry] of herald) {
    assert(
      entry.resolved?.startsWith('file:'),
      `${path} was not installed from a tarball (${entry.resolved})`,
    );
    assert(!lstatSync(join(dir, path)).isSymbolicLink(), `${path} is a link, not an installed package`);
    assert(existsSync(join(dir, path, 'dist', 'index.d.ts')), `${path} has no dist/index.d.ts`);
  }
  const names = [...new Set(herald.map(([path]) => path.slice(path.lastIndexOf('@herald/'))))].sort();
  return names.length > 0 ? `${names.join(', ')} from tarballs` : 'no @herald/* dependencies';
}

// ------------------------------------------------------------------------------------------------- main

const ctx = {};
const bin = (dir, name) => join(dir, 'node_modules', '.bin', name);

async function main() {
  process.stdout.write(`examples: temp dir ${TMP}\n`);
  await check('pack the publishable packages', pack, { timeoutMs: 300_000 });

  // The `herald` command, installed on its own as an operator would: npm install @herald/cli (its tarball
  // brings the hub, client and protocol tarballs through the overrides).
  await check(
    'install @herald/cli from its tarball',
    async () => {
      ctx.hubDir = join(APPS, 'hub');
      mkdirSync(ctx.hubDir);
      const pkg = {
        name: 'herald-cli-install',
        private: true,
        dependencies: { '@herald/cli': '*' },
        // The hub's better-sqlite3 builds its native addon in an install script, which npm 11 asks to be allowed.
        allowScripts: { 'better-sqlite3': true },
      };
      writeFileSync(join(ctx.hubDir, 'package.json'), JSON.stringify(pointAtTarballs(pkg), null, 2));
      return install(ctx.hubDir);
    },
    { needs: ['pack the publishable packages'], timeoutMs: 480_000 },
  );

  const apps = [
    'next-app-router',
    'vite-react',
    'react-18',
    'node-publisher',
    'express-mount',
    ...SOURCE_APPS,
  ];
  for (const app of apps) {
    await check(
      `install ${app}`,
      async () => {
        ctx[app] = copyExample(app);
        return install(ctx[app]);
      },
      { needs: ['pack the publishable packages'], timeoutMs: 480_000 },
    );
  }
  ctx['python-publisher'] = copyExample('python-publisher');

  // The CLI from the installed tarball.
  const hubInstalled = ['install @herald/cli from its tarball'];
  await check(
    'herald --version (installed tarball)',
    async () => {
      const r = mustSucceed(
        'herald --version',
        await run('npx', ['herald', '--version'], { cwd: ctx.hubDir }),
      );
      const want = readJson(join(ROOT, 'packages/cli/package.json')).version;
      assert(r.stdout.trim() === want, `printed ${JSON.stringify(r.stdout.trim())}, want ${want}`);
      return r.stdout.trim();
    },
    { needs: hubInstalled },
  );
  await check(
    'herald serve --demo refuses in one line (installed tarball)',
    async () => {
      const r = await run('npx', ['herald', 'serve', '--demo', '--port', '0'], {
        cwd: ctx.hubDir,
        timeoutMs: 30_000,
      });
      const out = `${r.stdout}${r.stderr}`.trim();
      assert(!r.timedOut, 'still running after 30 s');
      assert(r.code !== 0, `exited 0: ${out}`);
      assert(out.split('\n').length === 1, `printed ${out.split('\n').length} lines:\n${out}`);
      assert(!/\n\s+at /.test(`${r.stdout}\n${r.stderr}`), `printed a stack trace:\n${out}`);
      return `exit ${r.code}: ${out.length > 90 ? `${out.slice(0, 90)}…` : out}`;
    },
    { needs: hubInstalled },
  );

  // The hub mounted in an app's own server: Express 5 routes and Herald on one port (createHub).
  await check(
    'express-mount serves Herald from its own Express server',
    async () => {
      const app = await startServer('express-mount', 'node', ['server.mjs'], {
        cwd: ctx['express-mount'],
        env: cleanEnv({ PORT: '0' }),
        ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
        timeoutMs: 15_000,
      });
      try {
        const base = app.match[1];
        const placed = await fetchJson(`${base}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ item: 'tea' }),
        });
        assert(
          placed.status === 201 && placed.body?.seq === 1,
          `POST /orders answered ${placed.status} ${placed.text}`,
        );
        const page = await fetchJson(`${base}/v1/channels/orders/events?after=0`);
        assert(
          page.status === 200 && page.body?.events?.[0]?.type === 'order.created',
          `history: ${page.text}`,
        );
        const health = await fetchJson(`${base}/healthz`);
        assert(health.status === 200, `/healthz answered ${health.status}`);
        return `${base}: order published by the app, history and /healthz served by the mounted hub`;
      } finally {
        await app.stop();
      }
    },
    { needs: ['install express-mount'] },
  );

  // Type-checks with each framework's own settings.
  await check(
    'typecheck next-app-router (next typegen && tsc --noEmit, Next-generated tsconfig)',
    async () => {
      mustSucceed(
        'next typegen',
        await run(bin(ctx['next-app-router'], 'next'), ['typegen'], { cwd: ctx['next-app-router'] }),
      );
      mustSucceed(
        'tsc --noEmit',
        await run(bin(ctx['next-app-router'], 'tsc'), ['--noEmit'], { cwd: ctx['next-app-router'] }),
      );
    },
    { needs: ['install next-app-router'] },
  );
  for (const app of ['vite-react', 'react-18', ...SOURCE_APPS]) {
    await check(
      `typecheck ${app} (tsc -b, stock create-vite tsconfig)`,
      async () => {
        mustSucceed('tsc -b', await run(bin(ctx[app], 'tsc'), ['-b'], { cwd: ctx[app] }));
      },
      { needs: [`install ${app}`] },
    );
  }

  // A hub from the installed tarball, with auth on: a JWT secret for browsers, a key for backends.
  await check(
    'hub starts from the installed tarball',
    async () => {
      const args = [
        'serve',
        '--port',
        '0',
        '--memory',
        // `=` form: a random base64url secret may start with `-`, which would read as the next flag.
        `--jwt-secret=${SECRET}`,
        `--publisher-key=${PUBLISHER_KEY}`,
      ];
      ctx.hub = await startServer('herald serve', bin(ctx.hubDir, 'herald'), args, {
        cwd: ctx.hubDir,
        env: cleanEnv({ HERALD_LOG_LEVEL: 'warn' }),
        ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
        timeoutMs: 30_000,
      });
      ctx.hubUrl = ctx.hub.match[1];
      const health = await fetchJson(`${ctx.hubUrl}/healthz`);
      assert(health.status === 200, `/healthz answered ${health.status}`);
      const open = await fetchJson(`${ctx.hubUrl}/v1/channels/run:x/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'probe', data: {} }),
      });
      assert(open.status === 401, `a publish without a key answered ${open.status}, want 401`);
      return `${ctx.hubUrl}, publish without a key: 401`;
    },
    { needs: hubInstalled },
  );
  const hub = ['hub starts from the installed tarball'];

  const publisherEnv = () =>
    cleanEnv({ HERALD_URL: ctx.hubUrl, HERALD_PUBLISHER_KEY: PUBLISHER_KEY, HERALD_JWT_SECRET: SECRET });

  // The backends' token endpoints, for the Vite apps (Next mints its own in a route handler).
  const tokenServers = [
    {
      name: 'node-publisher',
      cmd: 'node',
      script: 'cli.mjs',
      url: 'nodeTokenUrl',
      needs: ['install node-publisher'],
    },
    { name: 'python-publisher', cmd: 'python3', script: 'publisher.py', url: 'pyTokenUrl', needs: [] },
  ];
  for (const server of tokenServers) {
    await check(
      `${server.name} serves connection tokens the hub accepts`,
      async () => {
        const tokens = await startServer(
          `${server.name} token server`,
          server.cmd,
          [server.script, 'serve-token', '--port', '0'],
          {
            cwd: ctx[server.name],
            env: publisherEnv(),
            ready: /token server on (http:\/\/127\.0\.0\.1:\d+\/token)/,
            timeoutMs: 15_000,
          },
        );
        ctx[server.url] = tokens.match[1];
        return tokenWorks(ctx[server.url]);
      },
      { needs: [...hub, ...server.needs] },
    );
  }

  // Builds, with the hub's URL inlined as each framework does.
  await check(
    'build next-app-router (next build)',
    async () => {
      const env = cleanEnv({ NEXT_PUBLIC_WS_URL: `${ctx.hubUrl.replace(/^http/, 'ws')}/v1/ws` });
      mustSucceed(
        'next build',
        await run('npm', ['run', 'build'], { cwd: ctx['next-app-router'], env, timeoutMs: 300_000 }),
      );
    },
    { needs: [...hub, 'install next-app-router'], timeoutMs: 320_000 },
  );
  const viteApps = [
    {
      app: 'vite-react',
      tokens: 'node-publisher serves connection tokens the hub accepts',
      url: () => ctx.nodeTokenUrl,
    },
    {
      app: 'react-18',
      tokens: 'python-publisher serves connection tokens the hub accepts',
      url: () => ctx.pyTokenUrl,
    },
  ];
  for (const { app, tokens, url } of viteApps) {
    await check(
      `build ${app} (npm run build: tsc -b && vite build)`,
      async () => {
        const env = cleanEnv({ VITE_HERALD_URL: ctx.hubUrl, VITE_HERALD_TOKEN_URL: url() });
        mustSucceed(
          'npm run build',
          await run('npm', ['run', 'build'], { cwd: ctx[app], env, timeoutMs: 240_000 }),
        );
      },
      { needs: [`install ${app}`, tokens], timeoutMs: 260_000 },
    );
  }

  // Serve the built apps.
  await check(
    'serve next-app-router (next start)',
    async () => {
      const dir = ctx['next-app-router'];
      ctx.next = await startServer('next start', bin(dir, 'next'), ['start', '-p', '0', '-H', '127.0.0.1'], {
        cwd: dir,
        env: cleanEnv({ HERALD_JWT_SECRET: SECRET }),
        ready: /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/,
        timeoutMs: 30_000,
      });
      ctx.nextUrl = ctx.next.match[1];
      const token = await fetchJson(`${ctx.nextUrl}/api/herald-token`);
      assert(
        token.status === 200 && typeof token.body?.token === 'string',
        `/api/herald-token: ${token.status}`,
      );
      const read = await fetchJson(`${ctx.hubUrl}/v1/channels/run:probe/events`, {
        headers: { authorization: `Bearer ${token.body.token}` },
      });
      assert(read.status === 200, `the hub refused the route handler's token: ${read.status} ${read.text}`);
      return `${ctx.nextUrl}, /api/herald-token mints tokens the hub accepts`;
    },
    { needs: ['build next-app-router (next build)'] },
  );
  for (const { app } of viteApps) {
    await check(
      `serve ${app} (vite preview)`,
      async () => {
        const port = await freePort();
        const args = ['preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'];
        ctx[`${app}:server`] = await startServer(`vite preview ${app}`, bin(ctx[app], 'vite'), args, {
          cwd: ctx[app],
          ready: /(http:\/\/127\.0\.0\.1:\d+)/,
          timeoutMs: 30_000,
        });
        ctx[`${app}:url`] = ctx[`${app}:server`].match[1];
        return ctx[`${app}:url`];
      },
      { needs: [`build ${app} (npm run build: tsc -b && vite build)`] },
    );
  }

  await check(
    `launch Chromium (${CHROMIUM_PATH})`,
    async () => {
      assert(existsSync(CHROMIUM_PATH), `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
      browser = await launchBrowser(TMP);
      return browser.context.browser()?.version() ?? '';
    },
    { timeoutMs: 60_000 },
  );
  const chromium = [`launch Chromium (${CHROMIUM_PATH})`];

  // MeatyMusic runs in the Next.js page: the page is open and live before the publisher starts.
  const runs = [
    {
      publisher: 'node-publisher',
      runId: 'song-node',
      cmd: ['node', ['cli.mjs', 'run', 'song-node', '--delay-ms', '20']],
      again: ['node', ['cli.mjs', 'run', 'song-node', '--delay-ms', '0']],
      token: ['node', ['cli.mjs', 'token', '--channel', 'run:song-node']],
      needs: ['install node-publisher'],
      lyrics: 'Neon tide',
      lastType: 'job.complete',
    },
    {
      publisher: 'python-publisher',
      runId: 'song-py',
      cmd: ['python3', ['publisher.py', 'run', 'song-py', '--delay', '0.02']],
      again: ['python3', ['publisher.py', 'run', 'song-py', '--delay', '0']],
      token: ['python3', ['publisher.py', 'token', '--channel', 'run:song-py']],
      needs: [],
      lyrics: 'Paper moons',
      lastType: 'run.completed',
    },
  ];
  for (const r of runs) {
    const name = `${r.publisher}'s run reaches the Next.js page live`;
    await check(
      name,
      async () => {
        const tab = await openPage(browser, `${ctx.nextUrl}/runs/${r.runId}`);
        try {
          const { page } = tab;
          await waitFor(page, '.herald-connection[data-state="connected"]');
          await waitFor(page, '[data-testid="last-event"][data-status="live"][data-count="0"]');
          const out = mustSucceed(
            r.publisher,
            await run(r.cmd[0], r.cmd[1], { cwd: ctx[r.publisher], env: publisherEnv() }),
          );
          const published = /published run:\S+: (\d+) events, 0 already stored/.exec(out.stdout);
          assert(published, `unexpected publisher output:\n${out.stdout}`);
          ctx[`${r.runId}:count`] = published[1];
          await waitFor(page, `[data-testid="last-event"][data-count="${published[1]}"]`, r.lastType);
          await waitFor(page, '.herald-job[data-status="completed"]');
          await waitFor(page, '.herald-job__step[data-step="REVIEW"][data-status="completed"]');
          await waitFor(
            page,
            '.herald-job__step[data-step="VALIDATE"] .herald-job__step-attempt',
            'attempt 2',
          );
          await waitFor(page, '[data-testid="lyrics"]', r.lyrics);
          await waitFor(page, '[data-testid="artifacts"]', `${r.runId}.mp3`);
          await waitFor(page, '.herald-event-log', r.lastType);
          const problems = tab.problems();
          assert(problems.length === 0, `the page reported problems:\n${problems.join('\n')}`);
          return `${published[1]} events, run completed, FIX loop, streamed lyrics and artifacts shown`;
        } finally {
          await tab.close();
        }
      },
      { needs: [...chromium, 'serve next-app-router (next start)', ...r.needs], timeoutMs: 90_000 },
    );
    await check(
      `${r.publisher}: a re-run stores nothing twice; its token reads the run`,
      async () => {
        const again = mustSucceed(
          r.publisher,
          await run(r.again[0], r.again[1], { cwd: ctx[r.publisher], env: publisherEnv() }),
        );
        const count = ctx[`${r.runId}:count`];
        assert(
          again.stdout.includes(`${count} events, ${count} already stored`),
          `re-run output:\n${again.stdout.trim().split('\n').slice(-3).join('\n')}`,
        );
        const token = mustSucceed(
          `${r.publisher} token`,
          await run(r.token[0], r.token[1], { cwd: ctx[r.publisher], env: publisherEnv() }),
        );
        const history = await fetchJson(
          `${ctx.hubUrl}/v1/channels/run:${r.runId}/events?after=0&limit=1000`,
          {
            headers: { authorization: `Bearer ${token.stdout.trim()}` },
          },
        );
        assert(
          history.status === 200,
          `history with the ${r.publisher} token: ${history.status} ${history.text}`,
        );
        const ids = history.body.events.map((e) => e.id);
        assert(ids.length === Number(count), `history has ${ids.length} events, want ${count}`);
        assert(new Set(ids).size === ids.length, 'history has a repeated id');
        assert(
          history.body.events.every((e, i) => e.seq === i + 1),
          'history seqs are not 1..N',
        );
        const state = await fetchJson(`${ctx.hubUrl}/v1/channels/run:${r.runId}/state`, {
          headers: { authorization: `Bearer ${token.stdout.trim()}` },
        });
        assert(state.status === 200, `state with the ${r.publisher} token: ${state.status} ${state.text}`);
        const validate = state.body.state?.steps?.VALIDATE;
        assert(validate?.attempt === 2, `VALIDATE in the run's state: ${JSON.stringify(validate)}`);
        assert(state.body.seq === Number(count), `state at seq ${state.body.seq}, want ${count}`);
        return `${count} events, ${count} duplicates acknowledged, seq 1..${count}, state: VALIDATE attempt 2`;
      },
      { needs: [name] },
    );
  }

  // Video generation jobs in the two Vite apps (tokens from the Node and the Python backend). vite-react
  // shows its toasts through sonner (toastAdapter): the job ends, then a backend's `notice` event.
  for (const { app } of viteApps) {
    const jobs = app === 'vite-react' ? ['vr_a', 'vr_b', 'vr_fail'] : ['r18_a', 'r18_fail'];
    const sonner = app === 'vite-react';
    await check(
      `node-publisher's video jobs reach the ${app} page live`,
      async () => {
        const tab = await openPage(browser, `${ctx[`${app}:url`]}/?jobs=${jobs.join(',')}`);
        try {
          const { page } = tab;
          await waitFor(page, '.herald-connection[data-state="connected"]');
          for (const id of jobs) await waitFor(page, `[data-job="${id}"][data-status="queued"]`);
          const args = ['cli.mjs', 'jobs', ...jobs, '--delay-ms', '20'];
          const out = mustSucceed(
            'node-publisher jobs',
            await run('node', args, { cwd: ctx['node-publisher'], env: publisherEnv() }),
          );
          // First, while sonner still shows them (4 s each): the job ends as sonner toasts of their level.
          if (sonner) for (const id of jobs) await waitForJobEndToast(page, id);
          for (const id of jobs) {
            if (id.includes('fail')) {
              await waitFor(page, `[data-job="${id}"][data-status="failed"]`);
              await waitFor(page, `[data-job="${id}"] .herald-job__error`, 'MODEL_TIMEOUT');
            } else {
              await waitFor(page, `[data-job="${id}"][data-status="completed"]`);
              await waitFor(page, `[data-job="${id}"] [data-testid="video-url"]`, `/${id}/final.mp4`);
              await waitFor(page, `[data-job="${id}"] .job__facts`, '1200 / 1200 frames');
            }
          }
          await waitFor(page, '.herald-event-log', 'job.complete');
          const toasts = sonner ? await noticeReachesSonner(page, jobs[0]) : '';
          const react = readJson(join(ctx[app], 'node_modules/react/package.json')).version;
          const problems = tab.problems();
          assert(problems.length === 0, `the page reported problems:\n${problems.join('\n')}`);
          const state = await attributeOf(page, '.herald-connection', 'data-state');
          return `${out.stdout.trim()}; ${jobs.length} job cards final, connection ${state}, React ${react}${toasts}`;
        } finally {
          await tab.close();
        }
      },
      {
        needs: [...chromium, `serve ${app} (vite preview)`, 'install node-publisher'],
        timeoutMs: 90_000,
      },
    );
  }

  // Backends without a hub: the Python SSE and the socket.io examples (no hub involved).
  await sourceExampleChecks({
    check,
    ctx,
    browser: () => browser,
    chromium,
    openPage,
    mustSucceed,
    assert,
    fetchJson,
    cleanEnv,
    bin,
  });

  // The hub from the tarball stops cleanly.
  await check(
    'hub exits 0 on SIGTERM',
    async () => {
      const t0 = Date.now();
      process.kill(ctx.hub.pid, 'SIGTERM');
      const { code, signal } = await ctx.hub.exited;
      assert(code === 0, `exited with ${signal ?? code}`);
      return `after ${Date.now() - t0} ms`;
    },
    { needs: hub, timeoutMs: 15_000 },
  );
}

/** vite-react: the end of job `id` is a sonner toast (`toast.error` for a failure, `toast.success` else). */
async function waitForJobEndToast(page, id) {
  const [type, title] = id.includes('fail')
    ? ['error', `Job ${id} failed`]
    : ['success', `Job ${id} is ready`];
  await waitFor(page, `[data-sonner-toast][data-type="${type}"]`, title);
}

/**
 * vite-react: a backend publishes a `notice` event on job `id`'s channel (with the publisher key, as
 * node-publisher does), the page's useEventToasts shows it through sonner as a warning with its detail,
 * and one event is one toast.
 */
async function noticeReachesSonner(page, id) {
  const notice = { title: 'GPU pool is busy', detail: 'New clips may wait a minute.', level: 'warning' };
  const published = await fetchJson(`${ctx.hubUrl}/v1/channels/generation:${id}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PUBLISHER_KEY}` },
    body: JSON.stringify({ type: 'notice', data: notice }),
  });
  assert(published.status === 201, `publishing the notice answered ${published.status} ${published.text}`);
  const title = `Job ${id}: ${notice.title}`;
  const toast = '[data-sonner-toast][data-type="warning"]';
  await waitFor(page, toast, title);
  await waitFor(page, `${toast} [data-description]`, notice.detail);
  const shown = await page.$$eval(
    '[data-sonner-toast]',
    (els, want) => els.filter((el) => el.textContent?.includes(want)).length,
    title,
  );
  assert(shown === 1, `the notice is ${shown} sonner toasts, want 1`);
  return `; sonner toasts: the job ends and ${id}'s notice (warning)`;
}

/** Fetches a token from a backend's endpoint and uses it to read a channel's history from the hub. */
async function tokenWorks(tokenUrl) {
  const res = await fetchJson(tokenUrl);
  assert(res.status === 200 && typeof res.body?.token === 'string', `${tokenUrl}: ${res.status} ${res.text}`);
  const [, payload] = res.body.token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  assert(typeof claims.sub === 'string' && typeof claims.exp === 'number', 'token has no sub or exp');
  const read = await fetchJson(`${ctx.hubUrl}/v1/channels/generation:probe/events`, {
    headers: { authorization: `Bearer ${res.body.token}` },
  });
  assert(read.status === 200, `the hub refused the token: ${read.status} ${read.text}`);
  return `${tokenUrl}, token expires in ${claims.exp - Math.floor(Date.now() / 1000)} s`;
}

async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (browser) await browser.close();
  await killAll();
  if (KEEP) process.stdout.write(`examples: kept ${TMP}\n`);
  else rmSync(TMP, { recursive: true, force: true, maxRetries: 3 });
}

function finish(code) {
  const count = (status) => results.filter((r) => r.status === status).length;
  const skipped = count('skip');
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(
    `examples: ${count('ok')} passed, ${count('FAIL')} failed${skipped ? `, ${skipped} skipped` : ''} in ${seconds} s\n`,
  );
  process.exitCode = code ?? (count('FAIL') + skipped > 0 ? 1 : 0);
}

process.on('exit', () => {
  killAllNow();
  if (!cleaned && !KEEP) rmSync(TMP, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stdout.write(`FAIL examples: interrupted by ${signal}\n`);
    results.push({ name: 'interrupted', status: 'FAIL' });
    cleanup().finally(() => {
      finish(1);
      process.exit(1);
    });
  });
}
const deadline = setTimeout(() => {
  process.stdout.write(`FAIL examples: the whole run took more than ${DEADLINE_MS / 60_000} min\n`);
  results.push({ name: 'deadline', status: 'FAIL' });
  cleanup().finally(() => {
    finish(1);
    process.exit(1);
  });
}, DEADLINE_MS);

try {
  await main();
} catch (err) {
  results.push({ name: 'examples', status: 'FAIL' });
  line('FAIL', 'examples', null, err instanceof Error ? (err.stack ?? err.message) : String(err));
} finally {
  clearTimeout(deadline);
  await cleanup();
  finish();
}
// Exit even if a stray handle (a socket of a killed server) would keep the loop alive.
process.exit();
