// A minimal SSE reader for hub tests: fetch streaming, so headers (a bearer token) can be sent.

/** One parsed SSE event. */
export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Opens an SSE stream and parses its events as they arrive. */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  let buffer = '';
  const reading = (async () => {
    const reader = res.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: SseEvent = {};
          for (const line of block.split('\n')) {
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) ev[m[1] as keyof SseEvent] = m[2] ?? '';
          }
          if (ev.data !== undefined) events.push(ev);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted.
    }
  })();
  return {
    res,
    events,
    async close() {
      abort.abort();
      await reading;
    },
  };
}
