// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createToastStore } from '../src/toast-store.js';

describe('createToastStore', () => {
  it('adds, caps and dismisses toasts, notifying subscribers', () => {
    const store = createToastStore({ max: 2 });
    let changes = 0;
    const off = store.subscribe(() => changes++);
    const first = store.notify({ kind: 'lost', title: 'Connection lost' });
    store.notify({ kind: 'restored', title: 'Connection restored' });
    store.notify({ kind: 'run-completed', title: 'Run completed' });
    expect(store.getSnapshot().map((t) => t.kind)).toEqual(['restored', 'run-completed']);
    store.dismiss(first); // already evicted: no change
    expect(changes).toBe(3);
    const [oldest] = store.getSnapshot();
    store.dismiss(oldest!.id);
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['Run completed']);
    off();
    store.notify({ kind: 'failing', title: 'x' });
    expect(changes).toBe(4);
  });
});
