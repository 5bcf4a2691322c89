import { describe, expect, it } from 'vitest';
import { readSseBody, type SseEvent, sseParser } from '../../src/sse-parser.js';

function parse(chunks: readonly string[]) {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const feed = sseParser(
    (e) => events.push(e),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) feed(chunk);
  return { events, retries };
}

describe('sseParser', () => {
  it('dispatches id, event and data, with the id persisting across events', () => {
    const { events } = parse(['id: 1\nevent: note\ndata: {"a":1}\n\n', 'data: plain\n\n']);
    expect(events).toEqual([
      { type: 'note', data: '{"a":1}', lastEventId: '1' },
      { type: 'message', data: 'plain', lastEventId: '1' },
    ]);
  });

  it('joins data lines, skips comments and unknown fields, and reads retry', () => {
    const { events, retries } = parse([': ping\n\nretry: 2000\nfoo: bar\ndata: a\ndata\ndata: b\n\n']);
    expect(events).toEqual([{ type: 'message', data: 'a\n\nb', lastEventId: '' }]);
    expect(retries).toEqual([2000]);
  });

  it('handles CRLF and CR line ends split across chunks, and a byte-order mark', () => {
    const text = '\ufeffid: 7\r\ndata: x\r\n\r\nid: 8\rdata: y\r\r';
    const oneByOne = parse([...text]).events;
    const whole = parse([text]).events;
    const expected = [
      { type: 'message', data: 'x', lastEventId: '7' },
      { type: 'message', data: 'y', lastEventId: '8' },
    ];
    expect(oneByOne).toEqual(expected);
    expect(whole).toEqual(expected);
  });

  it('does not dispatch an event without data, nor one left unterminated', () => {
    const { events } = parse(['event: gap\n\nid: 3\n\ndata: pending']);
    expect(events).toEqual([]);
    expect(parse(['id: 3\n\ndata: z\n\n']).events).toEqual([
      { type: 'message', data: 'z', lastEventId: '3' },
    ]);
  });

  it('ignores an id holding NUL and a retry that is not digits', () => {
    const { events, retries } = parse(['id: 1\n\nid: a\0b\nretry: 1e3\ndata: d\n\n']);
    expect(events).toEqual([{ type: 'message', data: 'd', lastEventId: '1' }]);
    expect(retries).toEqual([]);
  });
});

describe('readSseBody', () => {
  it('decodes UTF-8 split across chunks and reads to the end', async () => {
    const bytes = new TextEncoder().encode('data: é✓\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    await readSseBody(
      body,
      sseParser((e) => events.push(e)),
    );
    expect(events).toEqual([{ type: 'message', data: 'é✓', lastEventId: '' }]);
  });
});
