import { nowUs } from './clock.js';

/**
 * Markers the load clients scan for in raw frames. They sit in the event data, so they are found the same
 * way in Herald's envelopes, socket.io packets and raw ws messages, and nothing else needs parsing.
 */
export const MARK_N = '"bench_n":';
/** Marker of the send timestamp (µs, system monotonic clock). */
export const MARK_T = '"bench_t":';
/** Marker of Herald's per-channel seq (needed to resume). */
export const MARK_SEQ = '"seq":';

/** The Herald event type and socket.io event name used for every bench event. */
export const EVENT_TYPE = 'node.end';

/** Realistic MeatyMusic workflow event data (~300 bytes as JSON with the two bench fields). A type alias, so it is a JSON value. */
export type WorkflowEvent = {
  readonly run_id: string;
  readonly node: string;
  readonly phase: string;
  readonly attempt: number;
  readonly duration_ms: number;
  readonly metrics: {
    readonly rhyme_density: number;
    readonly syllable_variance: number;
    readonly tokens: number;
  };
  readonly scores: { readonly hook: number; readonly coherence: number };
  readonly issues: readonly string[];
  readonly artifacts: readonly { readonly kind: string; readonly uri: string }[];
  readonly bench_n: number;
  readonly bench_t: number;
};

/** Builds event number `n` for `channel`, stamped with the current time. */
export function workflowEvent(channel: string, n: number): WorkflowEvent {
  return {
    run_id: channel,
    node: 'LYRICS',
    phase: 'end',
    attempt: 1,
    duration_ms: 1834,
    metrics: { rhyme_density: 0.82, syllable_variance: 0.14, tokens: 812 },
    scores: { hook: 0.91, coherence: 0.88 },
    issues: [],
    artifacts: [{ kind: 'lyrics', uri: `s3://meatymusic-artifacts/${channel}/lyrics.v1.json` }],
    bench_n: n,
    bench_t: nowUs(),
  };
}
