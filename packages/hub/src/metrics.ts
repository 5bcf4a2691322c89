/** Hub counters and gauges, cheap to bump on the hot path and rendered as Prometheus text on demand. */
export class HubMetrics {
  /** Events newly stored. */
  eventsPublished = 0;
  /** Event deliveries (one per event per subscriber, WebSocket and SSE). */
  eventsDelivered = 0;
  /** Bytes written to WebSocket and SSE peers. */
  bytesSent = 0;
  /** Bytes of WebSocket frames received. */
  bytesReceived = 0;
  /** WebSocket frames received. */
  framesReceived = 0;
  /** Connections closed for overflowing their send buffer. */
  slowConsumerDisconnects = 0;
  /** Connections closed for missing a pong. */
  pingTimeouts = 0;
  /** HTTP requests served. */
  httpRequests = 0;
  /** Errors answered to peers, by code. */
  readonly errors = new Map<string, number>();

  /** Counts one error answered with `code`. */
  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }
}

/** Live gauges read when rendering. */
export interface Gauges {
  readonly connections: number;
  readonly subscriptions: number;
  readonly sseStreams: number;
  readonly queuedBytes: number;
  readonly channels: number;
}

type Sample = readonly [name: string, type: 'counter' | 'gauge', help: string, value: number];

/** Prometheus text exposition format 0.0.4. */
export function renderMetrics(m: HubMetrics, g: Gauges): string {
  const samples: Sample[] = [
    ['herald_connections', 'gauge', 'Open WebSocket connections.', g.connections],
    ['herald_subscriptions', 'gauge', 'Channel subscriptions over WebSocket and SSE.', g.subscriptions],
    ['herald_sse_streams', 'gauge', 'Open SSE streams.', g.sseStreams],
    ['herald_channels_active', 'gauge', 'Channels with at least one local subscriber.', g.channels],
    ['herald_queued_bytes', 'gauge', 'Bytes queued in the hub for slow peers.', g.queuedBytes],
    ['herald_events_published_total', 'counter', 'Events newly stored.', m.eventsPublished],
    ['herald_events_delivered_total', 'counter', 'Event deliveries to subscribers.', m.eventsDelivered],
    ['herald_bytes_sent_total', 'counter', 'Bytes sent to peers.', m.bytesSent],
    ['herald_bytes_received_total', 'counter', 'WebSocket bytes received.', m.bytesReceived],
    ['herald_frames_received_total', 'counter', 'WebSocket frames received.', m.framesReceived],
    [
      'herald_slow_consumer_disconnects_total',
      'counter',
      'Peers cut for a full send buffer.',
      m.slowConsumerDisconnects,
    ],
    ['herald_ping_timeouts_total', 'counter', 'Peers cut for a missed pong.', m.pingTimeouts],
    ['herald_http_requests_total', 'counter', 'HTTP requests served.', m.httpRequests],
  ];
  const lines: string[] = [];
  for (const [name, type, help, value] of samples) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  }
  lines.push(
    '# HELP herald_errors_total Errors answered to peers, by code.',
    '# TYPE herald_errors_total counter',
  );
  for (const [code, n] of [...m.errors].sort()) lines.push(`herald_errors_total{code="${code}"} ${n}`);
  return `${lines.join('\n')}\n`;
}
