/** `snake_case` → `camelCase` at the type level. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** A value with every object key converted to camelCase, deeply (arrays included). */
export type CamelCaseKeys<T> = T extends readonly (infer U)[]
  ? CamelCaseKeys<U>[]
  : T extends object
    ? { [K in keyof T as K extends string ? CamelCase<K> : K]: CamelCaseKeys<T[K]> }
    : T;

/** Converts one `snake_case` (or `kebab-case`) identifier to camelCase: `goal_id` → `goalId`. */
export function toCamelCase(key: string): string {
  return key.replace(/[_-]+([a-zA-Z0-9])/g, (_, char: string) => char.toUpperCase());
}

/**
 * Deep-copies `value` with every plain-object key converted to camelCase, for backends that speak
 * snake_case: `normalizeKeys({ goal_id: 1, action_items: [{ due_at: 'x' }] })` →
 * `{ goalId: 1, actionItems: [{ dueAt: 'x' }] }`. Non-plain objects (dates, class instances) are kept as is.
 */
export function normalizeKeys<T>(value: T): CamelCaseKeys<T> {
  return convert(value) as CamelCaseKeys<T>;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[toCamelCase(key)] = convert(child);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
