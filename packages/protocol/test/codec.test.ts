import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  closeAction,
  ErrorCode,
  encodeEventsFrame,
  isValidChannel,
  matchesPattern,
  parseClientMessage,
  parseServerMessage,
  stringifyClientMessage,
} from '../src/index.js';

describe('parseClientMessage', () => {
  it('accepts every well-formed client message', () => {
    const frames = [
      { type: 'hello', token: 'abc', client: 'test' },
      { type: 'subscribe', rid: '1', channel: 'run:1', since: { epoch: 'e1', seq: 5 } },
      { type: 'subscribe', rid: '2', channel: 'tenant:t1:goals' },
      { type: 'unsubscribe', rid: '3', channel: 'run:1' },
      { type: 'publish', rid: '4', channel: 'run:1', event: { type: 'node.start', data: null, id: 'x' } },
      { type: 'refresh', rid: '5', token: 't' },
      { type: 'ping', ts: 1 },
      { type: 'pong' },
    ];
    for (const f of frames) {
      const r = parseClientMessage(JSON.stringify(f));
      expect(r).toEqual({ ok: true, message: f });
    }
  });

  it.each([
    ['not json', '{', ErrorCode.BadJson],
    ['array', '[]', ErrorCode.BadMessage],
    ['no type', '{}', ErrorCode.BadMessage],
    ['unknown type', '{"type":"nope"}', ErrorCode.UnknownType],
    ['prototype key', '{"type":"constructor"}', ErrorCode.UnknownType],
    ['bad channel', '{"type":"subscribe","rid":"1","channel":"a b"}', ErrorCode.BadChannel],
    ['bad since', '{"type":"subscribe","rid":"1","channel":"a","since":{"seq":-1}}', ErrorCode.BadPosition],
    ['missing rid', '{"type":"unsubscribe","channel":"a"}', ErrorCode.BadMessage],
    [
      'publish without data',
      '{"type":"publish","rid":"1","channel":"a","event":{"type":"t"}}',
      ErrorCode.BadMessage,
    ],
    [
      'publish extra field',
      '{"type":"publish","rid":"1","channel":"a","event":{"type":"t","data":1,"x":1}}',
      ErrorCode.BadMessage,
    ],
  ])('rejects %s with its code', (_name, raw, code) => {
    const r = parseClientMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('keeps the rid of an invalid request so the error can answer it', () => {
    const r = parseClientMessage('{"type":"subscribe","rid":"r9","channel":""}');
    expect(r).toMatchObject({ ok: false, error: { rid: 'r9', code: ErrorCode.BadChannel } });
  });
});

describe('server frames', () => {
  it('round-trips a batched events frame built from pre-encoded envelopes', () => {
    const env = {
      channel: 'run:1',
      seq: 1,
      id: 'a',
      ts: new Date(0).toISOString(),
      type: 't',
      data: { n: 1 },
    };
    const frame = encodeEventsFrame([JSON.stringify(env), JSON.stringify({ ...env, seq: 2, id: 'b' })]);
    const r = parseServerMessage(frame);
    expect(r.ok && r.message.type === 'events' && r.message.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('rejects an events frame whose envelopes lack a seq', () => {
    const r = parseServerMessage('{"type":"events","events":[{"channel":"a","id":"x"}]}');
    expect(r.ok).toBe(false);
  });
});

describe('stringifyClientMessage', () => {
  it('refuses to send an invalid message', () => {
    expect(() => stringifyClientMessage({ type: 'subscribe', rid: '1', channel: '' })).toThrow(
      /ERR_BAD_CHANNEL/,
    );
  });
});

describe('channels and patterns', () => {
  it('validates names', () => {
    expect(isValidChannel('run:123')).toBe(true);
    expect(isValidChannel('generation:gen_abc')).toBe(true);
    expect(isValidChannel('a'.repeat(128))).toBe(true);
    expect(isValidChannel('a'.repeat(129))).toBe(false);
    expect(isValidChannel('')).toBe(false);
    expect(isValidChannel('run/1')).toBe(false);
  });

  it('matches wildcard patterns', () => {
    expect(matchesPattern('run:*', 'run:1')).toBe(true);
    expect(matchesPattern('run:*', 'runx')).toBe(false);
    expect(matchesPattern('tenant:*:goals', 'tenant:t1:goals')).toBe(true);
    expect(matchesPattern('tenant:*:goals', 'tenant:t1:actions')).toBe(false);
    expect(matchesPattern('*', 'anything')).toBe(true);
    expect(matchesPattern('a*a', 'a')).toBe(false);
    expect(matchesPattern('exact', 'exact')).toBe(true);
  });
});

describe('closeAction', () => {
  it('classifies closes', () => {
    expect(closeAction(CloseCode.Normal)).toBe('stop');
    expect(closeAction(CloseCode.TokenExpired)).toBe('refresh-token');
    expect(closeAction(CloseCode.Forbidden)).toBe('fatal');
    expect(closeAction(CloseCode.SlowConsumer)).toBe('retry');
    expect(closeAction(1006)).toBe('retry');
  });
});
