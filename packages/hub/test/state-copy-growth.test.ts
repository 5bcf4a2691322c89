import { ErrorCode, type ErrorResponseBody, type StateOp } from '@herald/protocol';
import { http } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { getState, testScope } from './state-support.js';

const scope = testScope();
afterEach(() => scope.close());

// Each copy of the root shares structure with it, so forty copies describe 2^40 nodes in a 2 KB body.
const doublings = (n: number): StateOp[] => [
  { op: 'add', path: '/seed', value: 'x'.repeat(64) },
  ...Array.from({ length: n }, (_, i): StateOp => ({ op: 'copy', from: '', path: `/k${i}` })),
];

describe('copy operations that double the state', () => {
  it.each([
    ['SQLite', { sqlite: true }],
    ['memory', {}],
  ] as const)(
    'are refused with ERR_STATE_TOO_LARGE on %s, and the hub keeps serving',
    async (_name, options) => {
      const hub = await scope.hub(options);
      const url = `${hub.url}/v1/channels/run:bomb/events`;
      const res = await http(url, { body: { type: 'bomb', data: null, state: doublings(40) } });
      expect(res.status).toBe(413);
      expect((res.body as ErrorResponseBody).error.code).toBe(ErrorCode.StateTooLarge);
      // Nothing was stored, and the channel (and the hub) still take a small state publish.
      const ok = await http(url, { body: { type: 'fine', data: null, state: doublings(3) } });
      expect(ok.status).toBe(201);
      const { seq, state } = await getState(hub, 'run:bomb');
      expect(seq).toBe(1);
      expect(Object.keys(state as object)).toEqual(['seed', 'k0', 'k1', 'k2']);
    },
  );

  it('names the failing event of a batch', async () => {
    const hub = await scope.hub({ sqlite: true });
    const res = await http(`${hub.url}/v1/channels/run:batch/events`, {
      body: [
        { type: 'fine', data: null, state: doublings(2) },
        { type: 'bomb', data: null, state: doublings(40) },
      ],
    });
    expect(res.status).toBe(413);
    const body = res.body as ErrorResponseBody;
    expect(body.error.code).toBe(ErrorCode.StateTooLarge);
    expect((await getState(hub, 'run:batch')).seq).toBe(0);
  });
});
