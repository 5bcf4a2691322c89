/**
 * JSON Pointer (RFC 6901): `""` is the whole document, `/a/b` walks keys, `~1` stands for `/` and `~0` for
 * `~` inside a key.
 */

/** The reference tokens of a pointer, unescaped; undefined when it is not a pointer. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (pointer[0] !== '/') return undefined;
  const tokens = pointer.slice(1).split('/');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    // A `~` must start `~0` or `~1`; anything else is malformed.
    if (/~(?![01])/.test(token)) return undefined;
    tokens[i] = token.replace(/~1/g, '/').replace(/~0/g, '~');
  }
  return tokens;
}

/** The array index a token names (`0`, `12`; no leading zeros, no sign), or undefined. */
export function arrayIndex(token: string): number | undefined {
  return /^(0|[1-9][0-9]{0,15})$/.test(token) ? Number(token) : undefined;
}

/** Escapes one key for use as a pointer token (`~` → `~0`, `/` → `~1`). */
export function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a pointer from keys, escaping each. */
export function pointerOf(...keys: readonly string[]): string {
  return keys.map((k) => `/${escapeToken(k)}`).join('');
}
