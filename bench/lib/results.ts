import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where and when a run happened. */
export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly quick: boolean;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly os: string;
  };
  /** 1-minute load average when the run started: above ~1 on 2 cores, other work competed with the bench. */
  readonly loadAverage?: number;
}

/** One scenario's result with the run it came from. */
export interface ScenarioRecord {
  readonly info: RunInfo;
  readonly result: unknown;
}

/** The latest result of every scenario (they may come from different runs). */
export interface RunResults {
  readonly updated: string;
  readonly scenarios: Record<string, ScenarioRecord>;
}

/** bench/ on disk. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '.'], { cwd: BENCH_DIR })
      .toString()
      .trim();
    return dirty ? `${sha} (bench/ modified)` : sha;
  } catch {
    return 'unknown';
  }
}

/** Describes this machine and run. */
export function runInfo(quick: boolean): RunInfo {
  return {
    date: new Date().toISOString(),
    commit: gitCommit(),
    quick,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      os: `${os.type()} ${os.release()}`,
    },
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * Results folder. Quick (CI smoke) runs go to results/quick/ and runs limited with `--system` to
 * results/partial/, so neither overwrites a full run.
 */
export function resultsDir(kind: 'full' | 'quick' | 'partial'): string {
  return `${BENCH_DIR}results${kind === 'full' ? '' : `/${kind}`}`;
}

/**
 * Writes `<scenario>.json` for each scenario and merges them into latest.json (scenarios not run this
 * time keep their previous results there). Returns the merged results.
 */
export function writeResults(
  kind: 'full' | 'quick' | 'partial',
  records: Record<string, ScenarioRecord>,
): RunResults {
  const dir = resultsDir(kind);
  mkdirSync(dir, { recursive: true });
  for (const [name, record] of Object.entries(records)) {
    writeFileSync(`${dir}/${name}.json`, `${JSON.stringify(record, null, 2)}\n`);
  }
  const latestFile = `${dir}/latest.json`;
  const previous: Record<string, ScenarioRecord> = existsSync(latestFile)
    ? ((JSON.parse(readFileSync(latestFile, 'utf8')) as RunResults).scenarios ?? {})
    : {};
  const merged: RunResults = { updated: new Date().toISOString(), scenarios: { ...previous, ...records } };
  writeFileSync(latestFile, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
