import type { JsonValue } from '../envelope.js';
import type { StateOp } from './ops.js';
import { arrayIndex, parsePointer } from './pointer.js';

/** Why an operation could not be applied: its shape, the document it met, or a failed `test`. */
export type StateFailureReason = 'malformed' | 'conflict' | 'test-failed';

/** An operation that could not be applied; the whole list is refused. */
export interface StateFailure {
  readonly reason: StateFailureReason;
  readonly message: string;
  /** Position of the failing operation in the list. */
  readonly index: number;
}

/** The outcome of {@link applyStateOps}. */
export type StateResult =
  | { readonly ok: true; readonly state: JsonValue }
  | { readonly ok: false; readonly error: StateFailure };

type JsonObject = { [key: string]: JsonValue };
type Container = JsonValue[] | JsonObject;

class Fail {
  constructor(
    readonly reason: StateFailureReason,
    readonly message: string,
  ) {}
}

const isContainer = (v: JsonValue | undefined): v is Container => typeof v === 'object' && v !== null;
const copyOf = (c: Container): Container => (Array.isArray(c) ? c.slice() : { ...c });

/** The child of `node` at `token`, or undefined. Own keys only, so `__proto__` is an ordinary key. */
function child(node: Container, token: string): JsonValue | undefined {
  if (Array.isArray(node)) {
    const i = arrayIndex(token);
    return i === undefined ? undefined : node[i];
  }
  return Object.hasOwn(node, token) ? node[token] : undefined;
}

function setChild(node: Container, token: string, value: JsonValue): void {
  if (Array.isArray(node)) node[Number(token)] = value;
  else Object.defineProperty(node, token, { value, enumerable: true, writable: true, configurable: true });
}

/** The value at `tokens`, or undefined. */
function read(root: JsonValue, tokens: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const token of tokens) node = isContainer(node) ? child(node, token) : undefined;
  return node;
}

/**
 * Copies the containers from the root down to the parent of the last token (path copying: the old document
 * is never changed), then lets `leaf` change the copied parent. Missing objects on the way are created when
 * `create` is set.
 */
function edit(
  node: JsonValue,
  tokens: readonly string[],
  depth: number,
  create: boolean,
  leaf: (parent: Container, key: string) => Fail | undefined,
): JsonValue | Fail {
  if (!isContainer(node))
    return new Fail('conflict', `/${tokens.slice(0, depth).join('/')} is not an object or array`);
  const copy = copyOf(node);
  const key = tokens[depth] as string;
  if (depth === tokens.length - 1) return leaf(copy, key) ?? copy;
  let next = child(copy, key);
  if (next === undefined) {
    if (!create || Array.isArray(copy))
      return new Fail('conflict', `no value at /${tokens.slice(0, depth + 1).join('/')}`);
    next = {};
  }
  const changed = edit(next, tokens, depth + 1, create, leaf);
  if (changed instanceof Fail) return changed;
  setChild(copy, key, changed);
  return copy;
}

function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ka = Object.keys(a);
  const ob = b as JsonObject;
  return (
    ka.length === Object.keys(ob).length &&
    ka.every((k) => Object.hasOwn(ob, k) && jsonEqual((a as JsonObject)[k], ob[k]))
  );
}

/** Index of an existing element (`insert` also allows the end, and `-`). */
function indexIn(list: JsonValue[], key: string, insert: boolean): number | Fail {
  const i = key === '-' && insert ? list.length : arrayIndex(key);
  if (i === undefined || i > list.length || (!insert && i === list.length))
    return new Fail('conflict', `index ${key} is out of range (length ${list.length})`);
  return i;
}

function add(parent: Container, key: string, value: JsonValue): Fail | undefined {
  if (!Array.isArray(parent)) return void setChild(parent, key, value);
  const i = indexIn(parent, key, true);
  if (i instanceof Fail) return i;
  parent.splice(i, 0, value);
  return undefined;
}

function remove(parent: Container, key: string): Fail | undefined {
  if (Array.isArray(parent)) {
    const i = indexIn(parent, key, false);
    if (i instanceof Fail) return i;
    parent.splice(i, 1);
    return undefined;
  }
  if (!Object.hasOwn(parent, key)) return new Fail('conflict', `no value at key "${key}" to remove`);
  delete parent[key];
  return undefined;
}

