import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceOfLine } from './build-hub.js';
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

const bundles = new Map<string, (line: number) => string>();

/** `file:line`, shortened; for the bench's hub bundle, the TypeScript source the line came from. */
function locate(url: string, line: number): string {
  if (!url) return '';
  if (url.endsWith('.build/hub.mjs')) {
    let map = bundles.get(url);
    if (!map) {
      map = sourceOfLine(readFileSync(fileURLToPath(url), 'utf8'));
      bundles.set(url, map);
    }
    return `${map(line) || 'hub.mjs'} (hub.mjs:${line})`;
  }
  return `${url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${line}`;
}

/** Self time per function (by name and location), heaviest first. */
export function summarize(profile: CpuProfile, top: number): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Every sample weighs the same: on a contended machine one delayed sample can carry a huge time delta.
  const selfCount = new Map<string, number>();
  const samples = profile.samples ?? [];
  const totalUs = (profile.timeDeltas ?? []).reduce((a, b) => a + b, 0);
  const usPerSample = samples.length > 0 ? totalUs / samples.length : 0;
  for (const id of samples) {
    const node = byId.get(id);
    // Idle samples are left out: shares are of the time the hub was busy.
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'}\t${locate(url, lineNumber + 1)}`;
    selfCount.set(key, (selfCount.get(key) ?? 0) + 1);
  }
  const total = [...selfCount.values()].reduce((a, b) => a + b, 0);
  return [...selfCount.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, count]) => {
      const [fn = '', where = ''] = key.split('\t');
      return {
        fn,
        where,
        selfMs: round((count * usPerSample) / 1000),
        selfPercent: round(total > 0 ? (count / total) * 100 : 0),
      };
    });
}
