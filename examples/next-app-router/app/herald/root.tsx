"use client";
import { HeraldProvider } from "@herald/react";
import type { ReactNode } from "react";
import { getHeraldClient } from "./client";

export function HeraldRoot({ url, children }: { url: string; children: ReactNode }) {
  const client = getHeraldClient(url);
  // On the server there is no client: pages render without live data (see LiveOnly).
  return client === null ? children : <HeraldProvider client={client}>{children}</HeraldProvider>;
}
