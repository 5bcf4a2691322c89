import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../src/envelope.js';
import { applyStateOps, type StateResult } from '../src/state/apply.js';
import { checkStateOps } from '../src/state/check.js';
import type { StateOp } from '../src/state/ops.js';
import { parsePointer } from '../src/state/pointer.js';

const ok = (state: JsonValue, ops: StateOp[]): JsonValue => {
  const r = applyStateOps(state, ops);
  if (!r.ok) throw new Error(`unexpected failure: ${r.error.message}`);
  return r.state;
};
const failure = (state: JsonValue, ops: StateOp[]) => {
  const r: StateResult = applyStateOps(state, ops);
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.state)}`);
  return r.error;
};

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

describe('JSON Pointer', () => {
  it('parses tokens and unescapes ~1 then ~0', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a/b')).toEqual(['a', 'b']);
    expect(parsePointer('/a~1b/m~0n/')).toEqual(['a/b', 'm~n', '']);
    expect(parsePointer('/~01')).toEqual(['~1']);
    expect(parsePointer('a')).toBeUndefined();
    expect(parsePointer('/a~2')).toBeUndefined();
  });
});

describe('applyStateOps: RFC 6902 operations (Appendix A)', () => {
  it('adds an object member, an array element, a nested member and appends with -', () => {
    expect(ok({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({
      foo: 'bar',
      baz: 'qux',
    });
    expect(ok({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({
      foo: ['bar', 'qux', 'baz'],
    });
    expect(ok({ foo: [1] }, [{ op: 'add', path: '/foo/-', value: 2 }])).toEqual({ foo: [1, 2] });
    expect(ok({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }])).toEqual({
      foo: 'bar',
      child: { grandchild: {} },
    });
  });

  it('removes and replaces, refusing missing targets', () => {
    expect(ok({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
    expect(ok({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({
      foo: ['bar', 'baz'],
    });
    expect(ok({ baz: 'qux' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({ baz: 'boo' });
    expect(failure({}, [{ op: 'remove', path: '/nope' }]).reason).toBe('conflict');
    expect(failure({}, [{ op: 'replace', path: '/nope', value: 1 }]).reason).toBe('conflict');
    expect(failure({ a: [1] }, [{ op: 'remove', path: '/a/1' }]).reason).toBe('conflict');
  });

  it('moves and copies values', () => {
    const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
    expect(ok(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
    expect(
      ok({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]),
    ).toEqual({
      foo: ['all', 'cows', 'eat', 'grass'],
    });
    expect(ok({ a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }])).toEqual({
      a: { b: 1 },
      c: { b: 1 },
    });
    expect(failure({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]).reason).toBe('conflict');
  });

  it('tests values by JSON equality, and a failed test refuses the whole list', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    expect(
      ok(doc, [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ]),
    ).toEqual(doc);
    const error = failure(doc, [
      { op: 'add', path: '/x', value: 1 },
      { op: 'test', path: '/baz', value: 'bar' },
    ]);
    expect(error).toMatchObject({ reason: 'test-failed', index: 1 });
    expect(doc).toEqual({ baz: 'qux', foo: ['a', 2, 'c'] });
  });

  it('treats ~1 and ~0 keys and an empty key as ordinary members', () => {
    expect(ok({}, [{ op: 'add', path: '/a~1b', value: 1 }])).toEqual({ 'a/b': 1 });
    expect(ok({}, [{ op: 'add', path: '/', value: 1 }])).toEqual({ '': 1 });
  });

  it('replaces the whole document at the empty path', () => {
    expect(ok({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
  });
});

describe('applyStateOps: Herald extensions', () => {
  it('appends strings, creating the string and its missing parents', () => {
    const once = ok({}, [{ op: 'append', path: '/outputs/lyrics', value: 'Hello' }]);
    expect(once).toEqual({ outputs: { lyrics: 'Hello' } });
    expect(ok(once, [{ op: 'append', path: '/outputs/lyrics', value: ', world' }])).toEqual({
      outputs: { lyrics: 'Hello, world' },
    });
  });

  it('appends to arrays, creating one for a non-string first value', () => {
    const logs = ok({}, [{ op: 'append', path: '/logs', value: { line: 1 } }]);
    expect(ok(logs, [{ op: 'append', path: '/logs', value: 'two' }])).toEqual({ logs: [{ line: 1 }, 'two'] });
  });

  it('refuses a non-string append to a string and an append to a number', () => {
    expect(failure({ s: 'x' }, [{ op: 'append', path: '/s', value: 1 }]).reason).toBe('conflict');
    expect(failure({ n: 1 }, [{ op: 'append', path: '/n', value: 'x' }]).reason).toBe('conflict');
  });

  it('increments numbers from 0 and refuses a non-number target', () => {
    const once = ok({}, [{ op: 'increment', path: '/stats/frames', value: 24 }]);
    expect(ok(once, [{ op: 'increment', path: '/stats/frames', value: -4 }])).toEqual({
      stats: { frames: 20 },
    });
    expect(failure({ s: 'x' }, [{ op: 'increment', path: '/s', value: 1 }]).reason).toBe('conflict');
    expect(
      failure({ n: Number.MAX_VALUE }, [{ op: 'increment', path: '/n', value: Number.MAX_VALUE }]).reason,
    ).toBe('conflict');
  });

  it('creates missing parent objects but never array elements', () => {
    expect(ok({}, [{ op: 'add', path: '/steps/LYRICS/status', value: 'running' }])).toEqual({
      steps: { LYRICS: { status: 'running' } },
    });
    expect(failure({ list: [] }, [{ op: 'add', path: '/list/0/x', value: 1 }]).reason).toBe('conflict');
    expect(failure({ a: 'str' }, [{ op: 'add', path: '/a/b', value: 1 }]).reason).toBe('conflict');
  });

  it('keeps __proto__ an ordinary key', () => {
    const doc = ok({}, [{ op: 'add', path: '/__proto__/polluted', value: true }]);
    expect(Object.hasOwn(doc as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never changes the input document', () => {
    const op = fc.oneof(
      fc.record({
        op: fc.constant('add' as const),
        path: fc.constantFrom('/a', '/a/b', '/l/-', '/l/0'),
        value: fc.integer(),
      }),
      fc.record({
        op: fc.constant('append' as const),
        path: fc.constantFrom('/s', '/l', '/a/b'),
        value: fc.string(),
      }),
      fc.record({
        op: fc.constant('increment' as const),
        path: fc.constantFrom('/n', '/a/n'),
        value: fc.integer(),
      }),
      fc.record({ op: fc.constant('remove' as const), path: fc.constantFrom('/a', '/l/0', '/s') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), (ops) => {
        const doc = deepFreeze({ a: { b: 1, n: 2 }, l: [1, 2], s: 'x', n: 3 });
        const before = JSON.stringify(doc);
        applyStateOps(doc, ops);
        expect(JSON.stringify(doc)).toBe(before);
      }),
    );
  });
});

describe('checkStateOps', () => {
  it('accepts well-formed operation lists', () => {
    expect(
      checkStateOps([
        { op: 'add', path: '/a', value: null },
        { op: 'move', from: '/a', path: '/b' },
        { op: 'increment', path: '/n', value: 1.5 },
      ]),
    ).toBeUndefined();
    expect(checkStateOps([])).toBeUndefined();
  });

  it('names the first malformed operation', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /must be an array/],
      [[{ op: 'merge', path: '/a' }], /op must be one of/],
      [[{ op: 'add', value: 1 }], /path must be a string/],
      [[{ op: 'add', path: '/a' }], /needs a value/],
      [[{ op: 'copy', path: '/a' }], /needs from/],
      [[{ op: 'increment', path: '/a', value: '1' }], /finite number/],
      [[{ op: 'remove', path: '/a', value: 1 }], /unknown field "value"/],
      [[{ op: 'add', path: '/a', value: 1 }, 5], /state\[1\] must be an object/],
      [Array.from({ length: 1001 }, () => ({ op: 'remove', path: '/a' })), /more than 1000/],
    ];
    for (const [input, message] of cases) {
      const problem = checkStateOps(input);
      expect(problem?.reason).toBe('malformed');
      expect(problem?.message).toMatch(message);
    }
  });
});
