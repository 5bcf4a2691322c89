"use client";
import {
  ConnectionStatus,
  EventLog,
  RunProgress,
  Toaster,
  toast,
  useChannelEvents,
  useConnectionToasts,
  useRunProgress,
} from "@herald/react";
import { LiveOnly } from "../../herald/live-only";
import styles from "../../page.module.css";

/** Seed 000's node event (`ts`, `run_id`, `node`, `phase`, `duration_ms`, `metrics`, `issues`). */
interface WorkflowEvent {
  run_id?: string;
  node?: string;
  phase?: "start" | "end" | "fail";
  duration_ms?: number;
}

function Artifacts({ channel }: { channel: string }) {
  const { artifacts } = useRunProgress(channel);
  const entries = Object.entries(artifacts);
  if (entries.length === 0) return <p className={styles.muted}>No artifacts yet.</p>;
  return (
    <dl className={styles.artifacts} data-testid="artifacts">
      {entries.map(([node, entry]) => (
        <div key={node} data-node={node}>
          <dt>
            {node} <small>v{entry.version}</small>
          </dt>
          <dd>
            <code>{JSON.stringify(entry.value)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function LastEvent({ channel }: { channel: string }) {
  const { events, status } = useChannelEvents<WorkflowEvent>(channel);
  const last = events.at(-1);
  return (
    <p className={styles.muted} data-testid="last-event" data-count={events.length} data-status={status}>
      {events.length} events
      {last ? ` · last: #${last.seq} ${last.type}${last.data.node ? ` ${last.data.node}` : ""}` : ""}
    </p>
  );
}

function Live({ runId }: { runId: string }) {
  const channel = `run:${runId}`;
  useConnectionToasts(toast, { channel });
  return (
    <>
      <ConnectionStatus />
      <LastEvent channel={channel} />
      <div className={styles.columns}>
        <RunProgress channel={channel} title={`Run ${runId}`} />
        <section aria-label="Artifacts">
          <h2 className={styles.h2}>Artifacts</h2>
          <Artifacts channel={channel} />
        </section>
      </div>
      <EventLog channel={channel} title="Workflow events" />
      <Toaster />
    </>
  );
}

export function RunLive({ runId }: { runId: string }) {
  return (
    <LiveOnly fallback={<p>Connecting to live updates…</p>}>
      <Live runId={runId} />
    </LiveOnly>
  );
}
