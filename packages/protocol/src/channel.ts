/** Longest allowed channel name. */
export const MAX_CHANNEL_LENGTH = 128;

const CHANNEL_RE = /^[A-Za-z0-9:_.-]{1,128}$/;

/** Whether `name` is a valid channel name: 1–128 characters from `A-Za-z0-9:_-.`. */
export function isValidChannel(name: unknown): name is string {
  return typeof name === 'string' && CHANNEL_RE.test(name);
}

/**
 * Whether `channel` matches a permission pattern. A pattern is a channel name in which `*` matches any
 * run of characters (including `:`), so `run:*` matches `run:1` and `tenant:*:goals` matches
 * `tenant:t1:goals`. A lone `*` matches every channel.
 */
export function matchesPattern(pattern: string, channel: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === channel;
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!channel.startsWith(first) || channel.length < first.length + last.length) return false;
  let at = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] ?? '';
    const found = channel.indexOf(part, at);
    if (found === -1) return false;
    at = found + part.length;
  }
  return channel.length - last.length >= at && channel.endsWith(last);
}

/** Whether any of `patterns` matches `channel`. */
export function matchesAny(patterns: readonly string[], channel: string): boolean {
  for (const p of patterns) if (matchesPattern(p, channel)) return true;
  return false;
}
