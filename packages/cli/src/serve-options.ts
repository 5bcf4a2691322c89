import {
  type AuthOptions,
  DURABILITY_LEVELS,
  type HubOptions,
  type LimitOptions,
  type PublisherKey,
  type RetentionOptions,
} from '@herald/hub';
import { usage } from './errors.js';
import { checkPublisherKeys } from './publisher-keys.js';

/** How a `herald serve` setting is written and checked. */
export type OptionKind =
  | 'int'
  | 'positive'
  | 'port'
  | 'string'
  | 'url'
  | 'bool'
  | 'list'
  | 'keys'
  | 'level'
  | 'format'
  | 'durability';

/** Config keys that `herald serve` reads itself rather than passing on in `HubOptions`. */
export type CliOnlyKey =
  | 'data'
  | 'memory'
  | 'redis'
  | 'redisKeyPrefix'
  | 'postgres'
  | 'postgresSchema'
  | 'postgresPoolSize'
  | 'nats'
  | 'natsStreamPrefix'
  | 'natsSubjectPrefix'
  | 'natsReplicas'
  | 'demo'
  | 'logLevel'
  | 'logFormat';

/** A config-file key: a `HubOptions` field, a field of one of its groups, or a CLI-only setting. */
export type ConfigKey =
  | ''
  | CliOnlyKey
  | Exclude<keyof HubOptions, 'store' | 'broker' | 'auth' | 'limits' | 'retention' | 'logger'>
  | `auth.${keyof AuthOptions}`
  | `limits.${keyof LimitOptions}`
  | `retention.${keyof RetentionOptions}`;

/** One `herald serve` setting: its flag, environment variables and config-file key, in one place. */
export interface ServeOption {
  /** Flag name without the dashes, e.g. `max-frame-bytes`. */
  readonly flag: string;
  readonly kind: OptionKind;
  /** Environment variables, first match wins. */
  readonly env: readonly string[];
  /** Dotted key in the JSON config file, mirroring `HubOptions` (e.g. `limits.maxFrameBytes`). */
  readonly key: ConfigKey;
  readonly help: string;
  /** The default, as shown in `--help` (applied by the hub or by `serve` itself). */
  readonly shown?: string;
  /** The value's name in `--help` (`NAME` in `--postgres-schema NAME`); by default one for its kind. */
  readonly arg?: string;
}

const env = (flag: string): string => `HERALD_${flag.toUpperCase().replaceAll('-', '_')}`;

function option(
  flag: string,
  kind: OptionKind,
  key: ConfigKey,
  help: string,
  extra: { env?: readonly string[]; shown?: string; arg?: string } = {},
): ServeOption {
  return {
    flag,
    kind,
    key,
    help,
    env: extra.env ?? [env(flag)],
    ...(extra.shown ? { shown: extra.shown } : {}),
    ...(extra.arg ? { arg: extra.arg } : {}),
  };
}

/**
 * Every `herald serve` setting. A value comes from the flag, else the first environment variable set,
 * else the config file (`--config FILE` / `HERALD_CONFIG`), else the default.
 */
