// Makes sure the browser tests have Debian's Chromium before they start: installs it with apt-get when
// this runs as root, and otherwise stops with one line that says what to install. The browser tests are
// never skipped silently.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const fail = (why) => {
  console.error(`e2e: Chromium not found at ${path}: ${why}`);
  process.exit(1);
};
if (process.env.HERALD_CHROMIUM !== undefined) fail('HERALD_CHROMIUM points at a missing file');
const root = process.getuid?.() === 0;
const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
if (!root || !aptGet) fail('install it (as root: apt-get install -y chromium) or set HERALD_CHROMIUM');

console.log('e2e: installing Chromium with apt-get (once per machine)');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', 'chromium'],
]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) fail(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
}
if (!existsSync(path)) fail('apt-get installed chromium, but not at this path');
