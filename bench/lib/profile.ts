import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';
import { round } from './cpu.js';

/** The fields of a V8 `.cpuprofile` the summary needs. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** One function's share of the sampled time. */
export interface HotFunction {
  readonly fn: string;
  readonly where: string;
  readonly selfMs: number;
  readonly selfPercent: number;
}

let session: Session | null = null;

/** Starts the in-process V8 sampling profiler. */
export async function startProfiler(): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}

/** Stops the profiler, writes the profile to `file` and returns the top self-time functions. */
export async function stopProfiler(file: string, top = 15): Promise<HotFunction[]> {
  if (!session) return [];
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();
  session = null;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
  return summarize(profile, top);
}

/** Self time per function (by name and location), heaviest first. */
export function summarize(profile: CpuProfile, top: number): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] ?? -1);
    const dt = deltas[i] ?? 0;
    if (!node) continue;
    total += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(node_modules|packages)\//, '$1/');
    const key = `${functionName || '(anonymous)'}\t${file ? `${file}:${lineNumber + 1}` : ''}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  }
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [fn = '', where = ''] = key.split('\t');
      return { fn, where, selfMs: round(us / 1000), selfPercent: round(total > 0 ? (us / total) * 100 : 0) };
    });
}
