// A tiny Herald backend toolkit: mint connection tokens for browsers, publish events over HTTP.
// No Herald package is needed on a backend: the hub's HTTP API is plain JSON.
import { SignJWT } from 'jose';

/**
 * Mints a short-lived HS256 connection token (docs/tokens.md) for one user.
 * @param {{ secret: string, sub: string, subChannels?: string[], pubChannels?: string[], ttlSeconds?: number }} o
 * @returns {Promise<string>}
 */
export function mintConnectionToken({ secret, sub, subChannels = [], pubChannels = [], ttlSeconds = 600 }) {
  if (!secret) throw new Error('mintConnectionToken: the hub secret (HERALD_JWT_SECRET) is empty');
  return new SignJWT({ sub_channels: subChannels, pub_channels: pubChannels })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A publish the hub refused for good (4xx other than 429), with the hub's error code. */
export class PublishError extends Error {
  /** @param {string} message @param {number} status @param {string | undefined} code */
  constructor(message, status, code) {
    super(message);
    this.name = 'PublishError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Publishes events to a Herald hub over HTTP (`POST /v1/channels/{channel}/events`).
 *
 * Every event carries an id chosen by the caller, so a retry after a timeout, a 429 or a 5xx is stored once
 * by the hub: publishing is idempotent, and so is re-running a whole publisher.
 */
export class EventPublisher {
  /**
   * @param {{ url: string, key?: string, retries?: number, timeoutMs?: number, fetch?: typeof fetch }} options
   *   `url`: the hub, e.g. http://127.0.0.1:8080; `key`: a publisher key (omit only for an open dev hub)
   */
  constructor({ url, key, retries = 5, timeoutMs = 5000, fetch: fetchImpl = globalThis.fetch }) {
    this.base = url.replace(/\/+$/, '');
    this.key = key;
    this.retries = retries;
    this.timeoutMs = timeoutMs;
    this.fetch = fetchImpl;
  }

  /**
   * Publishes one event or a batch to `channel`; resolves to the hub's acks `[{ id, seq }]`.
   * @param {string} channel
   * @param {{ type: string, data: unknown, id: string } | { type: string, data: unknown, id: string }[]} body
   * @returns {Promise<{ id: string, seq: number, duplicate?: boolean }[]>}
   */
  async publish(channel, body) {
    const url = `${this.base}/v1/channels/${encodeURIComponent(channel)}/events`;
    const headers = { 'content-type': 'application/json' };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let retryAfterMs = 0;
      try {
        const res = await this.fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        if (res.ok) return (await res.json()).events;
        const text = await res.text();
        if (status !== 429 && status < 500) {
          let code;
          try {
            code = JSON.parse(text).error?.code;
          } catch {}
          throw new PublishError(`publish to ${channel}: HTTP ${status} ${text}`, status, code);
        }
        retryAfterMs = Number(res.headers.get('retry-after') ?? 0) * 1000;
      } catch (err) {
        if (err instanceof PublishError || attempt >= this.retries) throw err;
      }
      if (attempt >= this.retries) throw new Error(`publish to ${channel}: HTTP ${status} after ${attempt + 1} tries`);
      await sleep(Math.max(retryAfterMs, Math.min(200 * 2 ** attempt, 5000)));
    }
  }

  /**
   * Reads a channel's history (`GET /v1/channels/{channel}/events?after=N`) with a key or a token.
   * @param {string} channel @param {{ after?: number, token?: string }} [options]
   */
  async history(channel, { after = 0, token = this.key } = {}) {
    const res = await this.fetch(
      `${this.base}/v1/channels/${encodeURIComponent(channel)}/events?after=${after}&limit=1000`,
      { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(this.timeoutMs) },
    );
    if (!res.ok) throw new Error(`history of ${channel}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  }
}
