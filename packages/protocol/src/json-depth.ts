/**
 * Deepest nesting of arrays and objects the hub accepts in a WebSocket frame or an HTTP request body,
 * counting the frame's or body's own outer object or array as level 1. Deeper JSON is refused with
 * `ERR_TOO_DEEP` before it is parsed: `JSON.parse` copes with any depth, but `JSON.stringify`, deep
 * equality and the state operations recurse, and a few thousand levels overflow their stack.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether JSON `text` nests arrays and objects more than `maxDepth` levels deep. One pass over the
 * characters with a counter (no recursion, no allocation); brackets inside strings do not count. Text
 * that is not valid JSON gets some answer, and `JSON.parse` refuses it afterwards.
 */
export function exceedsJsonDepth(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  const n = text.length;
  // Each level needs its own opening bracket.
  if (n <= maxDepth) return false;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
