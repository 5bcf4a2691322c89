#!/usr/bin/env node
// Launcher for `npx herald`: runs the built CLI, or says in one line how to build it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'herald: @herald/cli is not built (dist/cli.js is missing); in the Herald repository run `npm run build:packages`\n',
  );
  process.exit(1);
}
await import(cli.href);
