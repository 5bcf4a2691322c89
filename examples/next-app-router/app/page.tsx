import Link from "next/link";
import styles from "./page.module.css";

export default function Home() {
  return (
    <main className={styles.main}>
      <h1>MeatyMusic runs, live</h1>
      <p>
        Each song workflow run streams its node events (PLAN → REVIEW, with the FIX loop) on the Herald
        channel <code>run:&lt;id&gt;</code>. Publish one with <code>examples/node-publisher</code> or{" "}
        <code>examples/python-publisher</code>, then open it:
      </p>
      <ul>
        <li>
          <Link href="/runs/demo">/runs/demo</Link>
        </li>
      </ul>
    </main>
  );
}
