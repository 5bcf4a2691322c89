/** Hub counters and gauges, cheap to bump on the hot path and rendered as Prometheus text on demand. */
export class HubMetrics {
  /** Events newly stored. */
  eventsPublished = 0;
  /** Event deliveries (one per event per subscriber, WebSocket and SSE). */
  eventsDelivered = 0;
  /** Bytes written to WebSocket and SSE peers (`herald_sent_bytes_total`). */
  bytesSent = 0;
  /** Bytes of WebSocket frames received (`herald_received_bytes_total`). */
  bytesReceived = 0;
  /** WebSocket frames received. */
  framesReceived = 0;
  /** Connections closed for overflowing their send buffer. */
  slowConsumerDisconnects = 0;
  /** Connections closed for missing a pong. */
  pingTimeouts = 0;
  /** Channel histories found reset (a new epoch), once per channel with local subscribers. */
  historyResets = 0;
  /** Errors answered to peers on every transport, by code. */
  readonly errors = new Map<string, number>();
  /** HTTP answers, by route template and status (keys made by {@link httpKey}). */
  readonly httpRequests = new Map<string, number>();

  /** Counts one error answered with `code` (an HTTP error body, an SSE `event: error`, a WebSocket `error`). */
  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Counts one HTTP answer on `route` (a template such as `/v1/channels/{channel}/events`) with `status`. */
  httpRequest(route: string, status: number): void {
    const key = httpKey(route, status);
    this.httpRequests.set(key, (this.httpRequests.get(key) ?? 0) + 1);
  }
}

const KEY_SEPARATOR = ' ';

/** The {@link HubMetrics.httpRequests} key of a route and status (a route template holds no space). */
function httpKey(route: string, status: number): string {
  return `${route}${KEY_SEPARATOR}${status}`;
}

/** Live gauges read when rendering. */
export interface Gauges {
  readonly connections: number;
  readonly subscriptions: number;
  readonly sseStreams: number;
  readonly queuedBytes: number;
  readonly channels: number;
}

type Kind = 'counter' | 'gauge';
type Sample = readonly [name: string, type: Kind, help: string, value: number];

/** A label value escaped as the text format asks (backslash, double quote, newline). */
function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `# HELP`, `# TYPE` and one sample per label set, in a stable order. */
function family(
  lines: string[],
  name: string,
  type: Kind,
  help: string,
  samples: readonly (readonly [labels: string, value: number])[],
): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
}

/**
 * Prometheus text exposition format 0.0.4. Names follow https://prometheus.io/docs/practices/naming/:
 * `herald_` prefix, the unit in its plural base form at the end (`_bytes`), then `_total` on counters.
 */
export function renderMetrics(m: HubMetrics, g: Gauges): string {
  const plain: Sample[] = [
    ['herald_connections', 'gauge', 'Open WebSocket connections.', g.connections],
    ['herald_subscriptions', 'gauge', 'Channel subscriptions over WebSocket and SSE.', g.subscriptions],
    ['herald_sse_streams', 'gauge', 'Open SSE streams.', g.sseStreams],
    ['herald_channels_active', 'gauge', 'Channels with at least one local subscriber.', g.channels],
    ['herald_queued_bytes', 'gauge', 'Bytes queued in the hub for slow peers.', g.queuedBytes],
    ['herald_events_published_total', 'counter', 'Events newly stored.', m.eventsPublished],
    ['herald_events_delivered_total', 'counter', 'Event deliveries to subscribers.', m.eventsDelivered],
    [
      'herald_sent_bytes_total',
      'counter',
      'Bytes of frames and SSE text sent to WebSocket and SSE peers, before any compression.',
      m.bytesSent,
    ],
    ['herald_received_bytes_total', 'counter', 'Bytes of WebSocket frames received.', m.bytesReceived],
    ['herald_frames_received_total', 'counter', 'WebSocket frames received.', m.framesReceived],
    [
      'herald_slow_consumer_disconnects_total',
      'counter',
      'Peers cut for a full send buffer.',
      m.slowConsumerDisconnects,
    ],
    ['herald_ping_timeouts_total', 'counter', 'Peers cut for a missed pong.', m.pingTimeouts],
    [
      'herald_history_resets_total',
      'counter',
      'Channel histories this node found reset (a new epoch, such as Redis restarted empty), per channel.',
      m.historyResets,
    ],
  ];
  const lines: string[] = [];
  for (const [name, type, help, value] of plain) family(lines, name, type, help, [['', value]]);
  const http = [...m.httpRequests].sort(([a], [b]) => (a < b ? -1 : 1));
  family(
    lines,
    'herald_http_requests_total',
    'counter',
    'HTTP requests answered, by route template and status code.',
    http.map(([key, n]) => {
      const at = key.lastIndexOf(KEY_SEPARATOR);
      return [`{route="${labelValue(key.slice(0, at))}",status="${key.slice(at + 1)}"}`, n];
    }),
  );
  const errors = [...m.errors].sort(([a], [b]) => (a < b ? -1 : 1));
  family(
    lines,
    'herald_errors_total',
    'counter',
    'Errors answered to peers on every transport (HTTP, SSE, WebSocket), by code.',
    errors.map(([code, n]) => [`{code="${labelValue(code)}"}`, n]),
  );
  return `${lines.join('\n')}\n`;
}
