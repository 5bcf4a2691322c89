// size-limit config for the client core. A JS file (not JSON) because esbuild must resolve workspace
// packages to their TypeScript sources through the `source` export condition, so @herald/protocol is
// bundled and counted as part of the core's cost.
//
// It measures exactly what bench/scenarios/bundle.ts measures for `@herald/client`: the whole public entry
// (every export kept), bundled and minified by esbuild as an ES module for browsers at es2020, gzip -9.
// Units: size-limit's "kB" is 1000 bytes, as is the bench's. The only difference left is that size-limit
// subtracts 32 bytes it attributes to an empty esbuild project (gzip header and wrapper), so it reads
// 32 bytes lower than the bench's raw gzip byte count. The budget is 8 kB (8,000 bytes) in both tools.
export default [
  {
    name: '@herald/client core (min+gzip, with @herald/protocol, every export kept)',
    path: 'src/index.ts',
    limit: '8 kB',
    gzip: true,
    modifyEsbuildConfig: (config) => ({
      ...config,
      conditions: ['source'],
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
    }),
  },
];
