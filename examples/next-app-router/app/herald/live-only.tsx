"use client";
import { type ReactNode, useSyncExternalStore } from "react";

const noop = () => () => {};

/** Renders children in the browser only: `fallback` on the server and while hydrating. */
export function LiveOnly({ children, fallback = null }: { children: ReactNode; fallback?: ReactNode }) {
  const inBrowser = useSyncExternalStore(noop, () => true, () => false);
  return inBrowser ? children : fallback;
}
