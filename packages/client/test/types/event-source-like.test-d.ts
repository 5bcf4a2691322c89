import { expectTypeOf, test } from 'vitest';
import type { ClientOptions, EventSourceConstructorLike, EventSourceLike } from '../../src/index.js';

test("the DOM EventSource fits the SSE transport's EventSource without a cast", () => {
  expectTypeOf<EventSource>().toExtend<EventSourceLike>();
  const browser: EventSourceConstructorLike = globalThis.EventSource;
  const options: ClientOptions = { url: 'http://127.0.0.1:1', environment: { EventSource: browser } };
  expectTypeOf(options.environment?.EventSource).toEqualTypeOf<
    EventSourceConstructorLike | null | undefined
  >();
});
