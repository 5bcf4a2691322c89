/**
 * One dispatched server-sent event, shaped like the `MessageEvent` an `EventSource` dispatches, so code can
 * treat both alike.
 */
export interface SseEvent {
  /** The `event:` field, `'message'` when the event had none. */
  readonly type: string;
  /** The `data:` lines, joined with `\n`. */
  readonly data: string;
  /** The last `id:` seen on the stream so far (it persists across events, as in an EventSource), or `''`. */
  readonly lastEventId: string;
}

/**
 * A parser of the `text/event-stream` format (the WHATWG HTML "event stream interpretation"): feed it the
 * decoded text as it arrives, in chunks of any size (a line, or a CRLF, may be split across chunks). It
 * calls `onEvent` for every event that has data, and `onRetry` for a `retry:` field of digits. Comment
 * lines (`: ping`) and unknown fields are skipped; a leading byte-order mark is dropped.
 *
 * @param onEvent - Called once per dispatched event, in stream order.
 * @param onRetry - Called with the reconnection time the server asked for, in ms.
 * @returns The function to feed decoded text to.
 */
export function sseParser(
  onEvent: (event: SseEvent) => void,
  onRetry?: (ms: number) => void,
): (text: string) => void {
  let buffer = '';
  let data = '';
  let type = '';
  let lastEventId = '';
  let started = false;
  let skipLf = false; // the previous chunk ended on a CR, which may be the first half of a CRLF

  const line = (text: string) => {
    if (text === '') {
      if (data !== '') onEvent({ type: type || 'message', data: data.slice(0, -1), lastEventId });
      data = type = '';
      return;
    }
    const colon = text.indexOf(':');
    if (colon === 0) return; // a comment
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data += `${value}\n`;
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry?.(Number(value));
  };

  return (chunk) => {
    if (!started && chunk !== '') {
      started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (skipLf && chunk !== '') {
      skipLf = false;
      if (chunk[0] === '\n') chunk = chunk.slice(1);
    }
    buffer += chunk;
    const ends = /\r\n|\r|\n/g;
    let start = 0;
    for (let m = ends.exec(buffer); m; m = ends.exec(buffer)) {
      if (m[0] === '\r' && ends.lastIndex === buffer.length) skipLf = true;
      line(buffer.slice(start, m.index));
      start = ends.lastIndex;
    }
    buffer = buffer.slice(start);
  };
}

/**
 * Reads a response body (fetch streaming) to its end, decoding UTF-8 across chunk boundaries and passing
 * each piece of text to `onText` (an {@link sseParser}'s feed, or a wrapper that also notes the stream is
 * alive). Resolves when the body ends; rejects when reading fails or is aborted.
 *
 * @param body - The `Response.body` of an SSE request.
 * @param onText - Called with each decoded piece, in order.
 */
export async function readSseBody(
  body: ReadableStream<Uint8Array>,
  onText: (text: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return onText(decoder.decode());
    onText(decoder.decode(value, { stream: true }));
  }
}
