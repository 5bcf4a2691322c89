import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { ErrorCode } from '@herald/protocol';
import { startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The publish/history route served on Node's own request (src/http/events-route.ts): the edge cases of
// reading a body from the socket by hand, answered with the same codes and CORS headers as the rest.

const MAX_BODY = 2048;
let hub: TestHub;

interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** One request with node:http, so the test decides chunking, headers and when the body ends. */
function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; chunks?: readonly string[] } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${hub.url}${path}`, { method, headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

const json = { 'content-type': 'application/json' };
const codeOf = (a: RawAnswer): string => (JSON.parse(a.text) as { error: { code: string } }).error.code;

async function lastSeq(channel: string): Promise<number> {
  const page = await send('GET', `/v1/channels/${channel}/events`);
  return (JSON.parse(page.text) as { last_seq: number }).last_seq;
}

beforeAll(async () => {
  hub = await startTestHub({ sqlite: true, limits: { maxBodyBytes: MAX_BODY } });
});

afterAll(async () => {
  await hub.close();
});

describe('HTTP publish and history on the Node fast path', () => {
  it('publishes a chunked body (no Content-Length) split inside a JSON token', async () => {
    const body = JSON.stringify([
      { type: 'progress', data: { pct: 10 } },
      { type: 'progress', data: { pct: 20 }, id: 'fixed-id' },
    ]);
    const chunks = [body.slice(0, 7), body.slice(7, 30), body.slice(30)];
    const a = await send('POST', '/v1/channels/run:chunked/events', { headers: json, chunks });
    expect(a.status).toBe(201);
    expect(a.headers['transfer-encoding']).toBeUndefined();
    expect(Number(a.headers['content-length'])).toBe(Buffer.byteLength(a.text));
    expect(a.headers['access-control-allow-origin']).toBe('*');
    const answer = JSON.parse(a.text) as { events: { id: string; seq: number }[] };
    expect(answer.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(answer.events[1]?.id).toBe('fixed-id');
    expect(await lastSeq('run:chunked')).toBe(2);
  });

  it('takes a percent-encoded channel name and application/*+json', async () => {
    const a = await send('POST', '/v1/channels/run%3Aenc/events', {
      headers: { 'content-type': 'application/vnd.herald+json; charset=utf-8' },
      chunks: ['{"type":"t","data":1}'],
    });
    expect(a.status).toBe(201);
    expect(await lastSeq('run:enc')).toBe(1);
  });

  it('cuts an oversize chunked body mid-stream with 413, closes that connection, and stores nothing', async () => {
    const chunks = Array.from({ length: 6 }, () => `${'x'.repeat(1000)}`);
    const a = await send('POST', '/v1/channels/run:big/events', { headers: json, chunks });
    expect(a.status).toBe(413);
    expect(codeOf(a)).toBe(ErrorCode.PayloadTooLarge);
    expect(a.headers.connection).toBe('close');
    expect(a.headers['access-control-allow-origin']).toBe('*');
    // A declared length over the limit is refused before reading.
    const declared = await send('POST', '/v1/channels/run:big/events', {
      headers: { ...json, 'content-length': MAX_BODY + 1 },
      chunks: ['x'.repeat(MAX_BODY + 1)],
    });
    expect(declared.status).toBe(413);
    expect(await lastSeq('run:big')).toBe(0);
  });

  it('survives a request aborted mid-body: nothing stored, no answer owed, the hub keeps serving', async () => {
    const { port } = hub;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/channels/run:aborted/events HTTP/1.1\r\nHost: x\r\n' +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":"t","da',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });
    // The same on a chunked body that never sends its last chunk.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/channels/run:aborted/events HTTP/1.1\r\nHost: x\r\n' +
            'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"typ\r\n',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });
    await waitFor(async () => (await send('GET', '/healthz')).status === 200);
    expect(await lastSeq('run:aborted')).toBe(0);
    const ok = await send('POST', '/v1/channels/run:aborted/events', {
      headers: json,
      chunks: ['{"type":"t","data":1}'],
    });
    expect(ok.status).toBe(201);
    expect(await lastSeq('run:aborted')).toBe(1);
  });

  it('answers a wrong or missing content type with 415 and bad JSON with 400, keeping the connection', async () => {
    const cases: [Record<string, string>, string, number, string][] = [
      [{ 'content-type': 'text/plain' }, '{"type":"t","data":1}', 415, ErrorCode.UnsupportedMediaType],
      [{ 'content-type': 'application/jsonx' }, '{"type":"t","data":1}', 415, ErrorCode.UnsupportedMediaType],
      [{}, '{"type":"t","data":1}', 415, ErrorCode.UnsupportedMediaType],
      [json, '{"type":"t",', 400, ErrorCode.BadJson],
      [json, '', 400, ErrorCode.BadJson],
      [json, '"just a string"', 400, ErrorCode.BadMessage],
    ];
    for (const [headers, body, status, code] of cases) {
      const a = await send('POST', '/v1/channels/run:bad/events', { headers, chunks: [body] });
      expect(a.status, `${JSON.stringify(headers)} ${body}`).toBe(status);
      expect(codeOf(a)).toBe(code);
      expect(a.headers['content-type']).toMatch(/^application\/json/);
      expect(a.headers['access-control-allow-origin']).toBe('*');
      expect(a.headers.connection).not.toBe('close');
    }
    expect(await lastSeq('run:bad')).toBe(0);
  });

  it('answers HEAD like GET without a body, OPTIONS as a CORS preflight, other methods 405 with Allow', async () => {
    await send('POST', '/v1/channels/run:head/events', { headers: json, chunks: ['{"type":"t","data":1}'] });
    const get = await send('GET', '/v1/channels/run:head/events?after=0&limit=10');
    expect(get.status).toBe(200);
    expect(get.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(get.text)).toMatchObject({ channel: 'run:head', last_seq: 1 });
    const head = await send('HEAD', '/v1/channels/run:head/events?after=0&limit=10');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);

    const pre = await send('OPTIONS', '/v1/channels/run:head/events', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    expect(pre.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
    expect(pre.headers['access-control-max-age']).toBe('600');

    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const a = await send(method, '/v1/channels/run:head/events');
      expect(a.status, method).toBe(405);
      expect(codeOf(a)).toBe(ErrorCode.MethodNotAllowed);
      expect(a.headers.allow).toBe('GET, HEAD, POST');
    }
  });

  it('leaves other paths to the rest of the API', async () => {
    expect((await send('GET', '/v1/channels/run:x/events/extra')).status).toBe(404);
    expect((await send('GET', '/v1/channels//events')).status).toBe(404);
    const bad = await send('POST', '/v1/channels/bad%20name/events', {
      headers: json,
      chunks: ['{"type":"t","data":1}'],
    });
    expect(bad.status).toBe(400);
    expect(codeOf(bad)).toBe(ErrorCode.BadChannel);
    const undecodable = await send('GET', '/v1/channels/run%E0%A4%A/events');
    expect(codeOf(undecodable)).toBe(ErrorCode.BadChannel);
  });
});
