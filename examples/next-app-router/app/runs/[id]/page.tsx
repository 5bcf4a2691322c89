import Link from "next/link";
import { Suspense } from "react";
import styles from "../../page.module.css";
import { RunLive } from "./run-live";

async function Run({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <h1>MeatyMusic run {id}</h1>
      <RunLive runId={id} />
    </>
  );
}

export default function RunPage({ params }: PageProps<"/runs/[id]">) {
  return (
    <main className={styles.main}>
      <p>
        <Link href="/">← All runs</Link>
      </p>
      <Suspense fallback={<p>Loading run…</p>}>
        <Run params={params} />
      </Suspense>
    </main>
  );
}
