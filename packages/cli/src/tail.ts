import { parseArgs } from 'node:util';
import { createClient, type HeraldError, type SincePosition } from '@herald/client';
import WebSocket from 'ws';
import { usage, wsUrlOf } from './errors.js';

/** Usage text of `herald tail`. */
export const TAIL_USAGE = `herald tail CHANNEL [--url http://127.0.0.1:8080] [--token T] [--since N]
  env: HERALD_URL, HERALD_TOKEN`;

// Reconnect quickly: a tailed hub is usually restarting, not overloaded.
const TAIL_BACKOFF = { initialMs: 250, maxMs: 5000 } as const;

interface TailArgs {
  readonly channel: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly since: SincePosition | undefined;
}

function parseTailArgs(argv: readonly string[]): TailArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { url: { type: 'string' }, token: { type: 'string' }, since: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [channel, ...rest] = positionals;
  if (channel === undefined || rest.length > 0) throw usage(`usage: ${TAIL_USAGE}`);
  let since: SincePosition | undefined;
  if (values.since !== undefined) {
    const seq = /^\d{1,16}$/.test(values.since) ? Number(values.since) : Number.NaN;
    if (!Number.isSafeInteger(seq)) throw usage('--since must be a non-negative integer');
    since = { seq };
  }
  let url: string;
  try {
    url = wsUrlOf(values.url ?? process.env.HERALD_URL ?? 'http://127.0.0.1:8080');
  } catch {
    throw usage('--url must be a URL');
  }
  return { channel, url, token: values.token ?? process.env.HERALD_TOKEN, since };
}

/**
 * `herald tail`: prints a channel's events, one JSON envelope per line on stdout, until SIGINT or SIGTERM
 * (exit 0). It rides on `@herald/client`, so it reconnects after a hub restart or a network cut and
 * resumes from the last seq it printed: nothing is skipped or printed twice. Status lines (subscribed,
 * reconnecting, gaps: events that could not be replayed) go to stderr. A refusal that retrying cannot
 * fix (bad token, forbidden channel) exits 1.
 */
export async function tail(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const args = parseTailArgs(argv);
  const client = createClient({
    url: args.url,
    WebSocket,
    transports: ['websocket'],
    lazy: false,
    backoff: TAIL_BACKOFF,
    getToken: () => args.token,
  });
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number, message?: string): void => {
      if (done) return;
      done = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      client.close();
      if (message !== undefined) err(`herald: ${message}`);
      resolve(code);
    };
    const onSignal = (): void => finish(0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const fatal = (e: HeraldError): void => finish(1, `${e.code}: ${e.message}`);

    client.on('state', ({ newState, code }) => {
      if (newState === 'reconnecting')
        err(`disconnected${code === undefined ? '' : ` (${code})`}; reconnecting`);
      if (newState === 'failed') {
        const e = client.getStatus().lastError;
        finish(1, e === null ? 'connection failed' : `${e.code}: ${e.message}`);
      }
    });
    client.subscribe(args.channel, {
      ...(args.since === undefined ? {} : { since: args.since }),
      onEvent: (event) => out(JSON.stringify(event)),
      onSubscribed: (info) =>
        err(
          `subscribed to ${info.channel} (epoch ${info.epoch}, last seq ${info.lastSeq}${info.recovered ? '' : ', position not recovered'})`,
        ),
      onGap: (gap) =>
        err(
          `gap on ${gap.channel}: events after ${gap.last === null ? 'the start' : `seq ${gap.last.seq} (epoch ${gap.last.epoch})`} cannot be replayed; continuing after seq ${gap.lastSeq} (epoch ${gap.epoch})`,
        ),
      onError: fatal,
    });
  });
}
