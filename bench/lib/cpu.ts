/** CPU used by this process over an interval, as a share of one core. */
export interface CpuSample {
  /** user + system CPU time in milliseconds. */
  readonly cpuMs: number;
  /** Wall time of the interval in milliseconds. */
  readonly wallMs: number;
  /** cpuMs / wallMs × 100: 100 means one core fully busy. */
  readonly percent: number;
}

/** Starts measuring; the returned function ends the interval and reports it. */
export function startCpuMeter(): () => CpuSample {
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  return () => {
    const used = process.cpuUsage(startCpu);
    const wallMs = performance.now() - startWall;
    const cpuMs = (used.user + used.system) / 1000;
    return {
      cpuMs: round(cpuMs),
      wallMs: round(wallMs),
      percent: round(wallMs > 0 ? (cpuMs / wallMs) * 100 : 0),
    };
  };
}

/** A CPU meter a parent can drive over IPC: `start` then `stop`. */
export function createCpuMeterRpc(): { cpuStart: () => void; cpuStop: () => CpuSample | null } {
  let stop: (() => CpuSample) | null = null;
  return {
    cpuStart: () => {
      stop = startCpuMeter();
    },
    cpuStop: () => {
      const sample = stop?.() ?? null;
      stop = null;
      return sample;
    },
  };
}

/** Rounds to one decimal place (results stay readable). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
