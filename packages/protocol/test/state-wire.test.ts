import { describe, expect, it } from 'vitest';
import {
  applyStateOps,
  collectionExpiries,
  collectionOps,
  ErrorCode,
  expiryEventId,
  type JsonValue,
  parseClientMessage,
  parseServerMessage,
  readCollection,
  type StateOp,
  stateErrorCode,
  stateInvalid,
} from '../src/index.js';
import { checkPublishInput } from '../src/validate.js';

const fold = (ops: StateOp[][], state: JsonValue = {}): JsonValue =>
  ops.reduce<JsonValue>((doc, list) => {
    const r = applyStateOps(doc, list);
    if (!r.ok) throw new Error(r.error.message);
    return r.state;
  }, state);

describe('state on the wire', () => {
  it('accepts an event with state operations and refuses a malformed list with ERR_BAD_STATE_OP', () => {
    expect(
      checkPublishInput({ type: 't', data: null, state: [{ op: 'append', path: '/log', value: 'a' }] }),
    ).toBeUndefined();
    expect(checkPublishInput({ type: 't', data: null, state: { op: 'add' } })).toEqual({
      code: ErrorCode.BadStateOp,
      message: 'state must be an array of operations',
    });
    expect(checkPublishInput({ type: 't', data: null, state: [{ op: 'mutate', path: '' }] })?.code).toBe(
      ErrorCode.BadStateOp,
    );
  });

  it('maps each failure reason to its code and names the event of a batch', () => {
    expect(stateErrorCode('malformed')).toBe('ERR_BAD_STATE_OP');
    expect(stateErrorCode('conflict')).toBe('ERR_STATE_CONFLICT');
    expect(stateErrorCode('test-failed')).toBe('ERR_STATE_TEST_FAILED');
    expect(stateInvalid({ reason: 'conflict', message: 'no value at /a', index: 2 }, 3, 5)).toEqual({
      code: 'ERR_STATE_CONFLICT',
      message: 'events[3].state[2]: no value at /a',
    });
    expect(stateInvalid({ reason: 'test-failed', message: 'test at /x failed', index: 0 })).toEqual({
      code: 'ERR_STATE_TEST_FAILED',
      message: 'state[0]: test at /x failed',
    });
  });

  it('validates subscribe.snapshot and the snapshot message', () => {
    expect(parseClientMessage('{"type":"subscribe","rid":"1","channel":"a","snapshot":true}').ok).toBe(true);
    const bad = parseClientMessage('{"type":"subscribe","rid":"1","channel":"a","snapshot":"yes"}');
    expect(bad.ok ? null : bad.error.code).toBe(ErrorCode.BadMessage);
    const snap = parseServerMessage('{"type":"snapshot","channel":"a","epoch":"e","seq":4,"state":{"n":1}}');
    expect(snap.ok && snap.message.type === 'snapshot' ? snap.message.state : null).toEqual({ n: 1 });
    expect(parseServerMessage('{"type":"snapshot","channel":"a","epoch":"e","seq":4}').ok).toBe(false);
  });
});

describe('collections', () => {
  it('sets, updates and removes entries; removal of a missing key is a no-op', () => {
    const doc = fold([
      collectionOps.set('run-1', { status: 'running' }),
      collectionOps.set('run-2', { status: 'queued' }, { ttlMs: 1000, now: 5000 }),
      collectionOps.update('run-1', [{ op: 'replace', path: '/status', value: 'done' }]),
      collectionOps.remove('run-3'),
    ]);
    expect(readCollection(doc, 5500)).toEqual({
      entries: [
        { key: 'run-1', value: { status: 'done' }, expiresAt: null },
        { key: 'run-2', value: { status: 'queued' }, expiresAt: 6000 },
      ],
      nextExpiryAt: 6000,
    });
    expect(readCollection(doc, 6000).entries.map((e) => e.key)).toEqual(['run-1']);
    expect(collectionExpiries(doc)).toEqual([['run-2', 6000]]);
    expect(readCollection(fold([collectionOps.remove('run-1')], doc), 0).entries.map((e) => e.key)).toEqual([
      'run-2',
    ]);
  });

  it('expires an entry only while its expiry is unchanged', () => {
    const doc = fold([collectionOps.set('k/1', 1, { ttlMs: 10, now: 0 })]);
    expect(readCollection(fold([collectionOps.expire('k/1', 10)], doc), 0).entries).toEqual([]);
    const refreshed = fold([collectionOps.set('k/1', 2, { ttlMs: 10, now: 5 })], doc);
    const r = applyStateOps(refreshed, collectionOps.expire('k/1', 10));
    expect(r.ok ? null : r.error.reason).toBe('test-failed');
    expect(expiryEventId('k/1', 10)).toBe('herald.expired:10:k/1');
  });
});
