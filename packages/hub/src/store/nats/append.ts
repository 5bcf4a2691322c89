import type { Envelope, JsonValue, PublishInput } from '@herald/protocol';
import { JetStreamApiError } from '@nats-io/jetstream';
import { attachDataJson } from '../../envelope-json.js';
import { newEventId } from '../ids.js';
import type { AppendedEvent, AppendResult } from '../types.js';
import type { NatsSession } from './connection.js';
import { decodePayload, encodePayload, eventSubject, type Naming, streamName } from './naming.js';

/** JetStream's answer when an expected last (subject) sequence does not hold. */
const WRONG_LAST_SEQUENCE = 10071;

/** What a publish settles to: the seq stored, or the original's for a duplicate. */
interface Ack {
  readonly seq: number;
  readonly duplicate: boolean;
}

interface Pending {
  readonly index: number;
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly json: string;
}

/**
 * Appends `inputs` to `channel`'s stream; the stream assigns the seqs (its sequence is gapless and shared
 * by every node). Each event goes to its id's own subject with `Nats-Msg-Id` = id and an expected last
 * subject sequence of 0, so an id is stored once while any event with it is retained: within the
 * duplicate window JetStream answers with the original's seq; past it the expectation fails and the
 * original is looked up. An id whose event was trimmed is stored anew (under a fresh `Nats-Msg-Id`, as
 * the window may still hold the old one). Publishes are pipelined in input order on one connection.
 * `epoch` is the stream's, as the store last saw it (the result carries it).
 */
export async function appendToStream(
  s: NatsSession,
  naming: Naming,
  channel: string,
  ts: string,
  inputs: readonly PublishInput[],
  epoch: string,
): Promise<AppendResult> {
  const stream = streamName(naming, channel);
  const results: (AppendedEvent | undefined)[] = new Array(inputs.length);
  const firstIndex = new Map<string, number>();
  const queue: Pending[] = [];
  for (const [index, input] of inputs.entries()) {
    const id = input.id ?? newEventId();
    if (firstIndex.has(id)) continue; // answered from the first occurrence below
    firstIndex.set(id, index);
    const data: JsonValue = input.data ?? null;
    queue.push({ index, id, type: input.type, data, json: JSON.stringify(data) });
  }

  const publish = async (p: Pending, msgID: string): Promise<Ack> => {
    const ack = await s.js.publish(
      eventSubject(naming, channel, p.id),
      encodePayload(p.id, ts, p.type, p.json),
      {
        msgID,
        expect: { lastSubjectSequence: 0 },
      },
    );
    return { seq: ack.seq, duplicate: ack.duplicate };
  };

  const stored: Envelope[] = [];
  const settled = await Promise.allSettled(queue.map((p) => publish(p, p.id)));
  let failure: unknown;
  for (const [i, outcome] of settled.entries()) {
    const p = queue[i] as Pending;
    try {
      let ack = outcome.status === 'fulfilled' ? outcome.value : await conflict(outcome.reason, p);
      // Retained original: a duplicate. Gone (trimmed): store anew; the new msg id is derived from the old
      // seq, so nodes doing this at once still agree.
      for (let attempt = 0; ack?.duplicate; attempt++) {
        if (await retainedAt(ack.seq, p.id)) break;
        if (attempt >= 3)
          throw new Error(`channel ${channel}: id ${p.id} keeps colliding with trimmed events`);
        ack = await publish(p, `${p.id}#${ack.seq}`).catch((error: unknown) => conflict(error, p));
      }
      if (ack === null) throw new Error(`channel ${channel}: id ${p.id} conflicts but is not retained`);
      results[p.index] = { id: p.id, seq: ack.seq, duplicate: ack.duplicate };
      if (!ack.duplicate) {
        const envelope: Envelope = { channel, seq: ack.seq, id: p.id, ts, type: p.type, data: p.data };
        stored.push(attachDataJson(envelope, p.json));
      }
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  for (const [index, input] of inputs.entries()) {
    if (results[index] !== undefined) continue;
    const original = results[firstIndex.get(input.id ?? '') ?? -1];
    if (original !== undefined) results[index] = { id: original.id, seq: original.seq, duplicate: true };
  }
  stored.sort((a, b) => a.seq - b.seq);
  return { results: results as AppendedEvent[], stored, epoch };

  /** The id's subject already holds an event (past the window): answer as a duplicate of it. */
  async function conflict(error: unknown, p: Pending): Promise<Ack | null> {
    if (!(error instanceof JetStreamApiError) || error.code !== WRONG_LAST_SEQUENCE) throw error;
    const m = await s.jsm.streams.getMessage(stream, { last_by_subj: eventSubject(naming, channel, p.id) });
    if (m === null) return publish(p, p.id);
    return { seq: m.seq, duplicate: true };
  }

  async function retainedAt(seq: number, id: string): Promise<boolean> {
    const m = await s.jsm.streams.getMessage(stream, { seq });
    return m !== null && decodePayload(m.string()).id === id;
  }
}
