"use client";
import { createClient, type HeraldClient } from "@herald/client";

let client: HeraldClient | undefined;

/** The page's one Herald client, or null while rendering on the server (see docs/nextjs.md). */
export function getHeraldClient(url: string): HeraldClient | null {
  if (typeof window === "undefined") return null;
  client ??= createClient({
    url,
    getToken: async () => {
      const res = await fetch("/api/herald-token", { cache: "no-store" });
      if (res.status === 401) return null; // signed out: the client stops
      if (!res.ok) throw new Error(`herald token: HTTP ${res.status}`); // retried with backoff
      return ((await res.json()) as { token: string }).token;
    },
  });
  return client;
}