/** Sets the existing or new value at `key` to `f(current)`; arrays only take existing indexes. */
function update(parent: Container, key: string, f: (current: JsonValue | undefined) => JsonValue | Fail) {
  const current = child(parent, key);
  if (current === undefined && Array.isArray(parent))
    return new Fail('conflict', `no element at index ${key}`);
  const next = f(current);
  if (next instanceof Fail) return next;
  setChild(parent, key, next);
  return undefined;
}

function appendTo(current: JsonValue | undefined, value: JsonValue): JsonValue | Fail {
  if (current === undefined) return typeof value === 'string' ? value : [value];
  if (typeof current === 'string') {
    return typeof value === 'string'
      ? current + value
      : new Fail('conflict', 'append to a string needs a string value');
  }
  if (Array.isArray(current)) return [...current, value];
  return new Fail('conflict', 'append needs a string or an array at its path');
}

function incrementBy(current: JsonValue | undefined, value: number): JsonValue | Fail {
  if (current !== undefined && typeof current !== 'number')
    return new Fail('conflict', 'increment needs a number at its path');
  const sum = (current ?? 0) + value;
  return Number.isFinite(sum) ? sum : new Fail('conflict', 'increment overflowed');
}

/** Applies one operation to `doc`, returning the new document (the old one is unchanged). */
function applyOne(doc: JsonValue, op: StateOp): JsonValue | Fail {
  const tokens = parsePointer(op.path);
  if (tokens === undefined) return new Fail('malformed', `path "${op.path}" is not a JSON Pointer`);
  const at = (leaf: (parent: Container, key: string) => Fail | undefined, create: boolean) =>
    tokens.length === 0
      ? new Fail('conflict', `${op.op} cannot target the whole document`)
      : edit(doc, tokens, 0, create, leaf);
  switch (op.op) {
    case 'add':
      return tokens.length === 0 ? op.value : at((p, k) => add(p, k, op.value), true);
    case 'replace':
      if (tokens.length === 0) return op.value;
      return read(doc, tokens) === undefined
        ? new Fail('conflict', `no value at ${op.path} to replace`)
        : at((p, k) => update(p, k, () => op.value), false);
    case 'remove':
      return at(remove, false);
    case 'test':
      return jsonEqual(read(doc, tokens), op.value)
        ? doc
        : new Fail('test-failed', `test at ${op.path} failed`);
    case 'append':
      return tokens.length === 0
        ? appendTo(doc, op.value)
        : at((p, k) => update(p, k, (c) => appendTo(c, op.value)), true);
    case 'increment':
      return tokens.length === 0
        ? incrementBy(doc, op.value)
        : at((p, k) => update(p, k, (c) => incrementBy(c, op.value)), true);
    case 'move':
    case 'copy': {
      const from = parsePointer(op.from);
      if (from === undefined) return new Fail('malformed', `from "${op.from}" is not a JSON Pointer`);
      const value = read(doc, from);
      if (value === undefined) return new Fail('conflict', `no value at ${op.from} to ${op.op}`);
      if (op.op === 'copy') return applyOne(doc, { op: 'add', path: op.path, value });
      if (op.path.startsWith(`${op.from}/`)) return new Fail('conflict', 'cannot move a value into itself');
      if (op.path === op.from) return doc;
      const removed = applyOne(doc, { op: 'remove', path: op.from });
      return removed instanceof Fail ? removed : applyOne(removed, { op: 'add', path: op.path, value });
    }
  }
}

/**
 * Applies `ops` in order to `state` and returns the new state, or the first failure: then nothing is
 * applied (the input document is never changed, so refusing the whole list is just dropping the result).
 * `ops` must have passed {@link checkStateOps}.
 */
export function applyStateOps(state: JsonValue, ops: readonly StateOp[]): StateResult {
  let doc = state;
  for (let index = 0; index < ops.length; index++) {
    const next = applyOne(doc, ops[index] as StateOp);
    if (next instanceof Fail)
      return { ok: false, error: { reason: next.reason, message: next.message, index } };
    doc = next;
  }
  return { ok: true, state: doc };
}
