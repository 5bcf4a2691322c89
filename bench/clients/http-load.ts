/**
 * HTTP load process of the HTTP publish scenario (forked by scenarios/http-publish.ts): autocannon's
 * programmatic API in a process of its own, so its CPU never counts as the server's.
 */
import autocannon from 'autocannon';
import { nowUs } from '../lib/clock.js';
import { startCpuMeter } from '../lib/cpu.js';
import { serveRpc } from '../lib/rpc.js';

/** One load phase. */
export interface LoadParams {
  readonly port: number;
  /** Requests rotate over channels `run:0` … `run:<channels-1>`. */
  readonly channels: number;
  /** Events per request: 1 sends one event object, more send an array. */
  readonly batch: number;
  readonly connections: number;
  readonly durationS: number;
  /** Offered load: requests per second over all connections; as fast as answers come when unset. */
  readonly ratePerSec?: number;
  /**
   * Build each body when its request is sent, with `bench_t` set to that moment, so the watching clients
   * measure publish → receipt latency. @default false (bodies built once, `bench_t` 0)
   */
  readonly stamp?: boolean;
}

/** What one phase measured, from autocannon and this process's CPU meter. */
export interface LoadResult {
  readonly durationS: number;
  /** 2xx answers. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly loadCpuPercent: number;
  readonly bodyBytes: number;
}

/**
 * A progress event of a run as a worker would send it, ~150 bytes as JSON. The bench markers let the
 * watching load clients count it; `bench_t` is the send time when stamped, else 0 (no latency read).
 */
function progressEvent(channel: string, step: number, sentUs = 0): { type: string; data: unknown } {
  return {
    type: 'node.progress',
    data: {
      run_id: channel,
      node: 'LYRICS',
      step,
      of: 12,
      pct: 0.58,
      message: 'rhyme pass 2 of 4',
      bench_n: step,
      bench_t: sentUs,
    },
  };
}

async function run(p: LoadParams): Promise<LoadResult> {
  const bodies = Array.from({ length: p.channels }, (_, i) => {
    const channel = `run:${i}`;
    const events = Array.from({ length: p.batch }, (_, k) => progressEvent(channel, k));
    return JSON.stringify(p.batch === 1 ? events[0] : events);
  });
  let next = 0;
  const bodyOf = (i: number): string => {
    if (!p.stamp) return bodies[i] ?? '';
    const channel = `run:${i}`;
    const sent = nowUs();
    const events = Array.from({ length: p.batch }, (_, k) => progressEvent(channel, next + k, sent));
    return JSON.stringify(p.batch === 1 ? events[0] : events);
  };
  const meter = startCpuMeter();
  const result = await autocannon({
    url: `http://127.0.0.1:${p.port}`,
    connections: p.connections,
    duration: p.durationS,
    timeout: 10,
    ...(p.ratePerSec === undefined ? {} : { overallRate: p.ratePerSec }),
    requests: [
      {
        setupRequest: (request) => {
          const i = next++ % p.channels;
          return {
            ...request,
            method: 'POST',
            path: `/v1/channels/run:${i}/events`,
            headers: { 'content-type': 'application/json' },
            body: bodyOf(i),
          };
        },
      },
    ],
  });
  const cpu = meter();
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats)) statusCodes[code] = s.count;
  return {
    durationS: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    loadCpuPercent: cpu.percent,
    bodyBytes: Buffer.byteLength(bodies[0] ?? ''),
  };
}

serveRpc({ run });
