import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * Per channel C under prefix P:
 *   P<C>:m  hash   epoch, last (newest seq), first (oldest seq kept in the stream, last+1 when empty)
 *   P<C>:i  hash   event id -> seq, for idempotent publishes over the retained history
 *   P<C>:e  stream entries with the explicit id "<seq>-0" and fields i (id), t (ts), y (type), d (JSON)
 *   Pchannels  set of channel names, walked by trim()
 * Every script runs atomically in Redis, so concurrent appends from any number of hub nodes never share
 * or skip a seq.
 */

// Shared Lua: create the channel on first sight, and trim a stream prefix (forgetting its ids).
const PRELUDE = `
local function ensure(meta, channels, channel, epoch)
  if redis.call('HSETNX', meta, 'epoch', epoch) == 1 then
    redis.call('HSET', meta, 'last', 0, 'first', 1)
    redis.call('SADD', channels, channel)
  end
  local v = redis.call('HMGET', meta, 'epoch', 'last', 'first')
  return v[1], tonumber(v[2]), tonumber(v[3])
end
local function seqOf(entry)
  return tonumber(string.match(entry[1], '^(%d+)'))
end
local function trimBefore(meta, ids, ev, first, keepFrom)
  if keepFrom <= first then return first end
  local entries = redis.call('XRANGE', ev, '-', string.format('%d-0', keepFrom - 1))
  for _, e in ipairs(entries) do
    local id = e[2][2]
    -- A recycled id may already point at a newer event; only forget it if it points here.
    if tonumber(redis.call('HGET', ids, id)) == seqOf(e) then redis.call('HDEL', ids, id) end
  end
  redis.call('XTRIM', ev, 'MINID', string.format('%d-0', keepFrom))
  redis.call('HSET', meta, 'first', keepFrom)
  return keepFrom
end
local function visibleFirst(first, last, maxCount)
  return math.max(first, last - maxCount + 1, 1)
end
`;

/**
 * KEYS: meta, ids, stream, channels. ARGV: channel, new epoch, ts, maxCount, slack, then (id, type, data)
 * per event. Returns one integer per event: the new seq, or minus the original seq for a duplicate.
 */
const APPEND = `${PRELUDE}
local meta, ids, ev = KEYS[1], KEYS[2], KEYS[3]
local _, last, first = ensure(meta, KEYS[4], ARGV[1], ARGV[2])
local ts, maxCount, slack = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
for i = 6, #ARGV, 3 do
  local id = ARGV[i]
  local existing = tonumber(redis.call('HGET', ids, id))
  if existing and existing >= visibleFirst(first, last, maxCount) then
    out[#out + 1] = -existing
  else
    last = last + 1
    redis.call('XADD', ev, string.format('%d-0', last), 'i', id, 't', ts, 'y', ARGV[i + 1], 'd', ARGV[i + 2])
    redis.call('HSET', ids, id, last)
    out[#out + 1] = last
  end
end
redis.call('HSET', meta, 'last', last)
local keepFrom = last - maxCount + 1
if keepFrom - first >= slack then trimBefore(meta, ids, ev, first, keepFrom) end
return out
`;

/** KEYS: meta, channels. ARGV: channel, new epoch, maxCount. Returns epoch, lastSeq, firstSeq. */
const INFO = `${PRELUDE}
local epoch, last, first = ensure(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
return { epoch, last, visibleFirst(first, last, tonumber(ARGV[3])) }
`;

/**
 * KEYS: meta, stream, channels. ARGV: channel, new epoch, maxCount, afterSeq, limit. Returns epoch,
 * lastSeq, firstSeq and the stream entries, read atomically with the position.
 */
const READ = `${PRELUDE}
local epoch, last, first = ensure(KEYS[1], KEYS[3], ARGV[1], ARGV[2])
local firstSeq = visibleFirst(first, last, tonumber(ARGV[3]))
local after = math.max(tonumber(ARGV[4]), firstSeq - 1)
local limit = tonumber(ARGV[5])
local entries = {}
if limit > 0 and after < last then
  entries = redis.call('XRANGE', KEYS[2], string.format('%d-0', after + 1), '+', 'COUNT', limit)
end
return { epoch, last, firstSeq, entries }
`;

/**
 * KEYS: meta, ids, stream. ARGV: age cutoff (ISO 8601), maxCount. Drops the stream prefix outside the count
 * window or older than the cutoff. Scans only the expired prefix plus one page.
 */
const TRIM = `${PRELUDE}
local meta, ids, ev = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', meta) == 0 then return 0 end
local v = redis.call('HMGET', meta, 'last', 'first')
local last, first = tonumber(v[1]), tonumber(v[2])
local cutoff = ARGV[1]
local keepFrom = visibleFirst(first, last, tonumber(ARGV[2]))
while true do
  local entries = redis.call('XRANGE', ev, string.format('%d-0', keepFrom), '+', 'COUNT', 100)
  if #entries == 0 then keepFrom = last + 1; break end
  local found = nil
  for _, e in ipairs(entries) do
    if e[2][4] >= cutoff then found = seqOf(e); break end
  end
  if found then keepFrom = found; break end
  keepFrom = seqOf(entries[#entries]) + 1
end
trimBefore(meta, ids, ev, first, keepFrom)
return 1
`;

/** A Lua script run by SHA, loaded on first use (and again after a Redis restart flushed it). */
export interface RedisScript {
  /** Runs the script with `keys` as KEYS and `args` as ARGV; resolves with its reply. */
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

function script(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}

/** The store's scripts. */
export const scripts = {
  append: script(APPEND),
  info: script(INFO),
  read: script(READ),
  trim: script(TRIM),
};
