import { EMPTY_STATE, type Envelope, type JsonValue, type PublishInput } from '@herald/protocol';
import type { PoolClient } from 'pg';
import { attachDataJson, inputDataJson } from '../../envelope-json.js';
import { newEventId } from '../ids.js';
import { carriesState, encodeState, foldInput, stateField, stateOpsJson } from '../state-fold.js';
import type { AppendedEvent, AppendResult } from '../types.js';
import type { Statements } from './sql.js';

/** What one append needs besides the events. */
export interface AppendContext {
  readonly sql: Statements;
  readonly ts: string;
  readonly maxCount: number;
  readonly maxBytes: number;
  /** The epoch the channel is created with if this is its first append (what reads reported for it). */
  readonly epoch: string;
  /** The state size limit (UTF-8 bytes of the document's JSON). */
  readonly maxStateBytes: number;
  /** LISTEN/NOTIFY channel and this store's origin tag, or `null` to notify nobody. */
  readonly notify: { readonly topic: string; readonly origin: string } | null;
}

interface ChannelRow {
  epoch: string;
  last_seq: string;
  first_seq: string;
  bytes: string;
}

/**
 * Appends `inputs` to `channel` inside the caller's open transaction. The channel row is locked first, so
 * appends to one channel from any number of nodes run one after another: seqs are `last_seq + 1...` with
 * no gap, and the id check sees every event committed before it. The unique (channel, id) index backs
 * the check up: a racing duplicate fails the transaction rather than being stored twice. State operations
 * are folded into the channel's document, read under the same lock; a refused one throws, and the caller
 * rolls the whole transaction back.
 */
export async function appendLocked(
  client: PoolClient,
  ctx: AppendContext,
  channel: string,
  inputs: readonly PublishInput[],
): Promise<AppendResult> {
  const { sql } = ctx;
  const locked = await client.query<ChannelRow>(sql.lockChannel, [channel, ctx.epoch]);
  const row = locked.rows[0];
  if (row === undefined) throw new Error(`channel ${channel}: lock returned no row`);
  let last = Number(row.last_seq);
  let first = Number(row.first_seq);
  let bytes = Number(row.bytes);

  const supplied = inputs.flatMap((input) => (input.id === undefined ? [] : [input.id]));
  const known = new Map<string, number>();
  if (supplied.length > 0) {
    const found = await client.query<{ id: string; seq: string }>(sql.existingIds, [channel, supplied]);
    for (const r of found.rows) known.set(r.id, Number(r.seq));
  }

  const withState = carriesState(inputs);
  let before: JsonValue = EMPTY_STATE;
  if (withState) {
    const found = await client.query<{ state: string }>(sql.lockedState, [channel]);
    const json = found.rows[0]?.state;
    if (json !== undefined) before = JSON.parse(json) as JsonValue;
  }
  let doc = before;

  const results: AppendedEvent[] = [];
  const stored: Envelope[] = [];
  const cols = {
    seq: [] as number[],
    id: [] as string[],
    type: [] as string[],
    data: [] as string[],
    size: [] as number[],
    state: [] as (string | null)[],
  };
  for (const [index, input] of inputs.entries()) {
    const id = input.id ?? newEventId();
    const original = known.get(id);
    if (original !== undefined) {
      results.push({ id, seq: original, duplicate: true });
      continue;
    }
    if (withState) doc = foldInput(doc, input, index, inputs.length, ctx.maxStateBytes);
    const seq = ++last;
    const data: JsonValue = input.data ?? null;
    const json = inputDataJson(input);
    const size = Buffer.byteLength(json);
    known.set(id, seq);
    bytes += size;
    cols.seq.push(seq);
    cols.id.push(id);
    cols.type.push(input.type);
    cols.data.push(json);
    cols.size.push(size);
    cols.state.push(stateOpsJson(input));
    results.push({ id, seq, duplicate: false });
    const envelope = { channel, seq, id, ts: ctx.ts, type: input.type, data, ...stateField(input) };
    stored.push(attachDataJson(envelope, json));
  }
  if (stored.length === 0) return { results, stored, epoch: row.epoch };
  if (doc !== before) await client.query(sql.saveState, [channel, encodeState(doc, ctx.maxStateBytes)]);

  await client.query(sql.insertEvents, [
    channel,
    ctx.ts,
    cols.seq,
    cols.id,
    cols.type,
    cols.data,
    cols.size,
    cols.state,
  ]);
  const keepFrom = Math.max(
    first,
    last - ctx.maxCount + 1,
    await bytesKeepFrom(client, ctx, channel, first, last, bytes),
  );
  if (keepFrom > first) {
    const freed = await client.query<{ freed: number }>(sql.deleteBefore, [channel, keepFrom]);
    bytes -= freed.rows[0]?.freed ?? 0;
    first = keepFrom;
  }
  const payload = JSON.stringify({ o: ctx.notify?.origin, c: channel, f: stored[0]?.seq, t: last });
  await client.query(sql.saveChannel, [channel, last, first, bytes, ctx.notify?.topic ?? null, payload]);
  return { results, stored, epoch: row.epoch };
}

/** First seq that `maxBytes` lets the channel keep; the newest event is always kept. */
async function bytesKeepFrom(
  client: PoolClient,
  ctx: AppendContext,
  channel: string,
  first: number,
  last: number,
  bytes: number,
): Promise<number> {
  if (bytes <= ctx.maxBytes) return first;
  const cut = await client.query<{ seq: string }>(ctx.sql.bytesCut, [channel, first, bytes - ctx.maxBytes]);
  const seq = cut.rows[0]?.seq;
  return seq === undefined ? last : Math.min(Number(seq) + 1, last);
}
