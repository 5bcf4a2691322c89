import type { Envelope } from '@herald/protocol';

type Data = Readonly<Record<string, unknown>>;

function dataOf(event: Envelope): Data {
  const { data } = event;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Data) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The node or step an event is about (`data.node`, else `data.step`), if any. */
export function eventNode(event: Envelope): string | null {
  const data = dataOf(event);
  return text(data.node) ?? text(data.step);
}

/** The phase of a node event (`data.phase`, else the suffix of a `node.*` type), or a job status. */
export function eventPhase(event: Envelope): string | null {
  const data = dataOf(event);
  return (
    text(data.phase) ?? (event.type.startsWith('node.') ? event.type.slice(5) : null) ?? text(data.status)
  );
}

/** `data.duration_ms` when it is a number. */
export function eventDuration(event: Envelope): number | null {
  const value = dataOf(event).duration_ms;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Whether the event reports a failure: a failed node or run, or an `error` event. */
export function isFailureEvent(event: Envelope): boolean {
  const data = dataOf(event);
  return (
    event.type === 'error' ||
    event.type.endsWith('.fail') ||
    event.type.endsWith('.failed') ||
    data.phase === 'fail' ||
    data.status === 'failed'
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall-clock time with milliseconds, `14:03:07.250`; the raw string if it is not a date. */
export function formatTime(ts: string): string {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return ts;
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A short human duration: `850 ms`, `1.3 s`, `2 m 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} m ${pad(seconds % 60)} s`;
}

/** Whether `query` (case-insensitive) appears in the event's type, node or phase. */
export function matchesFilter(event: Envelope, query: string): boolean {
  if (query === '') return true;
  const needle = query.toLowerCase();
  return [event.type, eventNode(event), eventPhase(event)].some(
    (field) => field?.toLowerCase().includes(needle) ?? false,
  );
}
