import { parseArgs } from 'node:util';
import { closeAction, type Envelope, SUBPROTOCOL } from '@herald/protocol';
import WebSocket from 'ws';
import { CliError, usage, wsUrlOf } from './errors.js';

/** Usage text of `herald tail`. */
export const TAIL_USAGE = `herald tail CHANNEL [--url http://127.0.0.1:8080] [--token T] [--since N]
  env: HERALD_URL, HERALD_TOKEN`;

/** `herald tail`: prints a channel's events, one JSON line each, until interrupted. */
export async function tail(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { url: { type: 'string' }, token: { type: 'string' }, since: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [channel, ...rest] = positionals;
  if (channel === undefined || rest.length > 0) throw usage(`usage: ${TAIL_USAGE}`);
  let since: number | undefined;
  if (values.since !== undefined) {
    since = /^\d{1,16}$/.test(values.since) ? Number(values.since) : Number.NaN;
    if (!Number.isSafeInteger(since)) throw usage('--since must be a non-negative integer');
  }
  const base = values.url ?? process.env.HERALD_URL ?? 'http://127.0.0.1:8080';
  const token = values.token ?? process.env.HERALD_TOKEN;
  let url: string;
  try {
    url = wsUrlOf(base);
  } catch {
    throw usage('--url must be a URL');
  }
  const ws = new WebSocket(url, [SUBPROTOCOL]);
  return new Promise<number>((resolve, reject) => {
    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
      ws.close(1000);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello', client: 'herald-cli', ...(token ? { token } : {}) }));
    });
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string; [k: string]: unknown };
      switch (msg.type) {
        case 'welcome':
          ws.send(
            JSON.stringify({
              type: 'subscribe',
              rid: 'tail',
              channel,
              ...(since === undefined ? {} : { since: { seq: since } }),
            }),
          );
          break;
        case 'subscribed':
          err(
            `subscribed to ${channel} (epoch ${String(msg.epoch)}, last seq ${String(msg.lastSeq)}${msg.recovered ? '' : ', position not recovered'})`,
          );
          break;
        case 'events':
          for (const e of msg.events as Envelope[]) out(JSON.stringify(e));
          break;
        case 'ping':
          ws.send(JSON.stringify({ type: 'pong', ts: msg.ts }));
          break;
        case 'error':
          err(`error ${String(msg.code)}: ${String(msg.message)}`);
          break;
      }
    });
    ws.on('error', (e) => reject(new CliError(`cannot connect to ${url}: ${e.message}`)));
    ws.on('close', (code, reason) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (interrupted) return resolve(0);
      err(
        `connection closed: ${code}${reason.length > 0 ? ` ${String(reason)}` : ''} (${closeAction(code)})`,
      );
      resolve(1);
    });
  });
}
