import type { Metadata } from "next";
import "@herald/react/styles.css";
import "./globals.css";
import { HeraldRoot } from "./herald/root";

export const metadata: Metadata = {
  title: "MeatyMusic runs, live (Herald example)",
  description: "A Next.js App Router page following a MeatyMusic workflow run through Herald",
};

// NEXT_PUBLIC_WS_URL is seed 000's name for the live-events endpoint, e.g. ws://127.0.0.1:8080/v1/ws.
// Next inlines NEXT_PUBLIC_* at build time; the Herald client accepts the ws:// or http:// form.
const hubUrl = process.env.NEXT_PUBLIC_WS_URL ?? "ws://127.0.0.1:8080/v1/ws";

export default function RootLayout({ children }: LayoutProps<"/">) {
  return (
    <html lang="en">
      <body>
        <HeraldRoot url={hubUrl}>{children}</HeraldRoot>
      </body>
    </html>
  );
}
