import { isChannelPattern, type PublisherKey } from '@herald/hub';

/**
 * Reads publisher keys written as text (a `--publisher-key` flag or `HERALD_PUBLISHER_KEYS`): `KEY` for a
 * key that may use every channel, `KEY=PATTERN,PATTERN…` for one scoped to those channel patterns. Several
 * entries are separated by `;` or whitespace, and plain keys also by `,` (the older form, `k1,k2`). The
 * scope starts after the last `=`, so base64 padding stays part of the key (`abc==` is a plain key,
 * `abc===run:*` the key `abc==` on `run:*`). Throws `Error` (saying what is expected, never the key) for a
 * scope that is not a list of channel patterns.
 */
export function parsePublisherKeys(text: string): PublisherKey[] {
  const keys: PublisherKey[] = [];
  for (const entry of text.split(/[;\s]+/)) {
    const at = entry.lastIndexOf('=');
    const scope = at > 0 ? entry.slice(at + 1) : '';
    if (scope === '') {
      keys.push(...entry.split(',').filter(Boolean));
      continue;
    }
    const plain = entry.slice(0, at).split(',').filter(Boolean);
    const key = plain.pop();
    const channels = scope.split(',').filter(Boolean);
    if (key === undefined || channels.length === 0 || !channels.every(isChannelPattern))
      // The entry is not echoed: it holds a secret.
      throw new Error('KEY or KEY=PATTERN,PATTERN (channel patterns of A-Za-z0-9:_-. and *)');
    keys.push(...plain, { key, channels });
  }
  return keys;
}

/**
 * Checks publisher keys from any source: a string in the text form of {@link parsePublisherKeys} (the
 * environment), or an array of such strings (repeated flags, a config file) and, in a config file,
 * `{ key, channels }` objects. Throws `Error` naming what is wrong.
 */
export function checkPublisherKeys(raw: unknown): PublisherKey[] {
  if (typeof raw === 'string') return parsePublisherKeys(raw);
  if (!Array.isArray(raw)) throw new Error('a list of keys');
  return raw.flatMap((k: unknown): PublisherKey[] => {
    if (typeof k === 'string') return parsePublisherKeys(k);
    const scoped = k as { key?: unknown; channels?: unknown } | null;
    const ok =
      typeof scoped === 'object' &&
      scoped !== null &&
      typeof scoped.key === 'string' &&
      scoped.key !== '' &&
      Array.isArray(scoped.channels) &&
      scoped.channels.length > 0 &&
      scoped.channels.every(isChannelPattern);
    if (!ok) throw new Error('a list of keys: strings or { "key": "…", "channels": ["run:*", …] }');
    return [{ key: scoped.key as string, channels: [...(scoped.channels as string[])] }];
  });
}
