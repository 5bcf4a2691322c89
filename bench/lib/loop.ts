import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { round } from './cpu.js';

/** How busy and how blocked an event loop was over an interval. */
export interface LoopSample {
  /** Event-loop utilisation, 0–1. */
  readonly utilization: number;
  readonly delayP99Ms: number;
  readonly delayMaxMs: number;
}

/** Starts watching this process's event loop; the returned function stops and reports. */
export function startLoopMonitor(): () => LoopSample {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const elu = performance.eventLoopUtilization();
  return () => {
    histogram.disable();
    return {
      utilization: round(performance.eventLoopUtilization(elu).utilization, 2),
      delayP99Ms: round(histogram.percentile(99) / 1e6),
      delayMaxMs: round(histogram.max / 1e6),
    };
  };
}

/** `loopStart` / `loopStop` for a server process's RPC table: one loop sample at a time. */
export function createLoopMonitorRpc(): { loopStart: () => void; loopStop: () => LoopSample | null } {
  let stop: (() => LoopSample) | null = null;
  return {
    loopStart: () => {
      stop = startLoopMonitor();
    },
    loopStop: () => {
      const sample = stop?.() ?? null;
      stop = null;
      return sample;
    },
  };
}
