import type { StoreSpec } from '@herald/hub';
import { CliError, usage } from './errors.js';
import type { ServeSettings } from './serve-settings.js';

/** The flags that each choose a store; at most one may be set. */
const STORE_FLAGS = ['data', 'memory', 'redis', 'postgres', 'nats'] as const;

/** Each store's own options, which need that store chosen. */
const STORE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  redis: ['redis-key-prefix'],
  postgres: ['postgres-schema', 'postgres-pool-size'],
  nats: ['nats-stream-prefix', 'nats-subject-prefix', 'nats-replicas'],
};

/** The default `--data` folder. */
const DEFAULT_DATA_DIR = './.herald-data';

/** `--flag (where it came from)`, for messages about settings that conflict. */
function named(s: ServeSettings, flag: string): string {
  return `--${flag} (${s.sources.get(flag) ?? 'flag'})`;
}

/** `{ key: value }` for each setting that is set (exactOptionalPropertyTypes: never `undefined`). */
function present<T>(s: ServeSettings, entries: Readonly<Record<string, string>>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(entries)) {
    const value = s.get(flag);
    if (value !== undefined) out[key] = value;
  }
  return out as Partial<T>;
}

/**
 * The store `herald serve` runs on: `--memory`, `--redis`, `--postgres`, `--nats` or `--data` (the default,
 * SQLite). Two of them, from any source, or a store's option without its store, is a usage error naming
 * where each setting came from.
 */
export function storeOf(s: ServeSettings): StoreSpec {
  const chosen = STORE_FLAGS.filter((flag) => {
    const value = s.get(flag);
    return value !== undefined && value !== false;
  });
  if (chosen.length > 1) {
    const all = `${STORE_FLAGS.slice(0, -1)
      .map((f) => `--${f}`)
      .join(', ')} or --${STORE_FLAGS.at(-1)}`;
    const both = chosen.map((flag) => named(s, flag));
    throw usage(`${both.slice(0, -1).join(', ')} and ${both.at(-1)} each choose a store: keep one of ${all}`);
  }
  const kind = chosen[0] ?? 'data';
  for (const [store, options] of Object.entries(STORE_OPTIONS)) {
    if (store === kind) continue;
    for (const flag of options) {
      if (!s.has(flag)) continue;
      const where = s.sources.get(flag);
      throw usage(
        `--${flag}${where === 'flag' || where === undefined ? '' : ` (${where})`} needs --${store}`,
      );
    }
  }
  switch (kind) {
    case 'memory':
      return { kind: 'memory' };
    case 'redis':
      return {
        kind: 'redis',
        url: s.get('redis') as string,
        ...present<{ keyPrefix: string }>(s, { keyPrefix: 'redis-key-prefix' }),
      };
    case 'postgres':
      return {
        kind: 'postgres',
        url: s.get('postgres') as string,
        ...present<{ schema: string; poolSize: number }>(s, {
          schema: 'postgres-schema',
          poolSize: 'postgres-pool-size',
        }),
      };
    case 'nats':
      return {
        kind: 'nats',
        servers: s.get('nats') as string,
        ...present<{ streamPrefix: string; subjectPrefix: string; replicas: number }>(s, {
          streamPrefix: 'nats-stream-prefix',
          subjectPrefix: 'nats-subject-prefix',
          replicas: 'nats-replicas',
        }),
      };
    default:
      return { kind: 'sqlite', dir: (s.get('data') as string | undefined) ?? DEFAULT_DATA_DIR };
  }
}

/** A URL without its password, for messages and logs. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** The store's engine name and where it lives (password redacted), or `null` for a ready instance. */
function engineOf(spec: StoreSpec): { name: string; at: string } | null {
  if (!('kind' in spec)) return null;
  switch (spec.kind) {
    case 'memory':
      return { name: 'memory', at: 'this process' };
    case 'sqlite':
      return { name: 'SQLite', at: spec.dir };
    case 'redis':
      return { name: 'Redis', at: redactUrl(spec.url) };
    case 'postgres':
      return { name: 'PostgreSQL', at: redactUrl(spec.url) };
    case 'nats':
      return { name: 'NATS', at: [spec.servers].flat().map(redactUrl).join(',') };
  }
}

/** One log line's worth of which store the hub uses, e.g. `PostgreSQL at postgres://db/herald`. */
export function describeStore(spec: StoreSpec): string {
  const engine = engineOf(spec);
  if (engine === null) return 'a store instance';
  return engine.name === 'memory' ? 'memory (lost on exit)' : `${engine.name} at ${engine.at}`;
}

/**
 * A failure to reach the store's engine at start, as one CLI line naming the store and its URL; `null`
 * when the store is local (the error is not about an engine).
 */
export function engineFailure(spec: StoreSpec, err: unknown): CliError | null {
  const engine = engineOf(spec);
  if (engine === null || engine.name === 'memory' || engine.name === 'SQLite') return null;
  // An AggregateError (every address of a host refused) has an empty message but a code.
  const message = (err instanceof Error ? err.message : String(err)) || (err as { code?: string }).code;
  return new CliError(`cannot use ${engine.name} at ${engine.at}: ${message || 'unreachable'}`);
}
