import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * Per channel C under prefix P:
 *   P<C>:m  hash   epoch, last (newest seq), first (oldest seq kept in the stream, last+1 when empty),
 *                  bytes (data JSON bytes in the stream, for retention.maxBytes; summed once if missing)
 *   P<C>:i  hash   event id -> seq, for idempotent publishes over the retained history
 *   P<C>:e  stream entries with the explicit id "<seq>-0" and fields i (id), t (ts), y (type), d (JSON),
 *           and s (the event's state operations, JSON) when it carried any
 *   P<C>:s  string  the channel's state document (JSON) after seq `last`; absent while it is `{}`. Never
 *           trimmed.
 *   Pchannels  set of channel names, walked by trim()
 *   Pgeneration  string  drawn once per keyspace; the epoch of a channel's first history derives from it, so
 *           reads of a channel never written answer that epoch and store nothing for the channel
 * Every script runs atomically in Redis, so concurrent appends from any number of hub nodes never share
 * or skip a seq. State operations are applied in the hub (by the protocol's applyStateOps, their one
 * home), not in Lua: an append carrying state first PEEKs the state and position, folds in JS, then
 * APPENDs on the condition that the position did not move (optimistic concurrency, retried by the store).
 */

// Shared Lua: create the channel on first sight, and trim a stream prefix (forgetting its ids).
// A new epoch starts empty: when the meta hash is gone but other keys of the channel are left (a partial
// DEL, an eviction), they are dropped, or the old stream would refuse seqs from 1 and the old state would
// pass for the new history's. (They are named from the meta key, P<C>:m, so every script can do it.)
const PRELUDE = `
local function firstEpoch(channels, channel, epoch)
  -- A name the channel set knows whose meta is gone (a DEL, an eviction) had a history: a fresh epoch.
  if redis.call('SISMEMBER', channels, channel) == 1 then return epoch end
  local gen = string.sub(channels, 1, -9) .. 'generation'
  redis.call('SET', gen, epoch, 'NX')
  return string.sub(redis.sha1hex(redis.call('GET', gen) .. '\\n' .. channel), 1, 16)
end
local function ensure(meta, channels, channel, epoch)
  if redis.call('EXISTS', meta) == 0 then
    local base = string.sub(meta, 1, -2)
    redis.call('DEL', base .. 'i', base .. 'e', base .. 's')
    redis.call('HSET', meta, 'epoch', firstEpoch(channels, channel, epoch), 'last', 0, 'first', 1, 'bytes', 0)
    redis.call('SADD', channels, channel)
  end
  local v = redis.call('HMGET', meta, 'epoch', 'last', 'first')
  return v[1], tonumber(v[2]), tonumber(v[3])
end
-- The position without creating anything: a channel never written is empty in its first epoch.
local function position(meta, channels, channel, epoch)
  local v = redis.call('HMGET', meta, 'epoch', 'last', 'first')
  if v[1] then return v[1], tonumber(v[2]), tonumber(v[3]) end
  return firstEpoch(channels, channel, epoch), 0, 1
end
local function seqOf(entry)
  return tonumber(string.match(entry[1], '^(%d+)'))
end
local function payloadBytes(meta, ev)
  local b = tonumber(redis.call('HGET', meta, 'bytes'))
  if b then return b end
  b = 0
  local from = '-'
  while true do
    local entries = redis.call('XRANGE', ev, from, '+', 'COUNT', 200)
    for _, e in ipairs(entries) do b = b + #e[2][8] end
    if #entries < 200 then break end
    from = '(' .. entries[#entries][1]
  end
  redis.call('HSET', meta, 'bytes', b)
  return b
end
local function trimBefore(meta, ids, ev, first, keepFrom)
  if keepFrom <= first then return first end
  local entries = redis.call('XRANGE', ev, '-', string.format('%d-0', keepFrom - 1))
  local freed = 0
  for _, e in ipairs(entries) do
    local id = e[2][2]
    freed = freed + #e[2][8]
    -- A recycled id may already point at a newer event; only forget it if it points here.
    if tonumber(redis.call('HGET', ids, id)) == seqOf(e) then redis.call('HDEL', ids, id) end
  end
  redis.call('XTRIM', ev, 'MINID', string.format('%d-0', keepFrom))
  redis.call('HSET', meta, 'first', keepFrom)
  if redis.call('HEXISTS', meta, 'bytes') == 1 then redis.call('HINCRBY', meta, 'bytes', -freed) end
  return keepFrom
end
-- Drops the oldest entries while the stream holds more than maxBytes of data; the newest stays.
local function trimBytes(meta, ids, ev, first, last, maxBytes)
  local bytes = payloadBytes(meta, ev)
  local keepFrom = first
  local from = string.format('%d-0', first)
  while bytes > maxBytes and keepFrom < last do
    local entries = redis.call('XRANGE', ev, from, '+', 'COUNT', 100)
    if #entries == 0 then break end
    for _, e in ipairs(entries) do
      if bytes <= maxBytes or seqOf(e) >= last then break end
      bytes = bytes - #e[2][8]
      keepFrom = seqOf(e) + 1
    end
    from = '(' .. entries[#entries][1]
  end
  return trimBefore(meta, ids, ev, first, keepFrom)
end
local function visibleFirst(first, last, maxCount)
  return math.max(first, last - maxCount + 1, 1)
end
`;

/**
 * KEYS: meta, ids, stream, channels, state. ARGV: channel, new epoch, ts, maxCount, slack, expected
 * position ("" for none, else "<epoch>:<last>:<first>"), new state JSON ("" to leave it), maxBytes, then
 * (id, type, data, state ops or "") per event. Returns the channel's epoch, then one integer per event: the
 * new seq, or minus the original seq for a duplicate; or the string "moved" (nothing written) when the position is
 * not the expected one, since the state was folded from that position (an unchanged epoch, last and first
 * also mean unchanged duplicates; the epoch, because a history Redis lost starts again at the same seqs).
 */
const APPEND = `${PRELUDE}
local meta, ids, ev = KEYS[1], KEYS[2], KEYS[3]
local epoch, last, first = ensure(meta, KEYS[4], ARGV[1], ARGV[2])
local ts, maxCount, slack = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if ARGV[6] ~= '' and ARGV[6] ~= string.format('%s:%d:%d', epoch, last, first) then return 'moved' end
local out = { epoch }
local maxBytes = tonumber(ARGV[8])
payloadBytes(meta, ev)
for i = 9, #ARGV, 4 do
  local id = ARGV[i]
  local existing = tonumber(redis.call('HGET', ids, id))
  if existing and existing >= visibleFirst(first, last, maxCount) then
    out[#out + 1] = -existing
  else
    last = last + 1
    local entry = string.format('%d-0', last)
    if ARGV[i + 3] == '' then
      redis.call('XADD', ev, entry, 'i', id, 't', ts, 'y', ARGV[i + 1], 'd', ARGV[i + 2])
    else
      redis.call('XADD', ev, entry, 'i', id, 't', ts, 'y', ARGV[i + 1], 'd', ARGV[i + 2], 's', ARGV[i + 3])
    end
    redis.call('HSET', ids, id, last)
    redis.call('HINCRBY', meta, 'bytes', #ARGV[i + 2])
    out[#out + 1] = last
  end
end
if ARGV[7] ~= '' then redis.call('SET', KEYS[5], ARGV[7]) end
redis.call('HSET', meta, 'last', last)
local keepFrom = last - maxCount + 1
if keepFrom - first >= slack then first = trimBefore(meta, ids, ev, first, keepFrom) end
trimBytes(meta, ids, ev, first, last, maxBytes)
return out
`;

/**
 * KEYS: meta, ids, channels, state. ARGV: channel, new epoch, maxCount, then event ids. Returns, read
 * atomically: epoch, last, first (as stored, for APPEND's expected position), the state JSON ("" while
 * none), then per id the seq of the retained event holding it (0 when none): what an append carrying state
 * folds from.
 */
const PEEK = `${PRELUDE}
local epoch, last, first = position(KEYS[1], KEYS[3], ARGV[1], ARGV[2])
local state = redis.call('GET', KEYS[4]) or ''
local from = visibleFirst(first, last, tonumber(ARGV[3]))
local out = { epoch, last, first, state }
for i = 4, #ARGV do
  local existing = tonumber(redis.call('HGET', KEYS[2], ARGV[i]))
  out[#out + 1] = (existing and existing >= from) and existing or 0
end
return out
`;

/** KEYS: meta, channels. ARGV: channel, new epoch, maxCount. Returns epoch, lastSeq, firstSeq. */
const INFO = `${PRELUDE}
local epoch, last, first = position(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
return { epoch, last, visibleFirst(first, last, tonumber(ARGV[3])) }
`;

/**
 * KEYS: meta, stream, channels. ARGV: channel, new epoch, maxCount, afterSeq, limit, maxBytes (-1 for no
 * budget). Returns epoch, lastSeq, firstSeq and the stream entries, read atomically with the position; the
 * entries stop before the one that would take their data past maxBytes (the first always comes), and are
 * fetched a few at a time, so a page of large events never holds more than its budget in Lua.
 */
const READ = `${PRELUDE}
local epoch, last, first = position(KEYS[1], KEYS[3], ARGV[1], ARGV[2])
local firstSeq = visibleFirst(first, last, tonumber(ARGV[3]))
local after = math.max(tonumber(ARGV[4]), firstSeq - 1)
local limit, maxBytes = tonumber(ARGV[5]), tonumber(ARGV[6])
local entries = {}
if limit > 0 and after < last then
  local from, used = string.format('%d-0', after + 1), 0
  while #entries < limit do
    local want = limit - #entries
    if maxBytes >= 0 then want = math.min(want, 16) end
    local batch = redis.call('XRANGE', KEYS[2], from, '+', 'COUNT', want)
    local full = false
    for _, e in ipairs(batch) do
      local size = #e[2][8]
      if maxBytes >= 0 and #entries > 0 and used + size > maxBytes then full = true; break end
      used = used + size
      entries[#entries + 1] = e
    end
    if full or #batch < want then break end
    from = '(' .. batch[#batch][1]
  end
end
return { epoch, last, firstSeq, entries }
`;

/**
 * KEYS: meta, ids, stream. ARGV: age cutoff (ISO 8601), maxCount, maxBytes. Drops the stream prefix outside
 * the count window or older than the cutoff, then what is over maxBytes. Scans only the expired prefix plus
 * one page.
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
first = trimBefore(meta, ids, ev, first, keepFrom)
trimBytes(meta, ids, ev, first, last, tonumber(ARGV[3]))
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
  peek: script(PEEK),
  info: script(INFO),
  read: script(READ),
  trim: script(TRIM),
};
