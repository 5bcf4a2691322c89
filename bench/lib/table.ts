import type { RunInfo, RunResults } from './results.js';

/** A markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => (v === null || v === undefined ? '–' : String(v));
  const line = (cells: readonly unknown[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** 1234567 → "1,234,567". */
export function num(v: unknown): string {
  return typeof v === 'number' ? Math.round(v).toLocaleString('en') : '–';
}

/** A ratio as "1.23×". */
export function times(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(2)}×` : '–';
}

/** The machine and run a scenario came from, on one line. */
export function describeRun(info: RunInfo): string {
  const m = info.machine;
  const load = info.loadAverage === undefined ? '' : `; load average ${info.loadAverage} at start`;
  return `${info.date.slice(0, 16).replace('T', ' ')} UTC, commit ${info.commit}${info.quick ? ', quick mode' : ''}; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}${load}`;
}

/** The scenario result stored under `name`, typed by the caller. */
export function scenario<T>(results: RunResults, name: string): { info: RunInfo; result: T } | undefined {
  return results.scenarios[name] as { info: RunInfo; result: T } | undefined;
}
