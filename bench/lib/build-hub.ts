import { build } from 'esbuild';
import { BENCH_DIR } from './results.js';

/** Where the bench's build of the hub goes (gitignored). */
export const HUB_BUILD = `${BENCH_DIR}.build/hub.mjs`;

/**
 * Bundles `@herald/hub` (and the other `@herald/*` sources it imports) into one plain ES module, the way a
 * release build would: no tsx transform at run time (whose keepNames helpers add calls in hot paths), and
 * readable line numbers in CPU profiles. Third-party packages stay external and load from node_modules.
 */
export async function buildHub(): Promise<string> {
  await build({
    entryPoints: [`${BENCH_DIR}../packages/hub/src/index.ts`],
    outfile: HUB_BUILD,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'external-third-party',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@herald/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return HUB_BUILD;
}

/**
 * Maps a line of the bundle to the source file it came from, using the `// packages/…` comments esbuild
 * puts before each module.
 */
export function sourceOfLine(bundleText: string): (line: number) => string {
  const starts: { line: number; file: string }[] = [];
  bundleText.split('\n').forEach((text, i) => {
    const m = /^\/\/ (packages\/\S+)$/.exec(text);
    if (m?.[1]) starts.push({ line: i + 1, file: m[1] });
  });
  return (line) => {
    let file = '';
    for (const s of starts) {
      if (s.line > line) break;
      file = s.file;
    }
    return file;
  };
}
