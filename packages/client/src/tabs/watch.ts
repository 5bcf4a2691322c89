/**
 * A follower's view of the leader: who it is and whether it answered the last ask. Pure state, moved by
 * {@link sawBeat} and {@link tick}, so the takeover rule is testable without timers. Asking and checking
 * on the follower's own timer (rather than comparing clocks) keeps a throttled background tab from taking
 * a live leader for dead: however late its timer fires, the leader had that long to answer.
 */
export interface LeaderWatch {
  /** The leader's tab id, or null when none is known. */
  leader: string | null;
  /** Whether the leader spoke since the last tick. */
  answered: boolean;
  /** Ticks in a row without a word from any leader. */
  misses: number;
}

/** A watch that knows no leader yet. */
export const createWatch = (): LeaderWatch => ({ leader: null, answered: false, misses: 0 });

/** A beat from `leader` arrived. Returns true when it is another leader than the one known. */
export function sawBeat(watch: LeaderWatch, leader: string): boolean {
  const changed = watch.leader !== leader;
  watch.leader = leader;
  watch.answered = true;
  watch.misses = 0;
  return changed;
}

/** The leader said it is going (or is known dead): none is known until the next beat. */
export function forget(watch: LeaderWatch, leader: string): boolean {
  if (watch.leader !== leader) return false;
  watch.leader = null;
  return true;
}

/**
 * The follower's periodic check: `probe` (ask again) or, after `maxMisses` unanswered asks in a row,
 * `dead`: the leader (or whoever holds the lock, when none ever answered) is gone or frozen. The count
 * restarts after `dead`, so a steal that does not help is retried only after as many misses again.
 */
export function tick(watch: LeaderWatch, maxMisses: number): 'probe' | 'dead' {
  watch.misses = watch.answered ? 0 : watch.misses + 1;
  watch.answered = false;
  if (watch.misses < maxMisses) return 'probe';
  watch.misses = 0;
  watch.leader = null;
  return 'dead';
}
