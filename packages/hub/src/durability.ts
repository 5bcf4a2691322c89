/**
 * How hard a store works to keep an acknowledged publish (`HubOptions.durability`):
 * - `normal`: an acknowledged event survives a crash of the hub process (SQLite: WAL with
 *   `synchronous=NORMAL`, synced at checkpoints; a power loss may drop the last commits, never corrupts);
 * - `full`: it also survives a power loss or OS crash (SQLite: `synchronous=FULL`, an fsync per commit;
 *   group commit lets one fsync serve every publish of an event-loop turn).
 *
 * The memory store keeps nothing across a restart either way. Redis, PostgreSQL and NATS decide this on
 * the server (`appendfsync`, `synchronous_commit`, JetStream's sync interval); see PROTOCOL.md.
 */
export type Durability = 'normal' | 'full';

/** Every {@link Durability} level, for checks and help text. */
export const DURABILITY_LEVELS: readonly Durability[] = ['normal', 'full'];

/** The default {@link Durability}. */
export const DEFAULT_DURABILITY: Durability = 'normal';

/** Whether `value` names a {@link Durability} level. */
export function isDurability(value: unknown): value is Durability {
  return value === 'normal' || value === 'full';
}

/** SQLite's `PRAGMA synchronous` value for a level (in WAL mode). */
export function sqliteSynchronous(durability: Durability): 'NORMAL' | 'FULL' {
  return durability === 'full' ? 'FULL' : 'NORMAL';
}