export const SERVE_OPTIONS: readonly ServeOption[] = [
  option('config', 'string', '', 'JSON file of settings, under the config keys shown here'),
  option('port', 'port', 'port', 'TCP port; 0 picks a free one', {
    env: ['PORT', 'HERALD_PORT'],
    shown: '8080',
  }),
  option('host', 'string', 'host', 'interface to bind', { env: ['HOST', 'HERALD_HOST'], shown: '127.0.0.1' }),
  option('data', 'string', 'data', 'SQLite history in this folder (the default store)', {
    shown: './.herald-data',
  }),
  option('memory', 'bool', 'memory', 'keep history in memory only (lost on exit)'),
  option('redis', 'url', 'redis', 'Redis URL: history and fan-out shared by every hub node', {
    env: ['HERALD_REDIS_URL'],
  }),
  option(
    'redis-key-prefix',
    'string',
    'redisKeyPrefix',
    'prefix of every Redis key; nodes sharing channels share it',
    {
      shown: 'herald:',
    },
  ),
  option('postgres', 'url', 'postgres', 'PostgreSQL URL: history and fan-out shared by every hub node', {
    env: ['HERALD_POSTGRES_URL'],
  }),
  option('postgres-schema', 'string', 'postgresSchema', "schema of the hub's tables", {
    shown: 'herald',
    arg: 'NAME',
  }),
  option('postgres-pool-size', 'positive', 'postgresPoolSize', 'connections per node', { shown: '10' }),
  option('nats', 'url', 'nats', 'NATS JetStream URL: history and fan-out shared by every hub node', {
    env: ['HERALD_NATS_URL'],
  }),
  option('nats-stream-prefix', 'string', 'natsStreamPrefix', "prefix of every channel's stream", {
    shown: 'HERALD_',
    arg: 'P',
  }),
  option(
    'nats-subject-prefix',
    'string',
    'natsSubjectPrefix',
    'first token of every subject; one per stream prefix',
    { shown: 'herald', arg: 'P' },
  ),
  option('nats-replicas', 'positive', 'natsReplicas', 'stream replicas', { shown: '1' }),
  option('jwt-secret', 'string', 'auth.jwtSecret', 'HS256 secret that signs connection tokens'),
  option('jwks', 'url', 'auth.jwksUrl', 'URL of a JSON Web Key Set that signs connection tokens', {
    env: ['HERALD_JWKS_URL'],
  }),
  option(
    'publisher-key',
    'keys',
    'auth.publisherKeys',
    'API key for HTTP publishers (repeatable); KEY=run:*,job:* limits it to those channels',
    { env: ['HERALD_PUBLISHER_KEYS'], arg: 'KEY[=PATTERNS]' },
  ),
  option('allow-non-expiring-tokens', 'bool', 'auth.allowNonExpiringTokens', 'accept tokens without exp'),
  option('audience', 'list', 'auth.audience', 'token aud must name one of these (repeatable or a,b)', {
    arg: 'AUD',
  }),
  option('issuer', 'list', 'auth.issuer', 'token iss must be one of these (repeatable or a,b)', {
    arg: 'ISS',
  }),
  option('clock-tolerance-sec', 'int', 'auth.clockToleranceSec', 'clock skew allowed on token exp/nbf', {
    shown: '5',
  }),
  option(
    'session-cookie',
    'string',
    'auth.sessionCookie',
    'cookie carrying the connection token on WebSocket and SSE (needs --allowed-origin)',
    { arg: 'NAME' },
  ),
  option(
    'allowed-origin',
    'list',
    'allowedOrigins',
    'browser origin allowed to connect and call /v1 (repeatable or a,b; * for any)',
    {
      env: ['HERALD_ALLOWED_ORIGINS'],
      shown: 'loopback origins without auth, any origin with auth',
      arg: 'ORIGIN',
    },
  ),
  option('max-frame-bytes', 'positive', 'limits.maxFrameBytes', 'largest WebSocket frame', {
    shown: '65536',
  }),
  option(
    'max-channels-per-connection',
    'positive',
    'limits.maxChannelsPerConnection',
    'subscriptions per connection',
    {
      shown: '100',
    },
  ),
  option('max-buffered-bytes', 'positive', 'limits.maxBufferedBytes', 'send buffer per connection', {
    shown: '1048576',
  }),
  option('publish-rate', 'positive', 'limits.publishRatePerSec', 'publishes/s per connection or API key', {
    shown: '100',
  }),
  option('publish-burst', 'positive', 'limits.publishBurst', 'publish burst', { shown: '200' }),
  option('max-batch', 'positive', 'limits.maxBatch', 'events in one HTTP batch publish', { shown: '100' }),
  option('max-body-bytes', 'positive', 'limits.maxBodyBytes', 'largest HTTP request body', {
    shown: '1048576',
  }),
  option('max-state-bytes', 'positive', 'limits.maxStateBytes', 'largest channel state document', {
    shown: '1048576',
  }),
  option(
    'max-event-bytes',
    'positive',
    'limits.maxEventBytes',
    'largest event envelope (at most half of --max-buffered-bytes)',
    { shown: '262144' },
  ),
  option(
    'max-page-bytes',
    'positive',
    'limits.maxPageBytes',
    'payload bytes per history read or replay page',
    {
      shown: '1048576',
    },
  ),
  option('retention-max-events', 'positive', 'retention.maxCount', 'events kept per channel', {
    shown: '10000',
  }),
  option('retention-max-age-ms', 'positive', 'retention.maxAgeMs', 'oldest event kept', {
    shown: '86400000',
  }),
  option('retention-bytes', 'positive', 'retention.maxBytes', 'payload bytes kept per channel', {
    shown: '67108864',
  }),
  option('heartbeat-ms', 'positive', 'heartbeatMs', 'interval of hub pings', { shown: '25000' }),
  option('handshake-timeout-ms', 'positive', 'handshakeTimeoutMs', 'time a socket has to say hello', {
    shown: '10000',
  }),
  option('refresh-before-ms', 'positive', 'refreshBeforeMs', 'ask for a new token this long before exp', {
    shown: '30000',
  }),
  option('headers-timeout-ms', 'positive', 'headersTimeoutMs', 'time an HTTP request has for its headers', {
    shown: '10000',
  }),
  option(
    'request-timeout-ms',
    'positive',
    'requestTimeoutMs',
    'time an HTTP request has for its headers and body (then 408)',
    { shown: '30000' },
  ),
  option(
    'drain-grace-ms',
    'int',
    'drainGraceMs',
    'on SIGTERM, answer /healthz 503 this long before closing',
    {
      shown: '0',
    },
  ),
  option(
    'durability',
    'durability',
    'durability',
    'normal: an ack survives a hub crash; full: also a power loss (fsync per commit, SQLite)',
    { shown: 'normal', arg: 'LEVEL' },
  ),
  option(
    'compression',
    'bool',
    'compression',
    'permessage-deflate for WebSocket clients that offer it (frames ~10x smaller, more CPU)',
    { shown: 'false' },
  ),
  option('static', 'string', 'staticDir', 'serve this folder at / (SPA fallback)'),
  option('demo', 'bool', 'demo', 'serve the dashboard and run the simulator (Herald repository only)'),
  option('log-level', 'level', 'logLevel', 'fatal, error, warn, info, debug, trace or silent', {
    shown: 'info',
  }),
  option('log-format', 'format', 'logFormat', 'pretty or json', { shown: 'pretty on a terminal, else json' }),
];

