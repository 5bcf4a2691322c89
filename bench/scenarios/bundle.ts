import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { round } from '../lib/cpu.js';
import { failure, type ScenarioOptions } from './common.js';

/** One library as the bench builds it. */
interface Entry {
  readonly name: string;
  /** Module source fed to esbuild (re-exports everything, so nothing is shaken away). */
  readonly source: string;
  /** Reconnect, resume/recovery, acks or channels: the peers Herald's client core must be smaller than. */
  readonly fullFeatured: boolean;
  readonly react?: boolean;
  /** More packages left out of the bundle. */
  readonly external?: readonly string[];
}

/**
 * A dynamic import is a chunk of its own for bundlers, fetched only when it runs (Herald's polling
 * fallback): an entry counts what a page loads up front, as packages/client/.size-limit.js does.
 */
const lazyChunksApart: Plugin = {
  name: 'lazy-chunks-apart',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
    );
  },
};

const ENTRIES: readonly Entry[] = [
  { name: '@herald/client', source: "export * from '@herald/client';", fullFeatured: false },
  {
    name: '@herald/client polling fallback (lazy chunk, protocol shared with the core)',
    source: "export * from './packages/client/src/transports/polling.ts';",
    fullFeatured: false,
    external: ['@herald/protocol'],
  },
  {
    name: '@herald/client/sse (SSE transport, lazy chunk, protocol shared with the core)',
    source: "export * from './packages/client/src/sse.ts';",
    fullFeatured: false,
    external: ['@herald/protocol'],
  },
  {
    name: '@herald/client/tabs (with the core it runs in every tab)',
    source: "export * from '@herald/client/tabs';",
    fullFeatured: false,
  },
  {
    name: '@herald/client/sources (with the core)',
    source: "export * from '@herald/client/sources';",
    fullFeatured: false,
  },
  {
    name: '@herald/react (with client)',
    source: "export * from '@herald/react';",
    fullFeatured: false,
    react: true,
  },
  {
    name: '@herald/react alone (client external)',
    source: "export * from '@herald/react';",
    fullFeatured: false,
    react: true,
    external: ['@herald/client', '@herald/protocol'],
  },
  {
    name: 'socket.io-client',
    source: "export * from 'socket.io-client'; export { default } from 'socket.io-client';",
    fullFeatured: true,
  },
  { name: 'centrifuge', source: "export * from 'centrifuge';", fullFeatured: true },
  { name: 'phoenix', source: "export * from 'phoenix';", fullFeatured: true },
  { name: 'ably', source: "export * from 'ably';", fullFeatured: true },
  { name: 'partysocket', source: "export * from 'partysocket';", fullFeatured: false },
  {
    name: 'react-use-websocket',
    source: "export * from 'react-use-websocket'; export { default } from 'react-use-websocket';",
    fullFeatured: false,
    react: true,
  },
];

const REACT_EXTERNALS = ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client'];

/** Builds one entry (bundle, minify, esm, browser) and measures minified and gzipped bytes. */
async function measure(entry: Entry) {
  const out = await build({
    stdin: { contents: entry.source, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    conditions: entry.name.startsWith('@herald/') ? ['source'] : [],
    external: [...(entry.react ? REACT_EXTERNALS : []), ...(entry.external ?? [])],
    loader: { '.css': 'empty' },
    plugins: [lazyChunksApart],
    write: false,
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js')) ?? out.outputFiles[0];
  const bytes = js?.contents ?? new Uint8Array();
  return {
    name: entry.name,
    fullFeatured: entry.fullFeatured,
    minBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    /** kB of 1,000 bytes, the unit size-limit uses too. */
    gzipKB: round(gzipSync(bytes, { level: 9 }).length / 1000, 2),
  };
}

/** Scenario 6: minified + gzipped size of Herald's client and React package against the peers. */
export async function bundle(o: ScenarioOptions) {
  const rows: unknown[] = [];
  for (const entry of ENTRIES) {
    try {
      const row = await measure(entry);
      o.log(`bundle: ${row.name} ${row.gzipKB} kB gzip (${row.gzipBytes} bytes)`);
      rows.push(row);
    } catch (error) {
      o.log(`bundle: ${entry.name} failed: ${failure(error).error}`);
      rows.push({ name: entry.name, fullFeatured: entry.fullFeatured, ...failure(error) });
    }
  }
  return {
    method:
      'esbuild bundle+minify, esm, platform browser, es2020; react externals; dynamic imports left out ' +
      '(their own chunks, fetched on demand); gzip -9 (zlib); ' +
      'KB here means kB = 1,000 bytes (packages/client/.size-limit.js measures the same build and reads 32 bytes lower)',
    rows,
  };
}
