// size-limit config for the client core. A JS file (not JSON) because esbuild must resolve workspace
// packages to their TypeScript sources through the `source` export condition, so @herald/protocol is
// bundled and counted as part of the core's cost.
export default [
  {
    name: '@herald/client core (min+gzip, with @herald/protocol)',
    path: 'src/index.ts',
    import: '{ createClient, localStorageAdapter }',
    limit: '8 KB',
    gzip: true,
    modifyEsbuildConfig: (config) => ({ ...config, conditions: ['source'] }),
  },
];
