import type { Envelope } from '@herald/protocol';
import { normalizeKeys } from '@herald/react';

/** A feed row: the event normalised to camelCase plus a one-line summary. */
export interface ActivityItem {
  readonly id: string;
  readonly seq: number;
  readonly ts: string;
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

/** Normalises one PurposePath event (snake_case on the wire) and describes it in a sentence. */
export function describeActivity(event: Envelope): ActivityItem {
  const normalized: unknown = normalizeKeys(event.data);
  const d = isRecord(normalized) ? normalized : {};
  const head = event.type.split('.')[0] ?? '';
  const kind = head === 'goal' || head === 'action' || head === 'issue' || head === 'kpi' ? head : 'other';
  const actor =
    s(d.ownerName ?? d.assigneeName ?? d.changedByName ?? d.updatedByName ?? d.reportedByName) || null;
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
    case 'kpi.updated':
      return `${s(d.name)}: ${s(d.previousValue)} → ${s(d.currentValue)} ${s(d.unit)} (target ${s(d.targetValue)})`;
    default:
      return type;
  }
}
