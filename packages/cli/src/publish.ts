import { parseArgs } from 'node:util';
import { CliError, usage } from './errors.js';

/** Usage text of `herald publish`. */
export const PUBLISH_USAGE = `herald publish CHANNEL TYPE JSON [--url http://127.0.0.1:8080] [--key K] [--id ID]
  env: HERALD_URL, HERALD_PUBLISHER_KEY`;

/** `herald publish`: posts one event and prints the ack as JSON. */
export async function publish(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { url: { type: 'string' }, key: { type: 'string' }, id: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [channel, type, json, ...rest] = positionals;
  if (channel === undefined || type === undefined || json === undefined || rest.length > 0) {
    throw usage(`usage: ${PUBLISH_USAGE}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw usage('JSON argument is not valid JSON');
  }
  const base = values.url ?? process.env.HERALD_URL ?? 'http://127.0.0.1:8080';
  const key = values.key ?? process.env.HERALD_PUBLISHER_KEY;
  const event = { type, data, ...(values.id === undefined ? {} : { id: values.id }) };
  let res: Response;
  try {
    res = await fetch(new URL(`/v1/channels/${encodeURIComponent(channel)}/events`, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(event),
    });
  } catch (err) {
    throw new CliError(`cannot reach ${base}: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as {
    events?: { id: string; seq: number; duplicate?: boolean }[];
    error?: { code: string; message: string };
  } | null;
  if (res.status !== 201 || !body?.events?.[0]) {
    const e = body?.error;
    throw new CliError(e ? `${e.code}: ${e.message}` : `hub answered HTTP ${res.status}`);
  }
  out(JSON.stringify({ channel, ...body.events[0] }));
  return 0;
}