/** A checked setting value. */
export type SettingValue = string | number | boolean | readonly string[] | readonly PublisherKey[];

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Checks one raw value (a string from a flag or env, or any JSON value from the file) against its kind. */
export function checkValue(opt: ServeOption, raw: unknown, source: string): SettingValue {
  const fail = (what: string): never => {
    throw usage(`${source} must be ${what}`);
  };
  const text = typeof raw === 'number' ? String(raw) : raw;
  switch (opt.kind) {
    case 'int':
    case 'positive':
    case 'port': {
      const n = typeof text === 'string' && /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
      if (opt.kind === 'port')
        return Number.isInteger(n) && n <= 65_535 ? n : fail('a number from 0 to 65535');
      if (opt.kind === 'positive') return n > 0 ? n : fail('a positive integer');
      return Number.isInteger(n) ? n : fail('a non-negative integer');
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0' || raw === '') return false;
      return fail('true or false');
    case 'list': {
      const items = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(items) || !items.every((k) => typeof k === 'string'))
        return fail('a list of strings');
      // Repeated flags, an array in the file, and commas anywhere: `--allowed-origin a,b` is two.
      return items.flatMap((k: string) => k.split(',').map((v) => v.trim())).filter(Boolean);
    }
    case 'keys':
      try {
        return checkPublisherKeys(raw);
      } catch (err) {
        return fail((err as Error).message);
      }
    case 'url':
      return typeof raw === 'string' && URL.canParse(raw) ? raw : fail('a URL');
    case 'level':
      return typeof raw === 'string' && LEVELS.includes(raw) ? raw : fail(`one of ${LEVELS.join(', ')}`);
    case 'format':
      return raw === 'pretty' || raw === 'json' ? raw : fail('pretty or json');
    case 'durability':
      return typeof raw === 'string' && (DURABILITY_LEVELS as readonly string[]).includes(raw)
        ? raw
        : fail(DURABILITY_LEVELS.join(' or '));
    default:
      return typeof raw === 'string' && raw !== '' ? raw : fail('a non-empty string');
  }
}

/** `parseArgs` options generated from {@link SERVE_OPTIONS}. */
export const SERVE_PARSE_OPTIONS = Object.fromEntries(
  SERVE_OPTIONS.map((o) => [
    o.flag,
    {
      type: o.kind === 'bool' ? ('boolean' as const) : ('string' as const),
      multiple: o.kind === 'list' || o.kind === 'keys',
    },
  ]),
);

/** Usage text of `herald serve`, generated from {@link SERVE_OPTIONS}. */
export const SERVE_USAGE = `herald serve [options]   run a hub until SIGTERM/SIGINT
  A flag wins over its environment variable, which wins over the config file (--config).
${SERVE_OPTIONS.map((o) => {
  const arg =
    (o.arg === undefined ? undefined : ` ${o.arg}`) ??
    { bool: '', list: ' KEY', url: ' URL', int: ' N', positive: ' N', port: ' N' }[o.kind as string] ??
    ' VALUE';
  const head = `  --${o.flag}${arg}`.padEnd(36);
  const where = [...o.env, ...(o.key ? [`config ${o.key}`] : [])].join(', ');
  return `${head}${o.help}${o.shown ? ` [${o.shown}]` : ''}\n${' '.repeat(36)}(${where})`;
}).join('\n')}`;
