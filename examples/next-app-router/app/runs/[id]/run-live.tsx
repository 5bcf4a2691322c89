"use client";
import {
  ConnectionStatus,
  EventLog,
  JobProgress,
  Toaster,
  toast,
  useChannelEvents,
  useConnectionToasts,
  useJob,
  useJobOutput,
} from "@herald/react";
import { LiveOnly } from "../../herald/live-only";
import styles from "../../page.module.css";

/** The run's artifacts (the rendered song), from its job state. */
function Artifacts({ channel }: { channel: string }) {
  const { job } = useJob(channel);
  const entries = Object.entries(job.artifacts);
  if (entries.length === 0) return <p className={styles.muted}>No artifacts yet.</p>;
  return (
    <dl className={styles.artifacts} data-testid="artifacts">
      {entries.map(([name, artifact]) => (
        <div key={name} data-artifact={name}>
          <dt>
            {artifact.label ?? name} {artifact.kind ? <small>{artifact.kind}</small> : null}
          </dt>
          <dd>
            <code>{artifact.url}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The lyrics as the LYRICS node streams them, token by token (the job's `lyrics` output). */
function Lyrics({ channel }: { channel: string }) {
  const lyrics = useJobOutput(channel, "lyrics");
  if (lyrics === "") return <p className={styles.muted}>The lyrics appear here as they are written.</p>;
  return (
    <pre className={styles.lyrics} data-testid="lyrics">
      {lyrics}
    </pre>
  );
}

function LastEvent({ channel }: { channel: string }) {
  const { events, status } = useChannelEvents(channel);
  const last = events.at(-1);
  return (
    <p className={styles.muted} data-testid="last-event" data-count={events.length} data-status={status}>
      {events.length} events
      {last ? ` · last: #${last.seq} ${last.type}` : ""}
    </p>
  );
}

function Live({ runId }: { runId: string }) {
  const channel = `run:${runId}`;
  useConnectionToasts(toast); // connection toasts; the run's end is JobProgress's onDone below
  return (
    <>
      <ConnectionStatus />
      <LastEvent channel={channel} />
      <div className={styles.columns}>
        <JobProgress
          channel={channel}
          title={`Run ${runId}`}
          onDone={(job) =>
            toast({
              kind: job.status === "completed" ? "run-completed" : "run-failed",
              title: `Run ${runId} ${job.status}`,
            })
          }
        />
        <section aria-label="Lyrics and artifacts">
          <h2 className={styles.h2}>Lyrics</h2>
          <Lyrics channel={channel} />
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
