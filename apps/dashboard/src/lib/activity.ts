import type { JsonValue } from '@herald/protocol';
import { type KeyedEvent, normalizeKeys } from '@herald/react';

/** A feed row: the event normalised to camelCase plus a one-line summary. */
export interface ActivityItem {
  readonly id: string;
  /** Null while the item is a local post the hub has not acknowledged yet. */
  readonly seq: number | null;
  /** Null for a local post (it has no hub time yet). */
  readonly ts: string | null;
  readonly type: string;
  readonly kind: 'goal' | 'action' | 'issue' | 'kpi' | 'other';
  readonly summary: string;
  readonly actor: string | null;
  /** The payload with camelCase keys (`goal_id` → `goalId`). */
  readonly data: Readonly<Record<string, unknown>>;
}

type Data = Readonly<Record<string, unknown>>;

const s = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const words = (v: unknown): string => s(v).replace(/_/g, ' ');
const isRecord = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a PurposePath post from this dashboard carries (snake_case, as the backend's events). */
export interface ActivityPost {
  readonly [key: string]: JsonValue;
  readonly tenant_id: string;
  readonly activity_id: string;
  readonly text: string;
  readonly author_name: string;
}

/** The type of a post: an update on the tenant's goals (PurposePath's `goal.activity.created`). */
export const POST_TYPE = 'goal.activity.created';

/** The entity id field of each creation event: one created entity is one row, whoever published it. */
const CREATED_ID: Readonly<Record<string, string>> = {
  'goal.created': 'goal_id',
  'action.created': 'action_id',
  'issue.created': 'issue_id',
  [POST_TYPE]: 'activity_id',
};

/**
 * The feed's `keyOf`: a creation event is keyed by the entity it creates (a goal created here and echoed
 * by the backend under another event id is one row); every other event is its own row.
 */
export function activityKey(event: KeyedEvent): string | null {
  const field = CREATED_ID[event.type];
  if (field === undefined || !isRecord(event.data)) return null;
  const id = event.data[field];
  return typeof id === 'string' ? `${event.type}:${id}` : null;
}

/** The parts of an event or a local post that a row describes. */
export interface ActivitySource {
  readonly id: string;
  readonly seq: number | null;
  readonly ts: string | null;
  readonly type: string;
  readonly data: JsonValue;
}

/** Normalises one PurposePath event (snake_case on the wire) and describes it in a sentence. */
export function describeActivity(event: ActivitySource): ActivityItem {
  const normalized: unknown = normalizeKeys(event.data);
  const d = isRecord(normalized) ? normalized : {};
  const head = event.type.split('.')[0] ?? '';
  const kind = head === 'goal' || head === 'action' || head === 'issue' || head === 'kpi' ? head : 'other';
  const actor =
    s(
      d.ownerName ?? d.assigneeName ?? d.changedByName ?? d.updatedByName ?? d.reportedByName ?? d.authorName,
    ) || null;
  return {
    id: event.id,
    seq: event.seq,
    ts: event.ts,
    type: event.type,
    kind,
    summary: summarize(event.type, d),
    actor,
    data: d,
  };
}

function summarize(type: string, d: Data): string {
  switch (type) {
    case 'goal.created':
      return `New goal: “${s(d.title)}” (target ${s(d.targetDate)})`;
    case 'goal.updated': {
      const progress = isRecord(d.changes) ? s(d.changes.progressPercent) : '';
      return progress ? `“${s(d.title)}” is now ${progress}% complete` : `“${s(d.title)}” was updated`;
    }
    case 'action.created':
      return `Action “${s(d.title)}” assigned to ${s(d.assigneeName)} · ${s(d.priority)} priority, due ${s(d.dueDate)}`;
    case 'action.status_changed':
      return `“${s(d.title)}” moved from ${words(d.oldStatus)} to ${words(d.newStatus)}`;
    case 'issue.created':
      return `${s(d.severity).replace(/^./, (c) => c.toUpperCase())} issue: ${s(d.title)}`;
    case POST_TYPE:
      return s(d.text);
    case 'kpi.updated':
      return `${s(d.name)}: ${s(d.previousValue)} → ${s(d.currentValue)} ${s(d.unit)} (target ${s(d.targetValue)})`;
    default:
      return type;
  }
}
