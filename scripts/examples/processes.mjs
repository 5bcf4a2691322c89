// Child processes for scripts/examples.mjs: every command runs in its own process group with a timeout,
// every long-running server is registered, and killAll() ends them all (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { stripVTControlCharacters } from 'node:util';

/** Server processes still running, by process group id. */
const running = new Map();

/**
 * The environment for commands run in the temp installs: this process's, without the `npm_*` variables
 * that `npm run` sets (a child npm would read them as config, e.g. the monorepo's prefix) and INIT_CWD.
 */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', NO_UPDATE_NOTIFIER: '1', ...extra };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function keepTail(text, max = 64 * 1024) {
  return text.length > max ? text.slice(-max) : text;
}

/**
 * Runs a command to completion. Resolves `{ code, stdout, stderr, timedOut, ms }`; never rejects. On
 * timeout the whole process group is killed.
 */
export function run(cmd, args, { cwd, env = cleanEnv(), timeoutMs = 120_000, input } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: -1, stdout, stderr: String(err), timedOut, ms: 0 });
      return;
    }
    running.set(child.pid, { name: `${cmd} ${args.join(' ')}`, child });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      stdout = keepTail(stdout + d);
    });
    child.stderr.on('data', (d) => {
      stderr = keepTail(stderr + d);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
    child.on('error', (err) => {
      stderr += String(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      // Anything the command left behind in its group goes too.
      killGroup(child.pid, 'SIGKILL');
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/** The start and the end of a long output: a usage error says why in its first line, then prints help. */
function excerpt(text) {
  return text.length <= 2000 ? text : `${text.slice(0, 600)}\n…\n${text.slice(-1400)}`;
}

/**
 * Starts a server and waits until a line of its output matches `ready`. Resolves
 * `{ pid, match, output(), stop(), exited }` (`exited` resolves to `{ code, signal }`); rejects (after killing it) when it exits first or `timeoutMs` passes.
 */
export function startServer(name, cmd, args, { cwd, env = cleanEnv(), ready, timeoutMs = 60_000 }) {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const handle = {
      name,
      pid: child.pid,
      match: null,
      output: () => output,
      stop: () => stopProcess(child),
    };
    handle.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    running.set(child.pid, { name, child });
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopProcess(child).then(() => reject(new Error(`${name}: ${why}\n${excerpt(output.trim())}`)));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs / 1000} s`), timeoutMs);
    const onData = (d) => {
      output = keepTail(output + d);
      if (settled) return;
      // Colours off or on (CI=true turns them on in Vite), match the plain text.
      const match = ready.exec(stripVTControlCharacters(output));
      if (match) {
        settled = true;
        clearTimeout(timer);
        handle.match = match;
        resolve(handle);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => fail(String(err)));
    child.on('exit', (code, signal) => {
      running.delete(child.pid);
      fail(`exited (${signal ?? code}) before it was ready`);
    });
  });
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the leader has exited. */
export function stopProcess(child, graceMs = 3000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      killGroup(child.pid, 'SIGKILL');
      running.delete(child.pid);
      resolve();
      return;
    }
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL');
      running.delete(child.pid);
      resolve();
    });
    killGroup(child.pid, 'SIGTERM');
  });
}

/** Stops every process this script started and has not stopped yet. */
export async function killAll() {
  await Promise.all([...running.values()].map(({ child }) => stopProcess(child, 2000)));
}

/** Synchronous last resort (process 'exit' handler): SIGKILL to every remaining group. */
export function killAllNow() {
  for (const pid of running.keys()) killGroup(pid, 'SIGKILL');
  running.clear();
}

/** A TCP port that was free on 127.0.0.1 a moment ago (for servers that need a port up front). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
