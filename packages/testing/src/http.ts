/** Options of {@link http}. */
export interface HttpRequestOptions {
  /** @default 'POST' with a body, else 'GET' */
  method?: string;
  /** Sent as JSON, with `content-type: application/json` unless `headers` set one. */
  body?: unknown;
  /** Sent as is instead of `body` (to test malformed bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

/** What {@link http} resolves with. */
export interface HttpResponse {
  readonly status: number;
  /** The body parsed as JSON, or its text when it is not JSON (metrics, SSE). */
  readonly body: unknown;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * Makes one HTTP request (to a hub's `url` plus a path) and returns status, headers, text and the body
 * parsed as JSON when it is JSON. It never rejects on an HTTP error status: tests assert on `status`.
 *
 * @example
 * ```ts
 * const res = await http(`${hub.url}/v1/channels/run:1/events`, { body: { type: 'step', data: {} } });
 * expect(res.status).toBe(201);
 * ```
 */
export async function http(url: string, init: HttpRequestOptions = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body: body ?? null,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (metrics, SSE).
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

/**
 * Publishes `count` events `{type: 'n', data: {i}}` to `channel` through the HTTP API of the hub at
 * `baseUrl`, in batches of 100, with `i` counting from `start`. `key` is sent as the publisher key. Rejects
 * on the first batch the hub does not answer 201.
 */
export async function publishMany(
  baseUrl: string,
  channel: string,
  count: number,
  start = 0,
  key?: string,
): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 100); j++) batch.push({ type: 'n', data: { i: start + j } });
    const res = await http(`${baseUrl}/v1/channels/${channel}/events`, {
      body: batch,
      ...(key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } }),
    });
    if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${res.text}`);
  }
}
