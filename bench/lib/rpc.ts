import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A request the parent sends to a child. */
interface RpcRequest {
  readonly rpc: number;
  readonly method: string;
  readonly params: unknown;
}

/** A child's answer to one request. */
interface RpcReply {
  readonly rpc: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** A message a child sends on its own (progress, for example). */
export interface RpcEvent {
  readonly event: string;
  readonly data: unknown;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Children must never outlive the run, whatever way the parent ends.
  const killAll = (): void => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** A forked bench process driven by request/response messages over IPC. */
export interface Child {
  readonly pid: number;
  /** Calls `method` in the child; rejects after `timeoutMs`. */
  call<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  /** Fire-and-forget message (no reply expected). */
  notify(method: string, params?: unknown): void;
  /** Listens for events the child emits. */
  onEvent(listener: (event: RpcEvent) => void): void;
  /** Asks the child to exit, then kills it if it does not within a second. */
  stop(): Promise<void>;
}

/**
 * Forks `entry` (a path relative to bench/) with the parent's exec arguments (so `--import tsx` and
 * `--conditions=source` carry over) plus `extraExecArgv`.
 */
export function spawnChild(
  entry: string,
  args: readonly string[] = [],
  extraExecArgv: readonly string[] = [],
): Child {
  installExitHook();
  const file = fileURLToPath(new URL(`../${entry}`, import.meta.url));
  const child = fork(file, [...args], {
    execArgv: [...process.execArgv, ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: Array<(event: RpcEvent) => void> = [];
  let exited = false;
  child.on('message', (raw) => {
    const message = raw as RpcReply | RpcEvent;
    if ('rpc' in message) {
      const waiter = pending.get(message.rpc);
      pending.delete(message.rpc);
      if (!waiter) return;
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    } else {
      for (const listener of listeners) listener(message);
    }
  });
  child.on('exit', (code, signal) => {
    exited = true;
    live.delete(child);
    for (const waiter of pending.values()) waiter.reject(new Error(`${entry} exited (${code ?? signal})`));
    pending.clear();
  });
  return {
    pid: child.pid ?? -1,
    call<T>(method: string, params?: unknown, timeoutMs = 60_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`${entry} has exited`));
      const rpc = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(rpc);
          reject(new Error(`${entry}: ${method} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(rpc, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ rpc, method, params } satisfies RpcRequest);
      });
    },
    notify(method: string, params?: unknown): void {
      if (!exited && child.connected) child.send({ rpc: 0, method, params } satisfies RpcRequest);
    },
    onEvent(listener: (event: RpcEvent) => void): void {
      listeners.push(listener);
    },
    async stop(): Promise<void> {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** A child's method table: each method takes the request params and returns (a promise of) its result. */
export type Handlers = Record<string, (params: never) => unknown>;

/**
 * Serves `handlers` over IPC in a child process. Method calls with `rpc: 0` are notifications. The child
 * exits when the parent disconnects, so nothing outlives the run.
 */
export function serveRpc(handlers: Handlers, onExit?: () => Promise<void> | void): void {
  process.on('message', async (raw) => {
    const { rpc, method, params } = raw as RpcRequest;
    const handler = handlers[method] as ((p: unknown) => unknown) | undefined;
    try {
      if (!handler) throw new Error(`unknown method ${method}`);
      const result = await handler(params);
      if (rpc !== 0) process.send?.({ rpc, result: result ?? null } satisfies RpcReply);
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (rpc !== 0) process.send?.({ rpc, error: text } satisfies RpcReply);
      else console.error(`[bench child] ${method} failed: ${text}`);
    }
  });
  process.on('disconnect', async () => {
    const timer = setTimeout(() => process.exit(0), 2_000);
    timer.unref();
    try {
      await onExit?.();
    } finally {
      process.exit(0);
    }
  });
}

/** Sends an unsolicited event to the parent (no-op when not forked). */
export function emit(event: string, data: unknown): void {
  if (process.connected) process.send?.({ event, data } satisfies RpcEvent);
}
