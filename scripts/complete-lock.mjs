// Names every optional dependency in package-lock.json, even ones npm left out.
//
// Why: the registry this project installs from serves only the linux builds of platform-specific optional
// packages (@rollup/rollup-darwin-x64 and friends answer 404), so npm writes a lock without them, and
// npm 11's `npm ci` then refuses that lock as out of sync. An entry marked optional satisfies `npm ci`;
// installing it is skipped on a platform that cannot fetch it. Run after any `npm install`:
//   node scripts/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    // npm resolves a dependency from the nearest node_modules up the tree.
    const base = path === '' ? '' : `${path}/`;
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => c in pkgs)) continue;
    pkgs[`node_modules/${name}`] = { version: spec.replace(/^[\^~=]/, ''), dev: meta.dev, optional: true };
    if (meta.dev === undefined) delete pkgs[`node_modules/${name}`].dev;
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added}`);
