/**
 * The store's statements for schema `s` (already quoted). Kept apart from the control flow so the SQL can
 * be read (and explained to a DBA) on its own.
 */
export function statements(s: string) {
  return {
    /** Creates the channel on first sight and locks its row until the transaction ends. */
    lockChannel: `
      INSERT INTO ${s}.channels AS c (name, epoch) VALUES ($1, $2)
      ON CONFLICT (name) DO UPDATE SET updated_at = now()
      RETURNING epoch, last_seq, first_seq, bytes`,
    /** Which of the given ids the channel already holds (its retained history is exactly its rows). */
    existingIds: `SELECT id, seq FROM ${s}.events WHERE channel = $1 AND id = ANY($2::text[])`,
    insertEvents: `
      INSERT INTO ${s}.events (channel, seq, id, ts, type, data, size, state)
      SELECT $1, u.seq, u.id, $2::timestamptz, u.type, u.data::json, u.size, u.state::json
      FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])
        AS u(seq, id, type, data, size, state)`,
    /** The channel's state document, read under the channel's row lock. */
    lockedState: `SELECT state::text AS state FROM ${s}.channel_state WHERE channel = $1`,
    saveState: `
      INSERT INTO ${s}.channel_state (channel, state) VALUES ($1, $2::json)
      ON CONFLICT (channel) DO UPDATE SET state = excluded.state`,
    /** State and position in one statement, hence one snapshot: the state is exactly the one at last_seq. */
    state: `
      SELECT c.epoch, c.last_seq, s.state::text AS state FROM ${s}.channels c
      LEFT JOIN ${s}.channel_state s ON s.channel = c.name WHERE c.name = $1`,
    /** Drops the channel's events below $2 and answers how many payload bytes that freed. */
    deleteBefore: `
      WITH d AS (DELETE FROM ${s}.events WHERE channel = $1 AND seq < $2 RETURNING size)
      SELECT coalesce(sum(size), 0)::float8 AS freed FROM d`,
    /** The seq at which the oldest events' payloads add up to $3 bytes (what maxBytes must drop). */
    bytesCut: `
      SELECT seq FROM (
        SELECT seq, sum(size) OVER (ORDER BY seq) AS run FROM ${s}.events
        WHERE channel = $1 AND seq >= $2 ORDER BY seq
      ) t WHERE run >= $3 LIMIT 1`,
    /** Saves the position; the notification goes out at commit, and only if it commits. */
    saveChannel: `
      UPDATE ${s}.channels SET last_seq = $2, first_seq = $3, bytes = $4, updated_at = now()
      WHERE name = $1 RETURNING CASE WHEN $5::text IS NULL THEN NULL ELSE pg_notify($5, $6) END`,
    info: `SELECT epoch, last_seq, first_seq FROM ${s}.channels WHERE name = $1`,
    generation: `SELECT value FROM ${s}.meta WHERE key = 'generation'`,
    /**
     * Position and page in one statement, hence one snapshot: the page never runs past lastSeq, and it ends
     * before the event that would take its payload past $4 bytes (the first event always comes).
     */
    read: `
      SELECT c.epoch, c.last_seq, c.first_seq, e.seq, e.id, e.ts, e.type, e.data::text AS data,
        e.state::text AS state
      FROM ${s}.channels c
      LEFT JOIN LATERAL (
        SELECT * FROM (
          SELECT seq, id, ts, type, data, state, sum(size) OVER (ORDER BY seq) AS upto, size
          FROM ${s}.events
          WHERE channel = c.name AND seq > greatest($2::bigint, c.first_seq - 1) AND seq <= c.last_seq
          ORDER BY seq LIMIT $3
        ) w WHERE w.upto <= $4::float8 OR w.upto = w.size
      ) e ON true
      WHERE c.name = $1 ORDER BY e.seq`,
    /** Channels with something to trim (by age $1 or count $2), locked; busy ones wait for the next run. */
    trimCandidates: `
      SELECT c.name FROM ${s}.channels c
      WHERE c.first_seq <= c.last_seq AND (
        c.first_seq < c.last_seq - $2 + 1
        OR EXISTS (SELECT 1 FROM ${s}.events e WHERE e.channel = c.name AND e.seq = c.first_seq AND e.ts < $1))
      ORDER BY c.name LIMIT $3 FOR UPDATE OF c SKIP LOCKED`,
    /** Drops each channel's prefix that is too old or past the count window; trimming never renumbers. */
    trimChannels: `
      WITH k AS (
        SELECT c.name, greatest(c.first_seq, c.last_seq - $2 + 1, coalesce(
          (SELECT min(e.seq) FROM ${s}.events e
           WHERE e.channel = c.name AND e.seq >= c.first_seq AND e.ts >= $1), c.last_seq + 1)) AS keep
        FROM ${s}.channels c WHERE c.name = ANY($3::text[])
      ), d AS (
        DELETE FROM ${s}.events e USING k WHERE e.channel = k.name AND e.seq < k.keep
        RETURNING e.channel, e.size
      ), f AS (SELECT channel, sum(size) AS freed FROM d GROUP BY channel)
      UPDATE ${s}.channels c SET first_seq = k.keep, bytes = c.bytes - coalesce(f.freed, 0)
      FROM k LEFT JOIN f ON f.channel = k.name WHERE c.name = k.name`,
    /** Channels written since $1 (database clock), with their newest seq: what a listener may have missed. */
    changedSince: `SELECT name, last_seq FROM ${s}.channels WHERE updated_at >= $1 AND last_seq > 0`,
  };
}

/** The statements of one schema. */
export type Statements = ReturnType<typeof statements>;
